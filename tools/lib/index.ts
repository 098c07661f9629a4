/**
 * privos as a library (`import { boot } from 'privos'`; docs/testing.md). The stable surface is
 * what this file exports: boot(), Machine's methods, the option and result types, PrivosError.
 *
 *   const m = await boot({ arch: 'arm64', modules: ['fdcap'] });
 *   const r = await m.run('/bin/cat', ['/etc/hostname']);   // { status, signal, stdout, stderr, … }
 *   await m.shutdown();
 */
import { resolve } from 'node:path';
import { mount_hostfs } from '../../kernel/fs/hostfs.ts';
import type { BootOptions as KernelBootOptions } from '../../kernel/init/main.ts';
import { boot as machine_boot } from '../machine.ts';
import { profile_by_name } from '../profiles.ts';
import { PrivosError } from './errors.ts';
import { Machine } from './machine.ts';
import { check_boot_options, type BootOptions } from './options.ts';

export { Machine, type RunResult } from './machine.ts';
export type { BootOptions, ModuleParams, ModuleSpec, RunOptions } from './options.ts';
export { PrivosError } from './errors.ts';
export type { InlineBody } from '../machine.ts';
export type { Libc } from '../../libc/index.ts';

/** The kernel's options from the library's (kcov: the instrumented build, docs/kcov.md). */
function kernel_options(o: BootOptions): KernelBootOptions & { kcov?: boolean } {
  return {
    arch: o.arch, mem_bytes: o.mem === undefined ? undefined : o.mem * 2 ** 20, features: o.features,
    profile: typeof o.profile === 'string' ? profile_by_name(o.profile) : o.profile,
    ...(o.kcov === undefined ? {} : { kcov: o.kcov }),
  };
}

/**
 * Boots a machine: mounts the host directories, loads the modules in order, and resolves
 * when it is ready. Bad options throw a TypeError naming the option; a mount or module that
 * fails rejects with a PrivosError (code 'ENOENT', 'ENODEV', …) after shutting it down.
 */
export async function boot(opts: BootOptions = {}): Promise<Machine> {
  check_boot_options(opts);
  const m = new Machine(machine_boot(kernel_options(opts)));
  try {
    for (const [guest, host] of Object.entries(opts.mounts ?? {})) {
      const err = mount_hostfs(m.kernel, resolve(host), guest);
      if (typeof err === 'number' && err < 0) throw new PrivosError(-err, 'mount', guest);
    }
    for (const spec of opts.modules ?? []) {
      if (typeof spec === 'string') await m.loadModule(spec);
      else await m.loadModule(spec.module, spec.params);
    }
    if (opts.kcov && !(await m.exists('/sys/kernel/debug/kcov'))) {
      throw Object.assign(new Error('privos: kcov: this kernel build has no /sys/kernel/debug/kcov'), { code: 'ENOENT' });
    }
  } catch (e) {
    await m.shutdown();
    throw e;
  }
  return m;
}
