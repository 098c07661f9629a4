// Catches SIGINT (and SIGWINCH with argv[1] = "winch"), says "ready", sleeps until a signal
// arrives, reports it, and exits 0: a server shutting down cleanly.
import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc, argv: string[]): Promise<number> {
  let got = 0;
  const sig = argv[1] === 'winch' ? 28 : 2;
  libc.signal(sig, (s: number) => { got = s; });
  await libc.write(1, 'ready\n');
  while (!got) await libc.sleep(60);
  await libc.write(1, `caught ${libc.strsignal(got)}\n`);
  return 0;
}
