/**
 * PIOT_IOCLOAD: the kernel loads box code. It runs the SFI pass itself on the source the process
 * hands it (like the eBPF verifier, the kernel does not trust a user's claim that code was
 * instrumented), imports the result, and links it to a runtime whose `mark` is the only way a
 * function enters the registry that spawn consults. A user cannot forge that mark: the runtime
 * object is never reachable from box code (the pass rejects the `__sfi` names and every path to
 * kernel objects), and a module name carries a fresh random nonce, so no other code can import
 * the same module instance and link it first (and if it did, __sfi_link returns false and the
 * load fails). See docs/privbox.md.
 */
import { randomBytes } from 'node:crypto';
import { EINVAL, ENOEXEC, EPERM } from '../include/uapi/errno.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ERR } from '../printk.ts';
import type { TextFn } from '../mm/text.ts';
import { type SfiBuild, privbox_of } from './privbox.ts';
import { sfi_runtime } from './sfi_runtime.ts';

export interface BoxModule {
  /** The default export: the box entry (libc, arg). */
  readonly entry: TextFn;
  readonly build: SfiBuild;
}

/** The build this machine instruments with: full, or branch-only when SPAP guards accesses. */
/** The SFI pass, loaded on first use: it brings in the TypeScript compiler (~150 ms to load). */
function sfi_pass(): Promise<typeof import('../../tools/sfi/pass.ts')> {
  return import('../../tools/sfi/pass.ts');
}

export function default_build(k: Kernel): SfiBuild {
  return privbox_of(k).config.load_build ?? (k.cpu.features.spap ? 'branch' : 'full');
}

/** Compiles, imports and links a box module; -errno on rejection. */
export async function load_box_module(k: Kernel, source: string, build: SfiBuild): Promise<BoxModule | number> {
  const pb = privbox_of(k);
  if (build === 'none' && !pb.config.unsafe) return -EPERM;
  let code: string;
  try {
    code = (await sfi_pass()).sfi_compile(source, { build }).code;
  } catch (e) {
    if (!(e instanceof (await sfi_pass()).SfiRejection)) throw e;
    k.printk(KERN_ERR, `privbox: load refused: ${e.diagnostics.join('; ')}`);
    return -EINVAL;
  }
  code += `\n// privbox load ${randomBytes(16).toString('hex')}\n`;
  const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
  const mod = (await import(url)) as { default?: unknown; __sfi_link?: (rt: unknown) => boolean };
  if (typeof mod.default !== 'function' || typeof mod.__sfi_link !== 'function') return -ENOEXEC;
  if (!mod.__sfi_link(sfi_runtime(k, build))) return -EPERM;
  return { entry: mod.default as TextFn, build };
}
