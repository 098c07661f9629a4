/**
 * current->cred in kernel memory. privos's core keeps credentials as a JS object (Task.cred);
 * PrivBox's attack surface needs them at a kernel virtual address, as Linux has them, so the
 * subsystem keeps each boxed task's `struct cred` image in a vmalloc'd page (include/linux/cred.h
 * field order: usage, uid, gid, suid, sgid, euid, egid, fsuid, fsgid), refreshed at every spawn.
 * An attack that reads it really loads from kernel memory, and faults where SFI/SPAP stop it.
 */
import { ACC_W } from '../arch/cpu.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sched/task.ts';
import { privbox_of } from './privbox.ts';

/** Offsets of the fields in struct cred (x86-64, no CONFIG_DEBUG_CREDENTIALS). */
export const CRED_UID = 4, CRED_GID = 8, CRED_EUID = 20;

/** The kernel address of pid's struct cred page, allocated on first use (NaN: out of memory). */
export function cred_page_alloc(k: Kernel, pid: number): number {
  const pages = privbox_of(k).cred_pages;
  let a = pages.get(pid);
  if (a === undefined) {
    a = k.kvm.vmalloc(PAGE_SIZE);
    if (a !== a) return a;
    pages.set(pid, a);
  }
  return a;
}

/** Writes t's credentials into its kernel cred page. */
export function cred_page_sync(t: Task): void {
  const k = t.kernel;
  const a = cred_page_alloc(k, t.pid);
  if (a !== a) return;
  const c = t.cred, dv = k.phys.dv;
  const words = [1, c.uid, c.gid, c.suid, c.sgid, c.euid, c.egid, c.fsuid, c.fsgid];
  const p = k.cpu.translate(a, ACC_W);
  if (p < 0) return;
  words.forEach((w, i) => dv.setUint32(p + i * 4, w >>> 0, true));
}
