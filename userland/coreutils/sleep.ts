/** sleep(1): NUMBER[smhd]…, summed; nanosleep(2), restarted after a stop and continue. */
import type { Libc } from '../../libc/index.ts';
import { err } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await err(libc, "sleep: missing operand\nTry 'sleep --help' for more information."); return 1; }
  let secs = 0;
  for (const a of argv.slice(1)) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) { await err(libc, `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.`); return 1; }
    secs += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
  }
  await libc.nanosleep(Math.round(secs * 1e9));
  return 0;
}
