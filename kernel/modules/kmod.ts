/**
 * Loading a module on the kernel's own initiative (kernel/module/kmod.c): __request_module runs
 * the loader as a usermode helper — a root process the kernel starts and waits for
 * (call_usermodehelper_exec with UMH_WAIT_PROC) — so a load at boot goes through the same
 * finit_module path, checks and costs as an insmod typed at a shell.
 */
import { spawn } from '../init/main.ts';
import type { Kernel } from '../kernel.ts';

/** call_usermodehelper(path, argv, envp, UMH_WAIT_PROC): the helper's wait status. */
export async function call_usermodehelper(k: Kernel, path: string, argv: string[]): Promise<number> {
  const t = await spawn(k, { program: path, argv, envp: ['HOME=/', 'TERM=linux', 'PATH=/sbin:/usr/sbin:/bin:/usr/bin'], uid: 0 });
  return t.exited;
}
