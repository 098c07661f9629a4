/**
 * /sys/kernel/debug/piot, PrivBox's control file (the artifact's arch/x86/kernel/piot.c and
 * include/uapi/linux/piot.h): PIOT_IOCINFO gives the gate's address, PIOT_IOCLOAD loads box
 * code, PIOT_IOCSPAWN enters a box, PIOT_IOCRET leaves it. Numbers and struct layouts are the
 * artifact's (magic 'K').
 */
import { addr_hex } from '../arch/cpu.ts';
import { EFAULT, ENOMEM, ENOTTY } from '../include/uapi/errno.ts';
import type { SysRet, FileOperations } from '../fs/fs_types.ts';
import { debugfs_create_file } from '../fs/debugfs.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { PERM_BOX, PERM_KX, PERM_R } from '../mm/pgtable.ts';
import { TextRegion } from '../mm/text.ts';
import { copy_from_user, copy_to_user, get_user_u64 } from '../mm/uaccess.ts';
import { KERN_INFO } from '../printk.ts';
import type { Task } from '../sched/task.ts';
import { box_mm, BOX_TEXT_BASE } from './box_mm.ts';
import { gate_init } from './gate.ts';
import { default_build, load_box_module } from './loader.ts';
import { type PrivboxConfig, privbox_of } from './privbox.ts';
import { box_exec, piot_ret, piot_spawn } from './spawn.ts';

export {
  PIOT_MAGIC, PIOT_IOCLOAD_SIZE, PIOT_IOCSPAWN_SIZE, PIOT_IOCINFO_SIZE, PIOT_IOCINIT, PIOT_IOCLOAD, PIOT_IOCSPAWN,
  PIOT_IOCINFO, PIOT_IOCRET, PIOT_MAX_LOAD,
} from '../include/uapi/piot.ts';
import { PIOT_IOCINFO, PIOT_IOCINFO_SIZE, PIOT_IOCINIT, PIOT_IOCLOAD, PIOT_IOCLOAD_SIZE, PIOT_IOCRET, PIOT_IOCSPAWN, PIOT_IOCSPAWN_SIZE, PIOT_MAX_LOAD } from '../include/uapi/piot.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

function piot_info(t: Task, uarg: UserPtr): number {
  const b = new Uint8Array(PIOT_IOCINFO_SIZE), dv = new DataView(b.buffer);
  const put = (off: number, v: number): void => { const hi = Math.floor(v / 2 ** 32); dv.setUint32(off, v - hi * 2 ** 32, true); dv.setInt32(off + 4, hi, true); };
  put(0, BOX_TEXT_BASE); put(8, BOX_TEXT_BASE); put(16, privbox_of(t.kernel).gate_addr);
  return copy_to_user(t, uarg, b, 0, b.length) ? -EFAULT : 0;
}

/** PIOT_IOCLOAD: compiles the source at {addr, len}; returns the entry's box-text address. */
function piot_load(t: Task, uarg: UserPtr): SysRet {
  if (get_user_u64(t, uarg)) return -EFAULT;
  const addr = t.cpu.uval;
  if (get_user_u64(t, user_ptr_add(uarg, 8))) return -EFAULT;
  const len = t.cpu.uval;
  if (len > PIOT_MAX_LOAD) return -ENOMEM;
  const src = new Uint8Array(len);
  if (copy_from_user(t, src, 0, as_user_ptr(addr), len)) return -EFAULT; // struct piot_iocload's addr
  return load_box_module(t, new TextDecoder().decode(src), default_build(t.kernel)).then((m) => {
    if (typeof m === 'number') return m;
    return box_mm(t).text.add(m.entry, 'box_entry');
  });
}

function piot_ioctl(_f: unknown, t: Task, cmd: number, arg: number): SysRet {
  switch (cmd) {
    case PIOT_IOCINIT: box_mm(t); return 0;
    case PIOT_IOCINFO: return piot_info(t, as_user_ptr(arg));
    case PIOT_IOCLOAD: return piot_load(t, as_user_ptr(arg));
    case PIOT_IOCSPAWN: return piot_spawn(t, as_user_ptr(arg));
    case PIOT_IOCRET: return piot_ret(t, arg);
  }
  return -ENOTTY;
}

export const piot_fops: FileOperations = { unlocked_ioctl: piot_ioctl };

/**
 * Boots the subsystem: the gate on its own kernel text page (the only kernel page marked
 * PERM_BOX, so under SPAP a box can still call it) and the debugfs control file. Idempotent.
 */
export function privbox_init(k: Kernel, config: Partial<PrivboxConfig> = {}): void {
  const pb = privbox_of(k);
  Object.assign(pb.config, config);
  if (pb.gate_addr) return;
  const page = k.kvm.vmalloc(PAGE_SIZE, PERM_R | PERM_KX | PERM_BOX);
  const region = new TextRegion(page, PAGE_SIZE, () => undefined);
  k.kallsyms.add_region(region);
  pb.gate_addr = gate_init(k, region);
  debugfs_create_file(k, 'piot', 0o666, piot_fops);
  k.exec_hooks.push(box_exec);
  k.printk(KERN_INFO, `privbox: kern_piot_gate at ${addr_hex(pb.gate_addr)}; /sys/kernel/debug/piot ready`);
}
