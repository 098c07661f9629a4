/**
 * struct iov_iter (lib/iov_iter.c, reduced to ITER_UBUF, ITER_IOVEC and ITER_KVEC): the one way
 * socket code moves bytes between user buffers (or, for sendfile, a kernel buffer) and kernel
 * queues. A task owns one iterator for its current syscall (one syscall at a time per task),
 * so read/write/sendfile on a socket allocate nothing.
 */
import { EFAULT, EINVAL } from '../../include/uapi/errno.ts';
import { copy_from_user, copy_to_user, get_user_u64 } from '../../mm/uaccess.ts';
import type { Task } from '../../sched/task.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { as_user_ptr, user_ptr_add, type UserPtr } from '../../include/linux/compiler_types.ts';

/** UIO_MAXIOV */
export const UIO_MAXIOV = 1024;
/** MAX_RW_COUNT: INT_MAX rounded down to a page */
const MAX_RW_COUNT = 0x7ffff000;

export class IovIter {
  base: number[] = [0];
  len: number[] = [0];
  nr = 1;
  /** Current segment and offset in it; bytes left in total. */
  seg = 0;
  off = 0;
  count = 0;
  /** ITER_KVEC: the kernel buffer the one segment lies in (base[0] is its offset); null for user memory. */
  kbuf: Uint8Array | null = null;

  /** import_ubuf(): one user buffer. */
  init_ubuf(ubuf: number, n: number): this {
    this.base[0] = ubuf; this.len[0] = n; this.nr = 1; this.seg = 0; this.off = 0; this.count = n; this.kbuf = null;
    return this;
  }

  /** iov_iter_kvec() over one kernel buffer, buf[off..off+n) (sendfile's splice to a socket). */
  init_kvec(buf: Uint8Array, off: number, n: number): this {
    this.init_ubuf(off, n);
    this.kbuf = buf;
    return this;
  }

  /** import_iovec(): reads struct iovec[nr] from user memory; -EINVAL / -EFAULT. */
  init_iovec(t: Task, uiov: UserPtr, nr: number): number {
    if (nr < 0 || nr > UIO_MAXIOV) return -EINVAL;
    let total = 0;
    for (let i = 0; i < nr; i++) {
      if (get_user_u64(t, user_ptr_add(uiov, i * 16))) return -EFAULT;
      const b = t.cpu.uval;
      if (get_user_u64(t, user_ptr_add(uiov, i * 16 + 8))) return -EFAULT;
      const l = t.cpu.uval;
      if (l < 0 || l > 0x7fffffffffff) return -EINVAL; // ssize_t overflow
      const take = Math.min(l, MAX_RW_COUNT - total); // rw_copy_check_uvector truncates at MAX_RW_COUNT
      this.base[i] = b; this.len[i] = take;
      total += take;
    }
    this.nr = nr; this.seg = 0; this.off = 0; this.count = total; this.kbuf = null;
    return total;
  }

  /** The vector import_iovec already read and checked: (base, len) pairs totalling total bytes. */
  init_segs(segs: readonly number[], total: number): this {
    const nr = segs.length >> 1;
    for (let i = 0; i < nr; i++) { this.base[i] = segs[2 * i]; this.len[i] = segs[2 * i + 1]; }
    this.nr = nr; this.seg = 0; this.off = 0; this.count = total; this.kbuf = null;
    return this;
  }

  /** copy_to_iter(): n bytes of src[off..] to user memory; returns bytes copied (short on fault). */
  copy_to(t: Task, src: Uint8Array, off: number, n: number): number {
    return this.copy(t, src, off, n, true);
  }

  /** copy_from_iter(): n bytes from user memory to dst[off..]; returns bytes copied. */
  copy_from(t: Task, dst: Uint8Array, off: number, n: number): number {
    return this.copy(t, dst, off, n, false);
  }

  /** Skips n bytes (iov_iter_advance). */
  advance(n: number): void {
    this.count -= n;
    while (n > 0 && this.seg < this.nr) {
      const room = this.len[this.seg] - this.off;
      if (n < room) { this.off += n; return; }
      n -= room; this.seg++; this.off = 0;
    }
  }

  private copy(t: Task, buf: Uint8Array, off: number, n: number, to_user: boolean): number {
    if (this.kbuf) return this.copy_kvec(buf, off, n, to_user);
    let done = 0;
    while (done < n && this.seg < this.nr) {
      const room = this.len[this.seg] - this.off;
      if (room === 0) { this.seg++; this.off = 0; continue; }
      const c = Math.min(room, n - done);
      const ua = as_user_ptr(this.base[this.seg] + this.off); // inside a segment import_iovec read
      const left = to_user ? copy_to_user(t, ua, buf, off + done, c) : copy_from_user(t, buf, off + done, ua, c);
      done += c - left;
      this.off += c - left;
      this.count -= c - left;
      if (left) return done;
    }
    return done;
  }

  /** copy_{to,from}_iter on ITER_KVEC: a plain memory copy, nothing can fault. */
  private copy_kvec(buf: Uint8Array, off: number, n: number, to_kvec: boolean): number {
    const k = this.kbuf!, c = Math.min(n, this.count), at = this.base[0] + this.off;
    if (to_kvec) k.set(buf.subarray(off, off + c), at); else buf.set(k.subarray(at, at + c), off);
    this.off += c; this.count -= c;
    return c;
  }
}

/** The iterator of t's current socket syscall. */
const TASK_ITER_STATE = new StateKey<Task, IovIter>('net.iov_iter', () => new IovIter());
export function task_iter(t: Task): IovIter { return state_of(t, TASK_ITER_STATE); }
