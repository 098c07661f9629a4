/**
 * The kernel's table of bound inet ports (net/ipv4/inet_hashtables.c), with privos's publish
 * map: which host port a guest port is reached on.
 */
import type { Kernel } from '../../kernel.ts';
import type { InetSock } from './tcp_bridge.ts';
import { StateKey, state_of } from '../../include/linux/ext_state.ts';

/** Per-kernel port state: the publish map (guest → host port) and bound guest ports. */
export interface InetTable { publish: Map<number, number>; bound: Map<number, InetSock> }

const INET_TABLE_STATE = new StateKey<Kernel, InetTable>('net.inet', () => ({ publish: new Map(), bound: new Map() }));
export function inet_table(k: Kernel): InetTable { return state_of(k, INET_TABLE_STATE); }

/** `privos --publish HOST:GUEST`: a guest listening on GUEST is reached on the host's HOST. */
export function net_publish(k: Kernel, host_port: number, guest_port: number): void {
  inet_table(k).publish.set(guest_port, host_port);
}

/** The host port a bound guest port is reached on (the publish map, else the same port). */
export function inet_host_port(k: Kernel, guest_port: number): number {
  return inet_table(k).publish.get(guest_port) ?? guest_port;
}
