/**
 * ps(1), reduced: every process from /proc, as procps reads it. Default columns PID TTY STAT
 * CMD; -j adds PGID and SID (job control at a glance); -o is not supported.
 */
import type { Libc } from '../../libc/index.ts';

async function slurp(libc: Libc, path: string): Promise<string | null> {
  const fd = (await libc.open(path, libc.O_RDONLY)) as number;
  if (fd < 0) return null;
  const b = new Uint8Array(4096);
  const n = (await libc.read(fd, b, b.length)) as number;
  await libc.close(fd);
  return n < 0 ? null : new TextDecoder().decode(b.subarray(0, n));
}

/** tty_nr as ps names it: major 4 is ttyN, 136+ pts/N, 5:1 console. */
function tty_name(nr: number): string {
  const major = (nr >> 8) & 0xfff, minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  if (!nr) return '?';
  if (major === 4) return `tty${minor}`;
  if (major >= 136 && major < 144) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 5 && minor === 1) return 'console';
  return `${major},${minor}`;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const jobs = argv.slice(1).some((a) => /^-\w*j/.test(a));
  const names = await libc.listdir('/proc');
  if (typeof names === 'number') { await libc.perror('ps: /proc'); return 1; }
  await libc.puts(jobs ? '    PID    PGID     SID TTY      STAT CMD' : '    PID TTY      STAT CMD');
  for (const pid of names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b)) {
    const stat = await slurp(libc, `/proc/${pid}/stat`);
    if (!stat) continue; // exited meanwhile
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, , pgrp, sid, tty_nr, tpgid] = f;
    // STAT as procps builds it: s for a session leader, + in the terminal's foreground group.
    const st = state + (Number(sid) === pid ? 's' : '') + (Number(tpgid) === Number(pgrp) && tpgid !== '-1' ? '+' : '');
    const tty = tty_name(Number(tty_nr)).padEnd(8);
    if (jobs) await libc.printf('%7d %7s %7s %s %-4s %s\n', pid, pgrp, sid, tty, st, comm);
    else await libc.printf('%7d %s %-4s %s\n', pid, tty, st, comm);
  }
  return 0;
}
