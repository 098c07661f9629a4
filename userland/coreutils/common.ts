/**
 * What the coreutils share (gnulib's role): option parsing in getopt's style (clustered
 * flags, -nVALUE / -n VALUE, --), GNU-style error messages, whole-file reads and writes.
 */
import type { Libc } from '../../libc/index.ts';

export interface Opts { flags: Set<string>; values: Map<string, string>; args: string[] }

/**
 * getopt(3): `spec` lists the flag letters, a letter followed by ':' takes a value. An unknown
 * option prints "PROG: invalid option -- 'x'" and returns null (the caller exits with its status).
 */
export async function getopt(libc: Libc, argv: string[], spec: string, long: Record<string, string> = {}): Promise<Opts | null> {
  const o: Opts = { flags: new Set(), values: new Map(), args: [] };
  const prog = argv[0].split('/').pop()!;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.args.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--') && long[a.slice(2).split('=')[0]] !== undefined) {
      const [name, v] = a.slice(2).split('=');
      const f = long[name];
      if (v !== undefined) o.values.set(f, v); else o.flags.add(f);
      continue;
    }
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a) && !spec.includes('0')) { o.args.push(a); continue; }
    for (let j = 1; j < a.length; j++) {
      const c = a[j], at = spec.indexOf(c);
      if (at < 0 || c === ':') {
        await err(libc, `${prog}: invalid option -- '${c}'\nTry '${prog} --help' for more information.`);
        return null;
      }
      if (spec[at + 1] === ':') {
        const v = a.slice(j + 1) || argv[++i];
        if (v === undefined) { await err(libc, `${prog}: option requires an argument -- '${c}'`); return null; }
        o.values.set(c, v);
        break;
      }
      o.flags.add(c);
    }
  }
  return o;
}

const enc = new TextEncoder();

export async function out(libc: Libc, s: string | Uint8Array, fd = 1): Promise<boolean> {
  const b = typeof s === 'string' ? enc.encode(s) : s;
  for (let off = 0; off < b.length;) {
    const n = (await libc.write(fd, b.subarray(off), b.length - off)) as number;
    if (n <= 0) return false;
    off += n;
  }
  return true;
}

export async function err(libc: Libc, msg: string): Promise<void> { await out(libc, msg + '\n', 2); }

/** "PROG: NAME: strerror(errno)" */
export async function err_errno(libc: Libc, prog: string, what: string): Promise<void> {
  await err(libc, `${prog}: ${what}: ${libc.strerror(libc.errno)}`);
}

/** All bytes of a file ("-" is standard input); null with errno set on failure. */
export async function read_all(libc: Libc, name: string): Promise<Uint8Array | null> {
  const fd = name === '-' ? 0 : ((await libc.open(name, libc.O_RDONLY)) as number);
  if (fd < 0) return null;
  const chunks: Uint8Array[] = [];
  const b = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const n = (await libc.read(fd, b, b.length)) as number;
    if (n < 0) { const e = libc.errno; if (fd) await libc.close(fd); libc.errno = e; return null; }
    if (n === 0) break;
    chunks.push(b.slice(0, n)); total += n;
  }
  if (fd) await libc.close(fd);
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { all.set(c, off); off += c.length; }
  return all;
}

/** Lines of a text (each without its newline; a final newline does not make an empty line). */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** stat(2) or lstat(2) decoded; null with errno set. */
export async function stat(libc: Libc, path: string, follow = true): Promise<import('../../libc/fs.ts').StatBuf | null> {
  const p = libc.malloc(256);
  try {
    const r = (follow ? await libc.stat(path, p) : await libc.lstat(path, p)) as number;
    return r < 0 ? null : libc.parse_stat(p);
  } finally { libc.free(p); }
}

export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
export const is_dir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;

/** The last path component (basename(3) for the common cases). */
export const basename = (p: string): string => p.replace(/\/+$/, '').split('/').pop() || '/';
