/**
 * The kernel's table of bound inet ports (net/ipv4/inet_hashtables.c, inet_connection_sock.c),
 * with privos's publish map: which host port a guest port is reached on. Each bound port has a
 * bind bucket: the sockets that hold it (bound, listening, accepted children, which share
 * their listener's port) and the TIME_WAIT remnants of actively closed connections, and the
 * one host server that carries the port's incoming connections to its listeners.
 */
import type { Server } from 'node:net';
import type { Kernel } from '../../kernel.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';
import { TCP_LISTEN } from '../core/sock.ts';
import { is_any, type InetAddr } from './inet_addr.ts';

/** TCP_TIMEWAIT_LEN (include/net/tcp.h): how long an actively closed connection holds its port. */
export const TCP_TIMEWAIT_LEN_MS = 60_000;

/** What the bind conflict test reads of a socket or of a TIME_WAIT remnant. */
export interface PortOwner {
  readonly local: InetAddr | null;
  readonly sk_reuse: boolean;
  readonly sk_reuseport: boolean;
  readonly sk_state: number;
  /** sock_i_uid(): the owner of the socket's inode. */
  readonly owner_uid: number;
  /** A TIME_WAIT remnant (inet_timewait_sock): exempt from the SO_REUSEPORT uid match. */
  readonly time_wait: boolean;
}

/** struct inet_timewait_sock: the port, address and reuse flags of a closed connection, for TCP_TIMEWAIT_LEN. */
export class TimeWaitSock implements PortOwner {
  readonly time_wait = true;
  readonly sk_state = 6; // TCP_TIME_WAIT
  timer: ReturnType<typeof setTimeout> | null = null;
  constructor(readonly local: InetAddr, readonly sk_reuse: boolean, readonly sk_reuseport: boolean, readonly owner_uid: number) {}
}

/** struct inet_bind_bucket: a port's owners, and the host server behind it while a socket is bound. */
export class BindBucket {
  readonly owners = new Set<PortOwner>();
  server: Server | null = null;
  host_port = 0;
  /** The reuseport group's next listener for an incoming connection (round robin). */
  rr = 0;
}

/** Per-kernel port state: the publish map (guest → host port) and the bind buckets by guest port. */
export interface InetTable { publish: Map<number, number>; buckets: Map<number, BindBucket> }

const INET_TABLE_STATE = new StateKey<Kernel, InetTable>('net.inet', () => ({ publish: new Map(), buckets: new Map() }));
export function inet_table(k: Kernel): InetTable { return state_of(k, INET_TABLE_STATE); }

/** `privos --publish HOST:GUEST`: a guest listening on GUEST is reached on the host's HOST. */
export function net_publish(k: Kernel, host_port: number, guest_port: number): void {
  inet_table(k).publish.set(guest_port, host_port);
}

/** The host port a bound guest port is reached on (the publish map, else the same port). */
export function inet_host_port(k: Kernel, guest_port: number): number {
  return inet_table(k).publish.get(guest_port) ?? guest_port;
}

function addr_equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * inet_bind_conflict() as bind and listen call it (relax, reuseport_ok): two owners of one
 * port clash when their addresses overlap (equal, or either the wildcard) unless both set
 * SO_REUSEADDR and the other is not listening, or both set SO_REUSEPORT and the other is in
 * TIME_WAIT or has the same owner uid.
 */
function bind_conflict(sk: PortOwner, addr: Uint8Array, sk2: PortOwner): boolean {
  const a2 = sk2.local?.addr;
  if (!a2) return false;
  // One host server carries a port, for one family: AF_INET and AF_INET6 cannot share it here.
  if (a2.length !== addr.length) return true;
  if (!(is_any(addr) || is_any(a2) || addr_equal(addr, a2))) return false;
  if (sk.sk_reuse && sk2.sk_reuse && sk2.sk_state !== TCP_LISTEN) return false;
  return !(sk.sk_reuseport && sk2.sk_reuseport && (sk2.time_wait || sk.owner_uid === sk2.owner_uid));
}

/** inet_csk_bind_conflict(): does any other owner of port keep sk (at addr) off it? */
export function inet_csk_bind_conflict(b: BindBucket | undefined, sk: PortOwner, addr: Uint8Array): boolean {
  if (!b) return false;
  for (const o of b.owners) if (o !== sk && bind_conflict(sk, addr, o)) return true;
  return false;
}

/** Takes owner off port's bucket; the host server closes with the last socket, the bucket with the last owner. */
export function inet_put_port(tab: InetTable, port: number, owner: PortOwner): void {
  const b = tab.buckets.get(port);
  if (!b || !b.owners.delete(owner)) return;
  let sockets = false;
  for (const o of b.owners) if (!o.time_wait) { sockets = true; break; }
  if (!sockets && b.server) { b.server.close(); b.server = null; }
  if (b.owners.size === 0) tab.buckets.delete(port);
}

/** inet_twsk_schedule(): a closed connection's remnant holds the port for TCP_TIMEWAIT_LEN. */
export function inet_twsk_hashdance(tab: InetTable, port: number, tw: TimeWaitSock): void {
  const b = tab.buckets.get(port);
  if (!b) return;
  b.owners.add(tw);
  tw.timer = setTimeout(() => inet_put_port(tab, port, tw), TCP_TIMEWAIT_LEN_MS);
  tw.timer.unref();
}
