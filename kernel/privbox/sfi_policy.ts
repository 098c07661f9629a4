/**
 * What box code may contain: the contract between the SFI pass (tools/sfi) and the kernel's
 * runtime checks. privos programs are JavaScript, so the artifact's rules translate as follows:
 * - memory: libc's accessors and pointer arguments carry a user address; each gets the mask
 *   (bit 50 cleared) — POINTER_ARGS lists where pointers sit;
 * - indirect branches: `libc.call(addr, …)` is masked, bundle-aligned and checked against the
 *   box text; `libc.fnaddr(f)` places f in the box text;
 * - "privileged instructions": anything that reaches kernel objects or the host — the names
 *   below, as identifiers, properties, destructured names or (at run time) computed keys.
 */

/** libc methods whose arguments at these positions are user pointers. */
export const POINTER_ARGS: Readonly<Record<string, readonly number[]>> = {
  peek: [0], peek_into: [0], poke: [0], peek_u8: [0], peek_u32: [0], peek_i32: [0], peek_u64: [0],
  poke_u8: [0], poke_u32: [0], poke_u64: [0], strlen: [0], cstr: [0], kerncall_args: [0],
  read: [1], write: [1], pread: [1], pwrite: [1], memcpy: [0, 1], memset: [0],
};

/**
 * The CPU door's memory operations (kernel/include/uapi/cpu_door.ts) and where their address
 * sits: in a whole-image build every one of them, libc's included, gets its address converted
 * to a number and masked — the artifact's pass instrumenting every load and store of musl.
 */
export const DOOR_POINTER_ARGS: Readonly<Record<string, readonly number[]>> = {
  ld8: [0], ld32: [0], ld64: [0], st8: [0], st32: [0], st64: [0], load: [0], store: [0],
};

/** Indirect branches: rewritten to the runtime's checked versions (text_at: the door's fetch). */
export const BRANCH_METHODS = ['call', 'fnaddr', 'text_at'] as const;

/** Inline-assembly helpers of privileged instructions (libc/kerncall.ts): never in a box. */
export const PRIVILEGED_PREFIX = 'asm_';

/**
 * Properties box code may not name: libc's links to the kernel (task, entry, the gate), libc's
 * internal pointers, and JavaScript's reflective escape hatches (constructor → Function, …).
 */
export const FORBIDDEN_PROPS: ReadonlySet<string> = new Set([
  'task', 'kernel', 'entry', 'kerncall_gate', 'door', 'scratch_base', 'scratch_top',
  'constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__',
  '__lookupGetter__', '__lookupSetter__', 'caller', 'callee', 'prepareStackTrace',
  'captureStackTrace', 'getPrototypeOf', 'setPrototypeOf', 'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors', 'defineProperty', 'defineProperties', 'values', 'entries', 'assign',
]);

/** Host escape hatches: rejected as identifiers wherever they appear. */
export const FORBIDDEN_IDENTIFIERS: ReadonlySet<string> = new Set([
  'eval', 'Function', 'AsyncFunction', 'globalThis', 'global', 'window', 'self', 'process', 'require', 'module',
  'exports', '__dirname', '__filename', 'Reflect', 'Proxy', 'WebAssembly', 'console', 'setTimeout',
  'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'Buffer', 'SharedArrayBuffer', 'Atomics',
  'FinalizationRegistry', 'WeakRef', 'Worker', 'importScripts',
]);

/** Free identifiers (globals) box code may use. Everything else must be declared in the module. */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'undefined', 'NaN', 'Infinity', 'isNaN', 'isFinite', 'parseInt', 'parseFloat', 'Math', 'Number',
  'String', 'Boolean', 'Symbol', 'BigInt', 'Array', 'Object', 'JSON', 'Date', 'Map', 'Set', 'WeakMap',
  'WeakSet', 'Promise', 'Error', 'RangeError', 'TypeError', 'SyntaxError', 'ArrayBuffer', 'DataView',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array',
  'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray', 'TextEncoder', 'TextDecoder', 'RegExp',
  'arguments',
]);

/** Prefix of the names the pass generates; user code may not use it. */
export const RESERVED_PREFIX = '__sfi';

/**
 * Properties a whole-image build lets box code name: in a single module they would hand out
 * libc's unmasked internals, but in an image libc masks every access itself and its only
 * unmasked primitive, the CPU door, is not enumerable (so Map.prototype.entries and
 * Object.values are ordinary again) and its name is forbidden ('door' above).
 */
export const IMAGE_ALLOWED_PROPS: ReadonlySet<string> = new Set(['values', 'entries', 'assign']);

/** In a whole-image build: may box code name property `k` (statically, or as a computed key)? */
export function image_prop_allowed(k: string): boolean {
  return (!FORBIDDEN_PROPS.has(k) || IMAGE_ALLOWED_PROPS.has(k)) && !k.startsWith(PRIVILEGED_PREFIX) && !k.startsWith(RESERVED_PREFIX);
}

/** Is a computed property key allowed at run time? (numbers and symbols always are) */
export function key_allowed(k: string): boolean {
  return !FORBIDDEN_PROPS.has(k) && !Object.hasOwn(POINTER_ARGS, k) && !Object.hasOwn(DOOR_POINTER_ARGS, k) &&
    !(BRANCH_METHODS as readonly string[]).includes(k) && !k.startsWith(PRIVILEGED_PREFIX);
}
