/** kill(1): kill [-s SIG | -SIG] PID…, kill -l [N]; exit 1 if any kill failed. */
import type { Libc } from '../../libc/index.ts';
import { signal_names, signal_number } from '../sh/jobs.ts';
import { err, out } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const args = argv.slice(1);
  if (args[0] === '-l' || args[0] === '-L') {
    if (args[1]) {
      const n = Number(args[1]);
      const name = /^\d+$/.test(args[1]) ? signal_names()[(n > 128 ? n - 128 : n) - 1] : String(signal_number(args[1]));
      if (!name || name === '-1') { await err(libc, `kill: unknown signal: ${args[1]}`); return 1; }
      await out(libc, name + '\n');
      return 0;
    }
    await out(libc, signal_names().join(' ') + '\n');
    return 0;
  }
  let sig = 15;
  if (args[0] === '-s' || args[0] === '-n') { sig = signal_number(args[1] ?? ''); args.splice(0, 2); }
  else if (args[0]?.startsWith('-') && args[0] !== '--' && args.length > 1) { sig = signal_number(args[0].slice(1)); args.shift(); }
  if (args[0] === '--') args.shift();
  if (sig < 0) { await err(libc, `kill: unknown signal: ${argv[1]}`); return 1; }
  if (!args.length) { await err(libc, 'kill: not enough arguments'); return 1; }
  let status = 0;
  for (const a of args) {
    if (!/^-?\d+$/.test(a)) { await err(libc, `kill: cannot find process "${a}"`); status = 1; continue; }
    if ((await libc.kill(Number(a), sig)) < 0) { await err(libc, `kill: (${a}): ${libc.strerror(libc.errno)}`); status = 1; }
  }
  return status;
}
