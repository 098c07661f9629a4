/**
 * Attack driver: loads the box at argv[1] and hands it the address of one of this program's
 * ordinary (non-box) functions, which reports the privilege level it ran at (1000 + CPL).
 */
import type { Libc } from '../../../../libc/index.ts';
import { read_guest } from './boxrun.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if ((await libc.kerncall_setup()) !== 0) return 10;
  const ip = await libc.kerncall_load((await read_guest(libc, argv[1]))!);
  if (ip < 0) return 12;
  const victim = (): number => 1000 + libc.door.cpl(); // ordinary user code: reports its privilege level
  const v = await libc.kerncall_spawn(ip, libc.fnaddr(victim));
  await libc.printf('box returned %d\n', v);
  return 0;
}
