/**
 * Block copies through the door with the realm's typed-array methods replaced: the kernel must
 * move the bytes without running any of them (it reads and fills the program's arrays through
 * its own intrinsics), for small and large copies, loads and stores, and a subclass instance.
 * Prints "hooks=N ok=BOOL" (N: calls of the replaced methods during the copies).
 */
import type { Libc } from '../../../../libc/index.ts';

export default async function main(libc: Libc): Promise<number> {
  const TA = Object.getPrototypeOf(Uint8Array.prototype) as Record<string, unknown>;
  let hooks = 0;
  const saved = new Map<string, unknown>();
  for (const m of ['set', 'subarray', 'slice', 'fill', 'copyWithin']) {
    const f = TA[m] as (...a: unknown[]) => unknown;
    saved.set(m, f);
    TA[m] = function (this: unknown, ...a: unknown[]) { hooks++; return f.apply(this, a); };
  }
  class Sneaky extends Uint8Array {
    override subarray(): Uint8Array<ArrayBuffer> { hooks++; return new Uint8Array(0); }
    override set(): void { hooks++; }
  }
  const p = libc.malloc(8192);
  let ok = true;
  for (const n of [8, 40, 5000]) {
    const src = new Uint8Array(n), sneaky = new Sneaky(n);
    for (let i = 0; i < n; i++) src[i] = (i * 7 + n) & 255;
    libc.door.store(p, src, 0, n);
    const dst = new Uint8Array(n);
    libc.door.load(p, dst, 0, n);
    libc.door.load(p, sneaky, 0, n);
    const mid = new Uint8Array(n + 6);
    libc.door.load(p + 1, mid, 3, n - 1);
    for (let i = 0; i < n; i++) ok &&= dst[i] === src[i] && sneaky[i] === src[i];
    for (let i = 0; i < n - 1; i++) ok &&= mid[3 + i] === src[1 + i];
    ok &&= mid[2] === 0 && mid[3 + n - 1] === 0;
  }
  const seen = hooks;
  for (const [m, f] of saved) TA[m] = f;
  await libc.write(1, `hooks=${seen} ok=${ok}\n`);
  return 0;
}
