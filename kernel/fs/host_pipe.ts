/**
 * Pipes with one end held by the host, for a process's stdin, stdout and stderr when the host
 * captures them (the library's run(), tools/lib): the way the kernel itself holds one end of a
 * pipe to a usermode helper (fs/coredump.c umh_pipe_setup, kernel/umh.c). The process sees an
 * ordinary pipe (S_IFIFO, EOF when the host closes, EPIPE + SIGPIPE when the host is gone).
 *
 * The host end runs on wake-ups: a wait queue entry on the pipe that, as a woken task would,
 * acts later (a microtask), never inside the waker's own ring update.
 */
import type { Kernel } from '../kernel.ts';
import type { WaitQueueEntry } from '../sched/wait.ts';
import { fput } from './fdtable.ts';
import type { File } from './fs_types.ts';
import { alloc_pipe_files, pipe_ring_put, pipefifo_fops, type PipeInodeInfo } from './pipe.ts';

/** A pipe the guest writes (its write end is `file`) and the host drains into memory. */
export class HostPipeReader implements WaitQueueEntry {
  /** The guest's end: install it as a process's fd 1 or 2. */
  readonly file: File;
  private readonly end: File;
  private readonly p: PipeInodeInfo;
  private readonly chunks: Uint8Array[] = [];
  private queued = false;
  private closed = false;

  constructor(k: Kernel, uid: number, gid: number) {
    [this.end, this.file] = alloc_pipe_files(k, uid, gid, 0);
    this.p = this.end.f_inode.i_private as PipeInodeInfo;
    this.p.rd_wait.add(this);
  }

  /** The wake-up: drain soon, so writers sleeping on a full pipe go on. */
  func(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => { this.queued = false; this.drain(); });
  }

  /** Takes everything the ring holds (splice_read wakes the writers). */
  private drain(): void {
    if (this.closed || this.p.len === 0) return;
    const chunk = new Uint8Array(this.p.len);
    pipefifo_fops.splice_read!(this.end, chunk, 0, chunk.length, 0);
    this.chunks.push(chunk);
  }

  /** Everything written so far. */
  bytes(): Uint8Array {
    this.drain();
    return Buffer.concat(this.chunks);
  }

  /** Closes the host's end (writers then get EPIPE). */
  close(): void {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    this.p.rd_wait.remove(this);
    fput(this.end);
  }
}

/** A pipe the host fills with `data` and then closes; the guest reads it (its read end is `file`). */
export class HostPipeWriter implements WaitQueueEntry {
  /** The guest's end: install it as a process's fd 0. */
  readonly file: File;
  private readonly end: File;
  private readonly p: PipeInodeInfo;
  private off = 0;
  private queued = false;
  private closed = false;

  constructor(k: Kernel, uid: number, gid: number, private readonly data: Uint8Array) {
    [this.file, this.end] = alloc_pipe_files(k, uid, gid, 0);
    this.p = this.end.f_inode.i_private as PipeInodeInfo;
    this.p.wr_wait.add(this);
    this.fill();
  }

  func(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => { this.queued = false; this.fill(); });
  }

  /** Puts what fits; at the end of the data (or with no reader left) closes: the reader sees EOF. */
  private fill(): void {
    if (this.closed) return;
    if (this.p.readers > 0) this.off += pipe_ring_put(this.p, this.data, this.off, this.data.length - this.off);
    if (this.off === this.data.length || this.p.readers === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.p.wr_wait.remove(this);
    fput(this.end);
  }
}
