/**
 * The TCP listener (server.c listenToPort, config.c changeListenPort): opened at start on
 * --port/--bind, and moved by CONFIG SET port — the new port's socket is bound before the old
 * one closes, so a port that cannot be had leaves the server listening where it was (Redis
 * closes first and binds the old port again on rollback; the outcome is the same). Port 0
 * given to CONFIG SET closes the listener, as in Redis.
 */
import type { EventLoop } from './ae.ts';
import { AE_READABLE } from './ae.ts';
import type { Server } from './server.ts';

/** A listening socket on port (bind address from the config), or -1 after logging why. */
export async function listen_on(srv: Server, port: number): Promise<number> {
  const libc = srv.libc, { bind } = srv.config;
  const fd = libc.socket(libc.AF_INET, libc.SOCK_STREAM | libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC, 0) as number;
  if (fd >= 0) libc.setsockopt_int(fd, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
  const ip = bind === '*' || bind === '0.0.0.0' ? '0.0.0.0' : bind.replace(/^-/, '');
  if (fd < 0 || (await libc.bind(fd, libc.sockaddr_in(ip, port), 16)) < 0 || (await libc.listen(fd, 511)) < 0) {
    srv.log(`Warning: Could not create server TCP listening socket ${bind}:${port}: ${libc.strerror(libc.errno)}`, '#');
    if (fd >= 0) await libc.close(fd);
    return -1;
  }
  return fd;
}

/** The port a listening socket got (port 0 at start: privos picks a free one). */
export function bound_port(srv: Server, fd: number): number {
  const libc = srv.libc, sa = libc.malloc(16), len = libc.malloc(4);
  libc.poke_u32(len, 16);
  libc.getsockname(fd, sa, len);
  const port = libc.ntohs_port(sa);
  libc.free(sa); libc.free(len);
  return port;
}

/** changeListenPort: listens on port (0: not at all) with accept_on watching it; false if it cannot. */
export async function change_listen_port(srv: Server, el: EventLoop, port: number, accept_on: (fd: number) => void): Promise<boolean> {
  const fd = port === 0 ? -1 : await listen_on(srv, port);
  if (port !== 0 && fd < 0) return false;
  if (srv.lfd >= 0) { el.delete_file_event(srv.lfd, AE_READABLE); await srv.libc.close(srv.lfd); }
  srv.lfd = fd;
  if (fd >= 0) accept_on(fd);
  return true;
}
