/**
 * Test driver: kerncall_setup, load the box source at argv[1] (a guest path), spawn its entry
 * with argv[2] as the argument, print what came back. Exit codes say which step failed.
 */
import type { Libc } from '../../../../libc/index.ts';

export async function read_guest(libc: Libc, path: string): Promise<Uint8Array | null> {
  const fd = await libc.open(path, libc.O_RDONLY);
  if (fd < 0) return null;
  const parts: Uint8Array[] = [];
  for (;;) {
    const b = new Uint8Array(65536);
    const n = await libc.read(fd, b, b.length);
    if (n <= 0) break;
    parts.push(b.subarray(0, n));
  }
  await libc.close(fd);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if ((await libc.kerncall_setup()) !== 0) { await libc.printf('setup failed: errno %d\n', libc.errno); return 10; }
  const src = await read_guest(libc, argv[1]);
  if (!src) return 11;
  const ip = await libc.kerncall_load(src);
  if (ip < 0) { await libc.printf('load failed: errno %d\n', libc.errno); return 12; }
  const v = await libc.kerncall_spawn(ip, Number(argv[2] ?? 0));
  if (v === -1 && libc.errno) { await libc.printf('spawn failed: errno %d\n', libc.errno); return 13; }
  await libc.printf('box returned %d\n', v);
  return 0;
}
