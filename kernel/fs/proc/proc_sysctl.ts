/**
 * /proc/sys (fs/proc/proc_sysctl.c): one file per sysctl table entry. A write parses the value
 * (a page at most, as proc_sys_call_handler takes) and stores it; the file's mode and owner
 * (root) decide who may write, in the VFS's permission check at open.
 */
import type { Kernel } from '../../kernel.ts';
import { SYSCTL_TABLE } from '../../sysctl.ts';
import { proc_create } from './generic.ts';

const dec = new TextDecoder();

export function proc_sys_init(k: Kernel): void {
  for (const e of SYSCTL_TABLE) {
    const store = e.store;
    proc_create(k, `sys/${e.path}`, () => e.show(k), e.mode, store ? (_t, data) => store(k, dec.decode(data)) : undefined, true);
  }
}
