/** pwd(1): getcwd(3). */
import type { Libc } from '../../libc/index.ts';
import { err_errno, out } from './common.ts';

export default async function main(libc: Libc): Promise<number> {
  const b = libc.malloc(4096);
  if ((await libc.getcwd(b, 4096)) < 0) { await err_errno(libc, 'pwd', 'error retrieving current directory'); return 1; }
  return (await out(libc, libc.cstr(b) + '\n')) ? 0 : 1;
}
