/**
 * fdcap and SCM_RIGHTS: file descriptors inside the control message of sendmsg/recvmsg are fd
 * arguments and fd results that sit in user memory rather than in registers.
 *
 * - sendmsg: every fd of an SCM_RIGHTS cmsg is checked like an fd argument (so a protected
 *   fd cannot be laundered into a new, unprotected fd by passing it to oneself or to another
 *   process). A hook cannot hand the original a kernel copy of the control buffer (it reads
 *   it with copy_from_user), so tokens are replaced by the plain fds in the user's buffer for
 *   the duration of the call and put back afterwards, as syscall-hooking modules do. A thread
 *   sharing the buffer could see the plain fds meanwhile; they are useless to it, being
 *   protected fds that still need a token.
 * - recvmsg: each fd the original installed is protected and replaced by its token when a
 *   context is current (inside a context every fd-creating syscall returns tokens).
 *
 * The cmsg walk follows include/linux/socket.h (CMSG_FIRSTHDR/CMSG_NXTHDR on a 64-bit ABI:
 * 16-byte struct cmsghdr, 8-byte alignment).
 */
import { SCM_RIGHTS, SOL_SOCKET } from '../../include/uapi/socket.ts';
import { get_user_u32, get_user_u64 } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import { C } from '../../time/cost.ts';
import { OPS_CMSG } from './cost.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

const CMSG_HDR = 16;
/** struct msghdr: msg_control at 32, msg_controllen at 40. */
const MSG_CONTROL = 32, MSG_CONTROLLEN = 40;
/** Longest walk (SCM_MAX_FD fds in 16-byte headers would fit well under this). */
const MAX_CONTROL = 1 << 16;

/**
 * Calls fn(addr, value) for each fd slot of each SOL_SOCKET/SCM_RIGHTS cmsg of the msghdr at
 * umsg (stopping when fn returns false). False if the msghdr or a cmsg could not be read
 * (the original call reports that fault itself).
 */
export function for_each_scm_fd(t: Task, umsg: UserPtr, fn: (addr: UserPtr, v: number) => boolean): boolean {
  if (get_user_u64(t, user_ptr_add(umsg, MSG_CONTROL))) return false;
  const ctl = as_user_ptr(t.cpu.uval); // msg_control, a user pointer in the msghdr
  if (get_user_u64(t, user_ptr_add(umsg, MSG_CONTROLLEN))) return false;
  const len = t.cpu.uval;
  if (!ctl) return true;
  const end = Math.min(len, MAX_CONTROL);
  for (let off = 0; off + CMSG_HDR <= end; ) {
    t.kernel.cpu.charge_n(C.kernel_op, OPS_CMSG);
    const cmsg = user_ptr_add(ctl, off);
    if (get_user_u64(t, cmsg)) return false;
    const clen = t.cpu.uval;
    if (get_user_u32(t, user_ptr_add(cmsg, 8))) return false;
    const level = t.cpu.uval;
    if (get_user_u32(t, user_ptr_add(cmsg, 12))) return false;
    const type = t.cpu.uval;
    if (clen < CMSG_HDR || clen > end - off) return true; // the original rejects or truncates it
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      for (let i = CMSG_HDR; i + 4 <= clen; i += 4) {
        const a = user_ptr_add(cmsg, i);
        if (get_user_u32(t, a)) return false;
        if (!fn(a, t.cpu.uval | 0)) return true;
      }
    }
    off += (clen + 7) & ~7;
  }
  return true;
}
