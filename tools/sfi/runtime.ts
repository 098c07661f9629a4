/**
 * The SFI runtime of a whole-image build (`privos cc --sfi full|branch`): linked into the image
 * beside the program and libc, so it runs in the process's own realm and every function it has
 * is of that realm (the artifact inlines `lea; btr $50` and `btr; and; jmp` instead). The pass
 * (tools/sfi/pass.ts) rewrites
 *   door.ld8/…/store(addr, …)   → door.ld8(__sfi.m(addr), …)       every user-memory access
 *   door.text_at(addr)          → __sfi.text_at(door, addr)       the fetch of an indirect call
 *   x.fnaddr(f), x.call(a, …)   → __sfi.fnaddr(x, f), __sfi.call(x, a, …)
 *   obj[k] (program code)       → obj[__sfi.key(k)]
 * and reports every function it compiled with __sfi_fn. Like libc, this is ordinary code using
 * the realm's intrinsics (Number, WeakSet, Reflect): the loader freezes them before any box code
 * runs (kernel/privbox/lockdown.ts), which is what keeps box code from replacing them.
 * Imports: uapi constants only (it is user code).
 */
import { PIOT_BOX_TEXT_BASE, PIOT_BOX_TEXT_SIZE, PIOT_BUNDLE } from '../../kernel/include/uapi/piot.ts';
import { image_prop_allowed } from '../../kernel/privbox/sfi_policy.ts';

/** Bit 50: the artifact's default mask bit (`btr $50`). */
const SFI_BIT = 2 ** 50;
/** A non-canonical address: a fetch or access there faults (SIGSEGV). */
const TRAP_ADDR = -(2 ** 62);

interface Door { cpl(): number; text_at(a: number): unknown; fnaddr(f: unknown): number }
type Callable = (...a: unknown[]) => unknown;
type WithMethods = { call(...a: unknown[]): unknown; fnaddr(f: unknown): number; door?: Door };

/** Functions this pass compiled (program and libc): the only ones that get code addresses. */
const marks = new WeakSet<object>();

/** Converts a pointer to a number once, then clears bit 50 (a kernel-half address turns non-canonical). */
function m(p: unknown): number {
  const n = typeof p === 'number' ? p : Number(p);
  return n < 0 ? n - SFI_BIT : n;
}

/** Kills the task with SIGSEGV through its door (an instruction fetch at a non-canonical address). */
function fault(d: Door | undefined, why: string): never {
  if (d && typeof d.text_at === 'function') d.text_at(TRAP_ADDR);
  throw new TypeError(`SFI violation: ${why}`);
}

/** The fetch of an indirect call: at CPL 0 (in a box) masked, bundle-aligned and confined to the box text. */
function text_at(d: Door, addr: number): unknown {
  if (d.cpl() !== 0) return d.text_at(addr);
  const a = m(addr), b = a - (((a % PIOT_BUNDLE) + PIOT_BUNDLE) % PIOT_BUNDLE);
  return d.text_at(b >= PIOT_BOX_TEXT_BASE && b < PIOT_BOX_TEXT_BASE + PIOT_BOX_TEXT_SIZE ? b : TRAP_ADDR);
}

/** `x.fnaddr(f)`: only functions the pass produced get an address. */
function fnaddr(x: WithMethods, f: unknown): number {
  if (typeof f !== 'function' || !marks.has(f)) return fault(x.door ?? (x as unknown as Door), 'address of a function the SFI pass did not produce');
  return x.fnaddr(f);
}

/** `x.call(addr, …)`: Function.prototype.call on a function; libc's call otherwise (its fetch is checked). */
function call(x: WithMethods | Callable, addr: unknown, ...args: unknown[]): unknown {
  if (typeof x === 'function') return Reflect.apply(x, addr, args);
  return x.call(addr, ...args);
}

/** A computed property key, converted once and checked against the policy. */
function key(k: unknown): number | symbol | string {
  if (typeof k === 'number' || typeof k === 'symbol') return k;
  const s = String(k);
  if (!image_prop_allowed(s)) throw new TypeError(`SFI violation: computed access to '${s}'`);
  return s;
}

export const __sfi = Object.freeze({ m, text_at, fnaddr, call, key });

/** Records a function the pass compiled (called by the instrumented code for each one). */
export function __sfi_fn<F>(f: F): F {
  marks.add(f as object);
  return f;
}
