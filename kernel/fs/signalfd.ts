/**
 * signalfd (fs/signalfd.c): a file that reads the reader's own pending signals of a set as
 * struct signalfd_siginfo (128 bytes each), dequeueing them as sigtimedwait would. Blocks (or
 * EAGAIN with O_NONBLOCK) while none is pending; polls readable while one is.
 */
import { EAGAIN, EBADF, EFAULT, EINVAL } from '../include/uapi/errno.ts';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../include/uapi/fcntl.ts';
import { SIGKILL, SIGSTOP } from '../include/uapi/signal.ts';
import { copy_to_user } from '../mm/uaccess.ts';
import { dequeue_signal_from } from '../sched/signal.ts';
import { signal_pending } from '../include/linux/sched/signal.ts';
import { fill_siginfo, SIGNALFD_FIELDS, type SigInfo } from '../sched/siginfo.ts';
import { get_sigset } from '../sched/sigwait.ts';
import type { Task } from '../sched/task.ts';
import { sleep_on } from '../sched/wait.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { ERESTARTSYS } from '../include/uapi/errno.ts';
import { anon_inode_getfile } from './anon_inodes.ts';
import { install_fd } from './file_table.ts';
import type { File, FileOperations, SysRet } from './fs_types.ts';
import { POLLIN, poll_wait } from './poll_types.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

export const SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK;
const SIGNALFD_SIGINFO_SIZE = 128;
const KILL_STOP = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/** struct signalfd_ctx: the signals the file reads (kept as the wanted set, not inverted). */
class SignalfdCtx {
  constructor(public lo: number, public hi: number) {}
}

const out = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
const dv = new DataView(out.buffer);

/** signalfd_copyinfo(): the siginfo in struct signalfd_siginfo's layout (the fields siginfo_t has, elsewhere). */
function signalfd_copyinfo(t: Task, ubuf: UserPtr, info: SigInfo): boolean {
  out.fill(0);
  fill_siginfo(dv, 0, info, SIGNALFD_FIELDS);
  return copy_to_user(t, ubuf, out, 0, SIGNALFD_SIGINFO_SIZE) === 0;
}

/** Reads up to n siginfos: the first may block, the rest are taken only if already pending. */
async function signalfd_read_blocking(t: Task, ctx: SignalfdCtx, ubuf: UserPtr, n: number): Promise<number> {
  let info: SigInfo | null;
  while (!(info = dequeue_signal_from(t, ctx.lo, ctx.hi))) {
    if (signal_pending(t)) return -ERESTARTSYS;
    await sleep_on(t, [t.sighand.signalfd_wqh]);
  }
  return signalfd_read_more(t, ctx, ubuf, n, info);
}

function signalfd_read_more(t: Task, ctx: SignalfdCtx, ubuf: UserPtr, n: number, first: SigInfo): number {
  let total = 0;
  for (let info: SigInfo | null = first; info; info = total / SIGNALFD_SIGINFO_SIZE < n ? dequeue_signal_from(t, ctx.lo, ctx.hi) : null) {
    if (!signalfd_copyinfo(t, user_ptr_add(ubuf, total), info)) return total || -EFAULT;
    total += SIGNALFD_SIGINFO_SIZE;
  }
  return total;
}

const signalfd_fops: FileOperations = {
  read(f: File, t: Task, ubuf: UserPtr, count: number): SysRet {
    const ctx = f.private_data as SignalfdCtx;
    const n = Math.floor(count / SIGNALFD_SIGINFO_SIZE);
    if (!n) return -EINVAL;
    const info = dequeue_signal_from(t, ctx.lo, ctx.hi);
    if (info) return signalfd_read_more(t, ctx, ubuf, n, info);
    if (f.f_flags & O_NONBLOCK) return -EAGAIN;
    return signalfd_read_blocking(t, ctx, ubuf, n);
  },
  poll(f, t, pt) {
    const ctx = f.private_data as SignalfdCtx;
    poll_wait(pt, t.sighand.signalfd_wqh);
    return (t.pending_lo & ctx.lo) | (t.pending_hi & ctx.hi) ? POLLIN : 0;
  },
  show_fdinfo(f) {
    const ctx = f.private_data as SignalfdCtx;
    return `sigmask:\t${(ctx.hi >>> 0).toString(16).padStart(8, '0')}${(ctx.lo >>> 0).toString(16).padStart(8, '0')}\n`;
  },
};

/** do_signalfd4(): a new signalfd (ufd -1) or a new mask for an existing one. */
export function sys_signalfd4(t: Task, ufd: number, umask: UserPtr, sizemask: number, flags: number): number {
  if (sizemask !== 8) return -EINVAL;
  const set = get_sigset(t, umask);
  if (!set) return -EFAULT;
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  const lo = set[0] & ~KILL_STOP, hi = set[1];
  if (ufd === -1) {
    const f = anon_inode_getfile('[signalfd]', signalfd_fops, new SignalfdCtx(lo, hi), O_RDWR | (flags & O_NONBLOCK));
    return install_fd(t, f, (flags & SFD_CLOEXEC) !== 0);
  }
  const f = t.files.fcheck(ufd);
  if (!f) return -EBADF;
  if (f.f_op !== signalfd_fops) return -EINVAL;
  const ctx = f.private_data as SignalfdCtx;
  ctx.lo = lo; ctx.hi = hi;
  t.sighand.signalfd_wqh.wake_up();
  return ufd;
}

export const sys_signalfd = (t: Task, ufd: number, umask: UserPtr, sizemask: number): number => sys_signalfd4(t, ufd, umask, sizemask, 0);

export const signalfd_syscalls: readonly SyscallDef[] = [
  { name: 'signalfd', fn: sys_signalfd, args: ['fd', 'ptr', 'size_t'] },
  { name: 'signalfd4', fn: sys_signalfd4, args: ['fd', 'ptr', 'size_t', 'int hex'] },
];
