/** rmdir(1): removes empty directories. */
import type { Libc } from '../../libc/index.ts';
import { err, err_errno, getopt } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'p');
  if (!o) return 1;
  if (!o.args.length) { await err(libc, 'rmdir: missing operand'); return 1; }
  let status = 0;
  for (const d of o.args) if ((await libc.rmdir(d)) < 0) { await err_errno(libc, 'rmdir', `failed to remove '${d}'`); status = 1; }
  return status;
}
