/**
 * Socket control messages (net/core/scm.c, include/linux/socket.h CMSG_*): SCM_RIGHTS file
 * passing. Sending takes a reference on each file; receiving installs them at the lowest free
 * fds and writes the cmsghdr, truncating (MSG_CTRUNC) when the buffer is too small.
 */
import { EBADF, EFAULT, EINVAL, EOPNOTSUPP } from '../../include/uapi/errno.ts';
import { MSG_CMSG_CLOEXEC, MSG_CTRUNC, SCM_CREDENTIALS, SCM_RIGHTS, SOL_SOCKET } from '../../include/uapi/socket.ts';
import { fput } from '../../fs/fdtable.ts';
import type { File } from '../../fs/fs_types.ts';
import { copy_from_user, copy_to_user } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import type { UserPtr } from '../../include/linux/compiler_types.ts';

/** SCM_MAX_FD */
export const SCM_MAX_FD = 253;
const CMSG_HDR = 16;
const align8 = (n: number): number => (n + 7) & ~7;

/**
 * __scm_send(): parses the control buffer; returns the files to pass (maybe null) or -errno.
 * Levels other than SOL_SOCKET are ignored, as for AF_UNIX.
 */
export function scm_send(t: Task, uctl: UserPtr, len: number): File[] | null | number {
  if (len === 0) return null;
  const buf = new Uint8Array(len);
  if (copy_from_user(t, buf, 0, uctl, len)) return -EFAULT;
  const dv = new DataView(buf.buffer);
  let fp: File[] | null = null;
  const fail = (err: number): number => { if (fp) for (const f of fp) fput(f); return err; };
  for (let off = 0; off + CMSG_HDR <= len; ) {
    const clen = dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
    if (clen < CMSG_HDR || clen > len - off) return fail(-EINVAL);
    const level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    if (level === SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        const n = Math.floor((clen - CMSG_HDR) / 4);
        if (n <= 0) { off += align8(clen); continue; }
        if ((fp?.length ?? 0) + n > SCM_MAX_FD) return fail(-EINVAL);
        fp ??= [];
        for (let i = 0; i < n; i++) {
          const f = t.files.fcheck(dv.getInt32(off + CMSG_HDR + i * 4, true));
          if (!f) return fail(-EBADF);
          fp.push(f.get());
        }
      } else if (type === SCM_CREDENTIALS) {
        return fail(-EOPNOTSUPP); // privos: SCM_CREDENTIALS not implemented (see the matrix)
      } else return fail(-EINVAL);
    }
    off += align8(clen);
  }
  return fp;
}

/**
 * scm_detach_fds(): installs the received files and writes one SCM_RIGHTS cmsg at uctl.
 * Returns the control bytes used; sets MSG_CTRUNC in *flags (via the returned pair) when not
 * every file fit. Files that do not fit are released.
 */
export function scm_detach_fds(t: Task, fp: File[], uctl: UserPtr, ctllen: number, flags: number): { used: number; flags: number } | number {
  const room = uctl && ctllen > CMSG_HDR ? Math.floor((ctllen - CMSG_HDR) / 4) : 0;
  const fds: number[] = [];
  for (let i = 0; i < fp.length && i < room; i++) {
    const fd = t.files.get_unused_fd_flags((flags & MSG_CMSG_CLOEXEC) !== 0, t.rlim[7].cur);
    if (fd < 0) break;
    fds.push(fd);
  }
  const n = fds.length;
  let used = 0;
  if (n > 0) {
    const out = new Uint8Array(CMSG_HDR + n * 4), dv = new DataView(out.buffer);
    dv.setUint32(0, CMSG_HDR + n * 4, true); dv.setInt32(8, SOL_SOCKET, true); dv.setInt32(12, SCM_RIGHTS, true);
    fds.forEach((fd, j) => dv.setInt32(CMSG_HDR + j * 4, fd, true));
    if (copy_to_user(t, uctl, out, 0, out.length)) {
      for (const fd of fds) t.files.put_unused_fd(fd);
      for (const f of fp) fput(f);
      return -EFAULT;
    }
    fds.forEach((fd, j) => t.files.fd_install(fd, fp[j]));
    used = Math.min(ctllen, align8(CMSG_HDR + n * 4));
  }
  let out_flags = 0;
  if (n < fp.length) {
    out_flags |= MSG_CTRUNC;
    for (let j = n; j < fp.length; j++) fput(fp[j]);
  }
  return { used, flags: out_flags };
}
