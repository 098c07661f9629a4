/**
 * struct unix_sock and the names it is found by (include/net/af_unix.h; the bind table and
 * unix_find_other of net/unix/af_unix.c): shared by the socket calls (af_unix.ts) and the data
 * path (unix_io.ts), so that neither imports the other.
 */
import { EACCES, ECONNREFUSED, EINVAL, ENOENT, EPROTOTYPE } from '../../include/uapi/errno.ts';
import { S_ISSOCK } from '../../include/uapi/stat.ts';
import { AF_UNIX, UNIX_PATH_MAX } from '../../include/uapi/socket.ts';
import { AT_FDCWD } from '../../include/uapi/fcntl.ts';
import type { Inode } from '../../fs/fs_types.ts';
import { MAY_WRITE, inode_permission, path_lookupat, path_start } from '../../fs/namei.ts';
import type { Kernel } from '../../kernel.ts';
import type { Task } from '../../sched/task.ts';
import { Sock } from '../core/sock.ts';
import type { SkbOwner } from '../core/skbuff.ts';
import type { Socket } from '../socket.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

/** net.unix.max_dgram_qlen */
export const UNIX_MAX_DGRAM_QLEN = 10;

/** struct unix_address: the sockaddr_un bytes as bound, and the key they are found by. */
export interface UnixAddress { bytes: Uint8Array; abstract: boolean; key: string }

export class UnixSock extends Sock implements SkbOwner {
  addr: UnixAddress | null = null;
  inode: Inode | null = null;
  peer: UnixSock | null = null;
  /** Connections waiting for accept (embryos, already connected to their clients). */
  readonly accept_queue: UnixSock[] = [];
  /** Bytes this socket has queued at its peer and the peer has not read (sk_wmem_alloc). */
  wmem = 0;
  /** Set on the server half of a connection until it is accepted. */
  embryo = false;
  constructor(readonly k: Kernel, type: number) { super(AF_UNIX, type, 0); }

  skb_consumed(bytes: number): void {
    this.wmem -= bytes;
    this.wake(); // unix_write_space
  }
}

interface UnixTable { abstract: Map<string, UnixSock>; by_inode: WeakMap<Inode, UnixSock>; autobind: number }

const UNIX_TABLE_STATE = new StateKey<Kernel, UnixTable>('net.unix', () => ({ abstract: new Map(), by_inode: new WeakMap(), autobind: 0 }));
export function unix_table(k: Kernel): UnixTable { return state_of(k, UNIX_TABLE_STATE); }

export const usk = (sock: Socket): UnixSock => sock.sk as UnixSock;

/** unix_mkname(): validates a sockaddr_un; the path (filesystem) or the abstract key. */
export function unix_mkname(a: Uint8Array): UnixAddress | number {
  if (a.length <= 2 || a.length > 2 + UNIX_PATH_MAX) return -EINVAL;
  if ((a[0] | (a[1] << 8)) !== AF_UNIX) return -EINVAL;
  if (a[2] === 0) return { bytes: a.slice(), abstract: true, key: Buffer.from(a.subarray(2)).toString('latin1') };
  let end = 2;
  while (end < a.length && a[end] !== 0) end++;
  const bytes = new Uint8Array(end + 1);
  bytes.set(a.subarray(0, end));
  return { bytes, abstract: false, key: Buffer.from(a.subarray(2, end)).toString('utf8') };
}

/** unix_find_other(): the socket bound at addr, with Linux's errors. */
export function unix_find_other(t: Task, k: Kernel, a: Uint8Array, type: number): UnixSock | number {
  const addr = unix_mkname(a);
  if (typeof addr === 'number') return addr;
  let other: UnixSock | undefined;
  if (addr.abstract) {
    other = unix_table(k).abstract.get(addr.key);
  } else {
    const start = path_start(t, AT_FDCWD, addr.key);
    if (typeof start === 'number') return start;
    const r = path_lookupat(t, start, addr.key, true);
    if (typeof r === 'number') return r;
    if (!r.dentry) return -ENOENT;
    const inode = r.dentry.d_inode!;
    if (inode_permission(t, inode, MAY_WRITE)) return -EACCES;
    if (!S_ISSOCK(inode.i_mode)) return -ECONNREFUSED;
    other = unix_table(k).by_inode.get(inode);
  }
  if (!other || other.dead) return -ECONNREFUSED;
  if (other.sk_type !== type) return -EPROTOTYPE;
  return other;
}
