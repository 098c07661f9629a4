/**
 * Box code replacing an intrinsic the SFI runtime relies on: with `Number` the identity, the
 * runtime's "convert, then mask" masks an object's first conversion and the CPU door converts it
 * again — to a kernel address (argv[1]). Frozen intrinsics make the assignment fail.
 */
import type { Libc } from '../../../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const user = libc.malloc(8);
  libc.poke_u32(user, 7);
  const kaddr = Number(argv[1]);
  let n = 0;
  const ptr = { valueOf: () => (n++ === 0 ? user : kaddr) } as unknown as number;
  try {
    Number = ((x: unknown) => x) as unknown as NumberConstructor;
  } catch (e) {
    await libc.printf('refused: %s\n', (e as Error).name);
    return 3;
  }
  await libc.printf('value %d\n', libc.peek_u32(ptr));
  return 0;
}
