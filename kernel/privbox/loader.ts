/**
 * PIOT_IOCLOAD: the kernel loads box code. It runs the SFI pass itself on the source the process
 * hands it (like the eBPF verifier, the kernel does not trust a user's claim that code was
 * instrumented), then the user-op pass (so a loop in box code is counted, preempted and bounded
 * by the watchdog like any user code), and evaluates the result in a realm of its own whose
 * intrinsics are frozen before the module's code runs — never in the kernel's realm. The module
 * is linked to a runtime whose `mark` is the only way a function enters the registry that spawn
 * consults; a user cannot forge that mark: the runtime object is never reachable from box code
 * (the pass rejects the `__sfi` names and every path to kernel objects), and each load is a
 * fresh realm, so no other code can link the module first (if it did, __sfi_link returns false
 * and the load fails). See docs/privbox.md.
 */
import vm from 'node:vm';
import { EINVAL, ENOEXEC, EPERM } from '../include/uapi/errno.ts';
import { host_import } from '../init/paths.ts';
import type { ImageOps } from '../arch/door_factory.ts';
import { adopt_context, lock_down, new_context } from '../fs/binfmt_image.ts';
import { unsigned_image_code } from '../fs/image_sig.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ERR } from '../printk.ts';
import type { TextFn } from '../mm/text.ts';
import type { Task } from '../sched/task.ts';
import { type SfiBuild, privbox_of } from './privbox.ts';
import { sfi_runtime } from './sfi_runtime.ts';

export interface BoxModule {
  /** The default export: the box entry (libc, arg). */
  readonly entry: TextFn;
  readonly build: SfiBuild;
}

/** The SFI pass, loaded on first use: it brings in the TypeScript compiler (~150 ms to load). */
function sfi_pass(): Promise<typeof import('../../tools/sfi/pass.ts')> {
  return import('../../tools/sfi/pass.ts');
}

/** The build this machine instruments with: full, or branch-only when SPAP guards accesses. */
export function default_build(k: Kernel): SfiBuild {
  return privbox_of(k).config.load_build ?? (k.cpu.features.spap ? 'branch' : 'full');
}

/**
 * The box-side return stub of a loaded module (libc's box_stub, for an entry entered by address):
 * an entry that returns a promise of its realm ends the box with PIOT_IOCRET once it settles,
 * since the kernel never awaits anything user code made. Source text for the module's realm.
 */
const RETURN_STUB = `const __entry = __box.default;
const __stub = typeof __entry !== 'function' ? __entry : function (lc, arg) {
  const v = __entry(lc, arg);
  if (typeof v === 'number' || v === undefined) return v;
  return (async () => { const x = await v; return lc.kerncall_ret(typeof x === 'number' ? x : 0); })();
};
return { default: __stub, __sfi_link: __box.__sfi_link };`;

/** The SFI pass's output (an ES module) as an image function: esbuild makes it a script. */
async function as_image_function(code: string): Promise<string> {
  const { transformSync } = await host_import<typeof import('esbuild')>('esbuild');
  const iife = transformSync(code, { format: 'iife', globalName: '__box', target: 'es2022', platform: 'neutral', loader: 'js', logLevel: 'silent' }).code;
  return `(function () {\n'use strict';\n${iife}${RETURN_STUB}\n})`;
}

/** Evaluates a box module in a new frozen realm, counting its ops on t's process realm. */
async function evaluate(t: Task, code: string): Promise<{ default?: unknown; __sfi_link?: (rt: unknown) => boolean } | number> {
  const k = t.kernel, realm = t.mm?.realm;
  if (!realm) return -ENOEXEC; // a harness task runs host code: it has no realm to count in
  const run = unsigned_image_code(k, await as_image_function(code), 'privbox load');
  if (typeof run === 'number') return run;
  const ctx = new_context(`${realm.name}:box`);
  adopt_context(k, ctx, realm);
  lock_down(ctx);
  try {
    const fn = new vm.Script(run.code, { filename: 'privbox load' }).runInContext(ctx) as (ops: ImageOps) => unknown;
    return fn(realm.ops) as { default?: unknown; __sfi_link?: (rt: unknown) => boolean };
  } catch (e) {
    k.printk(KERN_ERR, `privbox: load failed: ${String(e)}`);
    return -ENOEXEC;
  }
}

/** Compiles, evaluates and links a box module for t's process; -errno on rejection. */
export async function load_box_module(t: Task, source: string, build: SfiBuild): Promise<BoxModule | number> {
  const k = t.kernel, pb = privbox_of(k);
  if (build === 'none' && !pb.config.unsafe) return -EPERM;
  let code: string;
  try {
    code = (await sfi_pass()).sfi_compile(source, { build }).code;
  } catch (e) {
    if (!(e instanceof (await sfi_pass()).SfiRejection)) throw e;
    k.printk(KERN_ERR, `privbox: load refused: ${e.diagnostics.join('; ')}`);
    return -EINVAL;
  }
  const mod = await evaluate(t, code);
  if (typeof mod === 'number') return mod;
  if (typeof mod.default !== 'function' || typeof mod.__sfi_link !== 'function') return -ENOEXEC;
  if (!mod.__sfi_link(sfi_runtime(k, build))) return -EPERM;
  const entry = mod.default as TextFn;
  pb.registry.set(entry, build); // the stub: code the kernel wrote around the module's entry
  return { entry, build };
}
