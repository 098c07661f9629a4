/** ps(1), reduced: PID, state and command of every process, read from /proc like procps does. */
import type { Libc } from '../../libc/index.ts';

async function slurp(libc: Libc, path: string): Promise<string | null> {
  const fd = (await libc.open(path, libc.O_RDONLY)) as number;
  if (fd < 0) return null;
  const b = new Uint8Array(4096);
  const n = (await libc.read(fd, b, b.length)) as number;
  await libc.close(fd);
  return n < 0 ? null : new TextDecoder().decode(b.subarray(0, n));
}

export default async function main(libc: Libc): Promise<number> {
  const names = await libc.listdir('/proc');
  if (typeof names === 'number') { await libc.perror('ps: /proc'); return 1; }
  await libc.puts('  PID S CMD');
  for (const pid of names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b)) {
    const stat = await slurp(libc, `/proc/${pid}/stat`);
    if (!stat) continue; // exited meanwhile
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    await libc.printf('%5d %s %s\n', pid, state, comm);
  }
  return 0;
}
