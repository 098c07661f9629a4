/**
 * The loader of privos images (fs/binfmt_elf.c's job; the format is in
 * include/uapi/privos_image.ts). Each image gets its own JavaScript realm — a node:vm context
 * with code generation from strings and WebAssembly disabled — holding only the ECMAScript
 * intrinsics; the linked code (program + libc) is evaluated there and its entry returned. The
 * kernel never calls a method of, reads a property of, or awaits anything user code made: it
 * calls the entry with a door made in the same realm, and that is all.
 */
import vm from 'node:vm';
import v8 from 'node:v8';
import { types } from 'node:util';
import { door_realm, type ImageOps } from '../arch/door_factory.ts';
import { ops_host } from '../sched/user_ops.ts';
import { describe_user_value, user_crash } from '../arch/traps.ts';
import type { UserRealm } from '../include/linux/realm.ts';
import type { UserEntry } from '../include/uapi/cpu_door.ts';
import { ENOEXEC } from '../include/uapi/errno.ts';
import { parse_image } from '../include/uapi/privos_image.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ERR } from '../printk.ts';
import { image_sfi_build } from '../privbox/sfi_image.ts';
import { compile_cached } from './image_code_cache.ts';
import { image_signed, unsigned_image_code } from './image_sig.ts';
import { REALM_LOCKDOWN_SRC } from '../privbox/lockdown.ts';
import { privbox_of } from '../privbox/privbox.ts';

/**
 * Compiled images by content hash: the same image exec'd again (every `privos run`, every test
 * boot) is parsed once per host process. A cache of a pure function of the image text, not
 * kernel state (the allow-list of module-level collections).
 */
const compiled = new Map<string, vm.Script>();

/** The door maker's source, evaluated in each new realm before any of the image's code. */
// (Under a loader that keeps function names, the source calls a `__name` helper: an identity.)
const DOOR_REALM_SRC = `(function () { const __name = (f) => f; return (${door_realm.toString()}); })()`;

/** A loaded image: its entry (a function of its realm) and the realm. */
export interface LoadedImage { entry: UserEntry; realm: UserRealm }

/** Which kernel owns each realm, by the realm's Promise.prototype (for rejections nobody handled). */
const realm_owner = new WeakMap<object, { k: Kernel; realm: UserRealm }>();
let rejection_hook = false;

/** The realm a promise belongs to: its prototype chain, read without running user code. */
function owner_of(p: Promise<unknown>): { k: Kernel; realm: UserRealm } | undefined {
  let o: object | null = p;
  for (let i = 0; o !== null && i < 8; i++) {
    const hit = realm_owner.get(o);
    if (hit) return hit;
    if (types.isProxy(o)) return undefined;
    o = Object.getPrototypeOf(o) as object | null;
  }
  return undefined;
}

/**
 * A promise of a realm rejected with nobody to handle it: the process crashes (as an uncaught
 * exception does), unless the reason is the realm's unwind marker (a task ended under code
 * that was still waiting). Rejections of the host's own promises keep Node's behaviour.
 */
function on_unhandled_rejection(reason: unknown, o: { k: Kernel; realm: UserRealm }): void {
  if (reason === o.realm.marker) return;
  const { k, realm } = o;
  const cur = k.current;
  const t = cur && cur.alive && cur.mm?.realm === realm ? cur
    : [...k.tasks.values()].reverse().find((x) => x.alive && x.mm?.realm === realm);
  if (t) user_crash(t, `unhandled rejection: ${describe_user_value(reason)}`);
}

/**
 * Guest rejections are the guest's business: the host process's 'unhandledRejection' event
 * (which a host test runner may treat as its own failure) only ever sees the host's promises.
 */
function hook_rejections(): void {
  const emit = process.emit.bind(process) as (name: string | symbol, ...args: unknown[]) => boolean;
  process.emit = function (name: string | symbol, ...args: unknown[]): boolean {
    if (name === 'unhandledRejection') {
      const o = owner_of(args[1] as Promise<unknown>);
      if (o) { on_unhandled_rejection(args[0], o); return true; }
    }
    return emit(name, ...args);
  } as typeof process.emit;
}

