/**
 * Box code asking libc to dereference a kernel address for it (issue 11 item 6), one libc helper
 * family per argv[1]; argv[2] is the kernel address (a task's struct cred, euid at +20). Run
 * unboxed, it enters a box with kerncall_spawn (accepted only under PrivBox's unsafe switch);
 * run as an SFI build (--privbox) its main already is box code, so it attacks from there.
 */
import type { Libc } from '../../../../libc/index.ts';

type Attack = (l: Libc, a: number) => number | Promise<number>;

/** An object that converts to the kernel address (the pointer's JS type must not matter). */
const as_object = (a: number): number => ({ valueOf: () => a }) as unknown as number;

const ATTACKS = new Map<string, Attack>([
  ['peek_u32', (l, a) => l.peek_u32(a)],
  ['peek', (l, a) => { const b = l.peek(a, 4); return b[0] + b[1] * 256; }],
  ['object_pointer', (l, a) => l.peek_u32(as_object(a))],
  ['string_pointer', (l, a) => l.peek_u32(String(a) as unknown as number)],
  ['strlen', (l, a) => l.strlen(a)],
  ['strdup', (l, a) => l.peek_u8(l.strdup(a))],
  ['malloc_usable_size', (l, a) => (l.malloc_usable_size(a + 16) + 16) % 2 ** 32],
  ['parse_stat', (l, a) => l.parse_stat(a - 8).uid],
  ['poke_u32', (l, a) => { l.poke_u32(a, 0); return l.peek_u32(a); }],
  ['snprintf', (l, a) => { l.snprintf(a, 4, '%s', 'x'); return l.peek_u32(a); }],
  ['read_syscall', async (l, a) => { const fd = await l.open('/dev/zero', l.O_RDONLY); return await l.read(fd, a, 4); }],
]);

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const attack = ATTACKS.get(argv[1]), addr = Number(argv[2]);
  if (!attack) return 2;
  const body = async (l: Libc): Promise<number> => {
    const v = await attack(l, addr);
    await l.printf('value %d errno %d\n', v, l.errno);
    await l.fflush_all();
    return 0;
  };
  if ((await libc.kerncall_setup()) !== 0) return 10;
  const r = await libc.kerncall_spawn(body);
  if (r === -1 && libc.errno === libc.EBUSY) return body(libc); // main already runs in a box
  return r;
}
