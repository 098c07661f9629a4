/** id(1): uid, gid and groups with names from /etc/passwd and /etc/group; -u -g -n -r. */
import type { Libc } from '../../libc/index.ts';
import { getopt, lines, out, read_all } from './common.ts';

async function names(libc: Libc, file: string): Promise<Map<number, string>> {
  const d = await read_all(libc, file);
  const m = new Map<number, string>();
  if (d) for (const l of lines(new TextDecoder().decode(d))) { const f = l.split(':'); m.set(Number(f[2]), f[0]); }
  return m;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'ugnrG');
  if (!o) return 1;
  const real = o.flags.has('r');
  const uid = (real ? libc.getuid() : libc.geteuid()) as number, gid = (real ? libc.getgid() : libc.getegid()) as number;
  const users = await names(libc, '/etc/passwd'), groups = await names(libc, '/etc/group');
  const show = (id: number, m: Map<number, string>): string => (o.flags.has('n') ? m.get(id) ?? String(id) : String(id));
  if (o.flags.has('u')) return (await out(libc, show(uid, users) + '\n')) ? 0 : 1;
  if (o.flags.has('g') || o.flags.has('G')) return (await out(libc, show(gid, groups) + '\n')) ? 0 : 1;
  const nm = (id: number, m: Map<number, string>): string => (m.has(id) ? `(${m.get(id)})` : '');
  await out(libc, `uid=${uid}${nm(uid, users)} gid=${gid}${nm(gid, groups)} groups=${gid}${nm(gid, groups)}\n`);
  return 0;
}
