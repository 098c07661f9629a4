/**
 * The syscall definitions of the networking subsystem (collected by kernel/syscalls/registry.ts),
 * plus the readiness calls it owns: poll/select (fs/select.ts), epoll (fs/eventpoll.ts) and
 * eventfd (fs/eventfd.ts).
 */
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { sys_poll, sys_ppoll, sys_pselect6, sys_select } from '../fs/select.ts';
import { sys_epoll_create, sys_epoll_create1, sys_epoll_ctl, sys_epoll_pwait, sys_epoll_wait } from '../fs/eventpoll.ts';
import { sys_eventfd, sys_eventfd2 } from '../fs/eventfd.ts';
import {
  sys_accept, sys_accept4, sys_bind, sys_connect, sys_getpeername, sys_getsockname, sys_getsockopt, sys_listen,
  sys_setsockopt, sys_shutdown, sys_socket, sys_socketpair,
} from './socket.ts';
import { sys_recvfrom, sys_recvmsg, sys_sendmsg, sys_sendto } from './socket_io.ts';
import './unix/af_unix.ts';
import './ipv4/af_inet.ts';

export { net_publish } from './ipv4/inet_hashtables.ts';

const SIGMASK_NOTE = 'a signal unblocked only by the temporary mask stays pending until the old mask allows it';

export const net_syscalls: readonly SyscallDef[] = [
  { name: 'socket', fn: sys_socket, args: ['sockfam', 'socktype', 'int'], ret_fd: true, support: 'partial',
    note: 'AF_INET/AF_INET6 SOCK_STREAM (host loopback TCP), SOCK_DGRAM (UDP: in-kernel between this kernel\'s sockets, node:dgram on host loopback otherwise) and AF_UNIX stream/dgram; raw sockets, SOCK_SEQPACKET and MSG_OOB are not implemented. UDP: no ICMP errors (a connected socket never gets ECONNREFUSED), one socket per port (SO_REUSEADDR/SO_REUSEPORT do not share it), an AF_INET6 socket does not receive IPv4 (no dual stack, v4-mapped destinations unsupported), no broadcast/multicast delivery (SO_BROADCAST is only stored), the receive buffer charges an approximation of Linux\'s skb truesize' },
  { name: 'socketpair', fn: sys_socketpair, args: ['sockfam', 'int hex', 'int', 'fdpair'] },
  { name: 'bind', fn: sys_bind, args: ['fd', 'sockaddr', 'int'], support: 'partial',
    note: 'AF_INET: binding publishes the port on the host at once (TCP and UDP alike, through the --publish map), so a host client may connect (and is reset) before listen(). TCP applies Linux\'s bind-conflict rules (SO_REUSEADDR, SO_REUSEPORT with the owner uid, wildcard overlap, accepted children and TIME_WAIT holding the port for 60 s after an active close) to the server side of connections; a connecting socket uses a host ephemeral port, so its TIME_WAIT is the host\'s, 127.0.0.x other than .1 share 127.0.0.1\'s host port, and an AF_INET and an AF_INET6 socket cannot hold one port together. SO_REUSEPORT listeners take incoming connections in turn, not by the connection hash' },
  { name: 'listen', fn: sys_listen, args: ['fd', 'int'], support: 'partial',
    note: 'the backlog (capped at somaxconn 4096) bounds the accept queue at backlog + 1 as Linux; a TCP connection past it waits unseen and gets in at the client\'s SYN retransmission times (1, 2, 4 … s, 6 retries), but the host has completed its handshake, so the client\'s connect() returns at once instead of staying in SYN_SENT' },
  { name: 'accept', fn: sys_accept, args: ['fd', 'ptr', 'ptr'], ret_fd: true },
  { name: 'accept4', fn: sys_accept4, args: ['fd', 'ptr', 'ptr', 'int hex'], ret_fd: true },
  { name: 'connect', fn: sys_connect, args: ['fd', 'sockaddr', 'int'] },
  { name: 'getsockname', fn: sys_getsockname, args: ['fd', 'ptr', 'ptr'] },
  { name: 'getpeername', fn: sys_getpeername, args: ['fd', 'ptr', 'ptr'] },
  { name: 'shutdown', fn: sys_shutdown, args: ['fd', 'int'] },
  { name: 'setsockopt', fn: sys_setsockopt, args: ['fd', 'int', 'int', 'ptr', 'int'], support: 'partial',
    note: 'IP-level (SOL_IP/SOL_IPV6) options other than IPV6_V6ONLY, and SOL_UDP options, are ENOPROTOOPT; SO_RCVTIMEO/SO_SNDTIMEO restart their timeout after partial progress (MSG_WAITALL)' },
  { name: 'getsockopt', fn: sys_getsockopt, args: ['fd', 'int', 'int', 'ptr', 'ptr'] },
  { name: 'sendto', fn: sys_sendto, args: ['fd', 'buf_in', 'size_t', 'unsigned int hex', 'ptr', 'int'] },
  { name: 'recvfrom', fn: sys_recvfrom, args: ['fd', 'buf_out', 'size_t', 'unsigned int hex', 'ptr', 'ptr'] },
  { name: 'sendmsg', fn: sys_sendmsg, args: ['fd', 'msghdr_in', 'unsigned int hex'], support: 'partial', note: 'SCM_RIGHTS only; SCM_CREDENTIALS is EOPNOTSUPP' },
  { name: 'recvmsg', fn: sys_recvmsg, args: ['fd', 'msghdr_out', 'unsigned int hex'], support: 'partial', note: 'SCM_RIGHTS only; no SCM_CREDENTIALS with SO_PASSCRED' },
  { name: 'poll', fn: sys_poll, args: ['pollfds', 'uint', 'int'] },
  { name: 'ppoll', fn: sys_ppoll, args: ['pollfds', 'uint', 'ptr', 'ptr', 'size_t'], support: 'partial', note: SIGMASK_NOTE },
  { name: 'select', fn: sys_select, args: ['int', 'fd_set', 'fd_set', 'fd_set', 'ptr'] },
  { name: 'pselect6', fn: sys_pselect6, args: ['int', 'fd_set', 'fd_set', 'fd_set', 'ptr', 'ptr'], support: 'partial', note: SIGMASK_NOTE },
  { name: 'epoll_create', fn: sys_epoll_create, args: ['int'], ret_fd: true },
  { name: 'epoll_create1', fn: sys_epoll_create1, args: ['epoll_flags'], ret_fd: true },
  { name: 'epoll_ctl', fn: sys_epoll_ctl, args: ['fd', 'epoll_op', 'fd', 'epoll_event'] },
  { name: 'epoll_wait', fn: sys_epoll_wait, args: ['fd', 'epoll_events_out', 'int', 'int'] },
  { name: 'epoll_pwait', fn: sys_epoll_pwait, args: ['fd', 'epoll_events_out', 'int', 'int', 'ptr', 'size_t'], support: 'partial', note: SIGMASK_NOTE },
  { name: 'eventfd', fn: sys_eventfd, args: ['uint'], ret_fd: true },
  { name: 'eventfd2', fn: sys_eventfd2, args: ['uint', 'int hex'], ret_fd: true },
];
