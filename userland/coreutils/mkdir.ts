/** mkdir(1): -p makes parents and accepts existing directories; -m MODE. */
import type { Libc } from '../../libc/index.ts';
import { err_errno, getopt } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 'pm:v', { parents: 'p' });
  if (!o) return 1;
  if (!o.args.length) { await err_errno(libc, 'mkdir', 'missing operand'); return 1; }
  const mode = o.values.has('m') ? parseInt(o.values.get('m')!, 8) : 0o777;
  let status = 0;
  for (const dir of o.args) {
    if (o.flags.has('p')) {
      const parts = dir.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join('/');
        if (!p) continue;
        if ((await libc.mkdir(p, i === parts.length ? mode : 0o777)) < 0 && libc.errno !== libc.EEXIST) { await err_errno(libc, 'mkdir', `cannot create directory '${dir}'`); status = 1; break; }
      }
    } else if ((await libc.mkdir(dir, mode)) < 0) { await err_errno(libc, 'mkdir', `cannot create directory '${dir}'`); status = 1; }
  }
  return status;
}