/**
 * What of the ECMAScript intrinsics could stop the host without a loop the user-op pass sees:
 * Atomics.wait blocks the host's one thread (a C program sleeps through futex(2), which privos
 * has), and a regular expression can backtrack for minutes. The first goes from every realm;
 * for the second V8 falls back to its linear-time engine after excessive backtracking (set once
 * for the host process; it changes no match result, only how long a pathological one takes —
 * patterns with backreferences, which that engine cannot run, stay exponential: docs/internals.md).
 */
const REALM_INIT_SRC = 'delete Atomics.wait;';
function harden_host(): void {
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  hook_rejections();
}

/** A new realm's context: ECMAScript intrinsics only (less Atomics.wait), no code generation from strings. */
export function new_context(name: string): vm.Context {
  const ctx = vm.createContext(Object.create(null) as object, {
    name: `privos:${name}`,
    codeGeneration: { strings: false, wasm: false },
  });
  vm.runInContext(REALM_INIT_SRC, ctx);
  if (!rejection_hook) { rejection_hook = true; harden_host(); }
  return ctx;
}

/** Freezes a context's intrinsics before box code runs in it (kernel/privbox/lockdown.ts). */
export function lock_down(ctx: vm.Context): void {
  (vm.runInContext(REALM_LOCKDOWN_SRC, ctx) as (g: object) => void)(vm.runInContext('globalThis', ctx) as object);
}

/** Code of ctx belongs to the process of `realm` (a box module's realm: its rejections crash that process). */
export function adopt_context(k: Kernel, ctx: vm.Context, realm: UserRealm): void {
  realm_owner.set(vm.runInContext('Promise.prototype', ctx) as object, { k, realm });
}

/** A realm for one image: ECMAScript intrinsics only, no code generation from strings. */
export function create_realm(k: Kernel, name: string): UserRealm {
  const ctx = new_context(name);
  const dr = (vm.runInContext(DOOR_REALM_SRC, ctx) as () => ReturnType<typeof door_realm>)();
  const promise_proto = vm.runInContext('Promise.prototype', ctx) as object;
  const realm: UserRealm = {
    make: dr.make, marker: dr.marker, ops: dr.ops(ops_host(k, ctx)), promise_proto, name, context: ctx, sfi: 'none', boxed: false,
  };
  realm_owner.set(promise_proto, { k, realm });
  return realm;
}

function compile(code: string, hash: string, filename: string, line: number): vm.Script {
  const key = hash || code;
  let s = compiled.get(key);
  if (!s) {
    s = compile_cached(code, hash, filename, line);
    compiled.set(key, s);
  }
  return s;
}

/**
 * Loads an image into a new realm: its entry, or -ENOEXEC (not an image, a syntax error, or an
 * image whose code does not produce an entry), with the reason in the kernel log as
 * `file:line:col message`.
 */
export function load_image(k: Kernel, text: string, path: string): LoadedImage | number {
  const img = parse_image(text);
  if (!img) return -ENOEXEC;
  const signed = image_signed(img.header, img.code);
  const sfi = image_sfi_build(k, img.header.build, signed, path);
  if (typeof sfi === 'number') return sfi;
  // An unsigned image's build tags are only claims: the user-op pass runs over its code here.
  const run = signed ? { code: img.code, hash: img.header.hash } : unsigned_image_code(k, img.code, path);
  if (typeof run === 'number') return run;
  const realm = create_realm(k, path);
  realm.sfi = sfi;
  // Box code's realm: intrinsics frozen before any of the image's code runs.
  if (sfi !== 'none' && privbox_of(k).config.frozen_intrinsics) lock_down(realm.context);
  let entry: unknown;
  try {
    // The script is a function expression; calling it (with the realm's op counter, which an
    // instrumented image takes as `__po`) runs the image's top level and returns its entry (_start).
    const image_fn = compile(run.code, run.hash, path, img.code_line).runInContext(realm.context) as (ops: ImageOps) => unknown;
    entry = image_fn(realm.ops);
  } catch (e) {
    k.printk(KERN_ERR, `exec: ${path}: ${describe_user_value(e)}`);
    return -ENOEXEC;
  }
  if (typeof entry !== 'function' || types.isProxy(entry)) return -ENOEXEC;
  return { entry: entry as UserEntry, realm };
}

