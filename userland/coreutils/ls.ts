/**
 * ls(1): names in each directory argument (default "."), sorted; -a shows dotfiles (and . ..),
 * -A without . and .., -l the long format (mode, links, owner, group, size, mtime), -d lists
 * directories themselves, -1 one per line. Exit 2 when an argument cannot be accessed.
 */
import type { Libc } from '../../libc/index.ts';
import type { StatBuf } from '../../libc/fs.ts';
import { err, getopt, is_dir, lines, out, read_all, stat } from './common.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The ten-character mode string of ls -l (drwxr-xr-x, with s/S/t/T). */
export function mode_string(m: number): string {
  const type = { 0o040000: 'd', 0o120000: 'l', 0o020000: 'c', 0o060000: 'b', 0o010000: 'p', 0o140000: 's' }[m & 0o170000] ?? '-';
  const rwx = (shift: number, special: number, ch: string): string => {
    const r = m >> shift & 4 ? 'r' : '-', w = m >> shift & 2 ? 'w' : '-', x = m >> shift & 1;
    const sp = m & special;
    return r + w + (sp ? (x ? ch : ch.toUpperCase()) : x ? 'x' : '-');
  };
  return type + rwx(6, 0o4000, 's') + rwx(3, 0o2000, 's') + rwx(0, 0o1000, 't');
}

async function id_names(libc: Libc, file: string): Promise<Map<number, string>> {
  const d = await read_all(libc, file);
  const m = new Map<number, string>();
  if (d) for (const l of lines(new TextDecoder().decode(d))) { const f = l.split(':'); m.set(Number(f[2]), f[0]); }
  return m;
}

function mtime(ns: number, now: number): string {
  const d = new Date(ns / 1e6);
  const recent = Math.abs(now - ns / 1e6) < 182 * 86400e3;
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${tail}`;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'alAd1hFR', { all: 'a', 'almost-all': 'A', directory: 'd' });
  if (!o) return 2;
  const F = o.flags;
  const targets = o.args.length ? o.args : ['.'];
  const users = F.has('l') ? await id_names(libc, '/etc/passwd') : new Map<number, string>();
  const groups = F.has('l') ? await id_names(libc, '/etc/group') : new Map<number, string>();
  const now = Number(libc.clock_ns(libc.CLOCK_REALTIME)) / 1e6;
  let status = 0;

  const print = async (entries: { name: string; path: string; st: StatBuf | null }[], total: boolean): Promise<void> => {
    if (!F.has('l')) { await out(libc, entries.map((e) => e.name + '\n').join('')); return; }
    const rows: string[][] = [];
    let blocks = 0;
    for (const e of entries) {
      const st = e.st ?? await stat(libc, e.path, false);
      if (!st) continue;
      blocks += Math.ceil(st.blocks / 2);
      let name = e.name;
      if ((st.mode & 0o170000) === 0o120000) {
        const b = libc.malloc(4096);
        const n = (await libc.readlink(e.path, b, 4096)) as number;
        if (n > 0) name += ` -> ${new TextDecoder().decode(libc.peek(b, n))}`;
        libc.free(b);
      }
      const size = (st.mode & 0o170000) === 0o020000 ? `${st.rdev >> 8 & 0xfff}, ${st.rdev & 0xff}` : String(st.size);
      rows.push([mode_string(st.mode), String(st.nlink), users.get(st.uid) ?? String(st.uid), groups.get(st.gid) ?? String(st.gid), size, mtime(st.mtime_ns, now), name]);
    }
    const w = [1, 2, 3, 4].map((c) => Math.max(0, ...rows.map((r) => r[c].length)));
    if (total) await out(libc, `total ${blocks}\n`);
    await out(libc, rows.map((r) => `${r[0]} ${r[1].padStart(w[0])} ${r[2].padEnd(w[1])} ${r[3].padEnd(w[2])} ${r[4].padStart(w[3])} ${r[5]} ${r[6]}\n`).join(''));
  };

  const files: { name: string; path: string; st: StatBuf | null }[] = [];
  const dirs: string[] = [];
  for (const t of targets) {
    // GNU ls: -l and -d show a symlink operand itself (a trailing slash still follows it).
    const st = await stat(libc, t, !(F.has('l') || F.has('d')));
    if (!st) { await err(libc, `ls: cannot access '${t}': ${libc.strerror(libc.errno)}`); status = 2; continue; }
    if (is_dir(st.mode) && !F.has('d')) dirs.push(t); else files.push({ name: t, path: t, st });
  }
  await print(files.sort((a, b) => (a.name < b.name ? -1 : 1)), false);
  for (const [i, d] of dirs.entries()) {
    const names = await libc.listdir(d);
    if (typeof names === 'number') { await err(libc, `ls: cannot open directory '${d}': ${libc.strerror(libc.errno)}`); status = 2; continue; }
    if (targets.length > 1) await out(libc, `${i || files.length ? '\n' : ''}${d}:\n`);
    const shown = names.filter((n) => (F.has('a') ? true : F.has('A') ? n !== '.' && n !== '..' : !n.startsWith('.')));
    if (F.has('a')) for (const dot of ['.', '..']) if (!shown.includes(dot)) shown.push(dot);
    await print(shown.sort().map((n) => ({ name: n, path: `${d}/${n}`, st: null })), true);
  }
  return status;
}
