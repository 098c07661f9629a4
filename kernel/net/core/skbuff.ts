/**
 * Socket buffers (include/linux/skbuff.h), reduced to what the byte-stream and datagram
 * queues need: the data (a view, never copied on enqueue), a read offset, the SCM_RIGHTS files
 * and credentials riding with it, the sender's address (datagrams) and the socket charged for
 * it (sk_wmem_alloc of the sender, for AF_UNIX flow control).
 */
import type { File } from '../../fs/fs_types.ts';
import { fput } from '../../fs/fdtable.ts';

/** struct ucred (SO_PEERCRED, SCM_CREDENTIALS) */
export interface UCred { pid: number; uid: number; gid: number }

/** What a queued buffer's owner must hear when the buffer is consumed (sock_wfree). */
export interface SkbOwner { skb_consumed(bytes: number): void }

export class SkBuff {
  off = 0;
  fp: File[] | null = null;
  cred: UCred | null = null;
  /** Source address of a datagram (kernel sockaddr bytes). */
  addr: Uint8Array | null = null;
  owner: SkbOwner | null = null;
  constructor(public data: Uint8Array) {}
  get len(): number { return this.data.length - this.off; }
}

/** struct sk_buff_head: a FIFO with a byte count; the head index avoids shifting arrays. */
export class SkBuffHead {
  private q: SkBuff[] = [];
  private head = 0;
  /** Bytes queued and not yet consumed. */
  bytes = 0;

  get qlen(): number { return this.q.length - this.head; }
  get empty(): boolean { return this.head === this.q.length; }
  peek(): SkBuff | null { return this.head < this.q.length ? this.q[this.head] : null; }
  at(i: number): SkBuff | null { return this.head + i < this.q.length ? this.q[this.head + i] : null; }

  queue_tail(skb: SkBuff): void { this.q.push(skb); this.bytes += skb.len; }

  /** Consumes n bytes of the head buffer (n ≤ its length); unlinks it when empty. */
  consume_head(n: number): void {
    const skb = this.q[this.head];
    skb.off += n;
    this.bytes -= n;
    if (skb.owner) skb.owner.skb_consumed(n);
    if (skb.off >= skb.data.length) this.unlink_head();
  }

  /** Removes the head buffer whatever is left in it (datagrams), charging the owner. */
  dequeue(): SkBuff | null {
    const skb = this.peek();
    if (!skb) return null;
    const n = skb.len;
    this.bytes -= n;
    if (skb.owner && n) skb.owner.skb_consumed(n);
    this.unlink_head();
    return skb;
  }

  private unlink_head(): void {
    this.q[this.head++] = undefined as unknown as SkBuff;
    if (this.head === this.q.length) { this.q.length = 0; this.head = 0; }
    else if (this.head > 1024 && this.head * 2 > this.q.length) { this.q = this.q.slice(this.head); this.head = 0; }
  }

  /** skb_queue_purge(): drops everything, releasing in-flight files. */
  purge(): void {
    for (let skb = this.dequeue(); skb; skb = this.dequeue()) {
      if (skb.fp) for (const f of skb.fp) fput(f);
    }
  }
}
