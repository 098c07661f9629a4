/**
 * A multi-module program for --privbox: the conformance interpreter (test/conformance/p.ts)
 * running the cases of ./conf_cases.ts, each in its own directory, printing the lines the
 * conformance suite compares.
 */
import type { Libc } from '../../../../libc/index.ts';
import { P } from '../../../conformance/p.ts';
import { cases } from './conf_cases.ts';

export default async function main(libc: Libc): Promise<number> {
  for (const c of cases) {
    const dir = `/tmp/conf-${c.name}`;
    libc.mkdir(dir, 0o755);
    if (libc.chdir(dir) !== 0) return 99;
    libc.umask(0o22);
    libc.write(1, `== ${c.name}\n`);
    await c.run(new P(libc), libc);
  }
  return 0;
}
