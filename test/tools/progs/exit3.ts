import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc, argv: string[]): Promise<number> {
  await libc.printf('args:%s\n', argv.slice(1).join(','));
  return 3;
}
