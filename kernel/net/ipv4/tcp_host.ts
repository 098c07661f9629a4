/**
 * The host sockets under emulated TCP, read without Node's stream layer. Each delivers its bytes
 * through net.Socket's `onread` option (one buffer, a callback per read) instead of Readable's
 * 'data' events: no ArrayBuffer allocated per read, no push/emit/maybeReadMore per chunk (a
 * quarter of a native Node echo server's CPU per round trip, measured). 'end', 'error', 'close',
 * pause() and resume() behave as before (https://nodejs.org/docs/latest-v20.x/api/net.html,
 * socket.connect's `onread`).
 * A connection a host server accepts cannot be given `onread` (net.Server has no such option):
 * the server is created with pauseOnConnect, so the accepted socket never reads, and its handle
 * is rewrapped by a Socket that has one. The wrapper it leaves behind stays counted in the
 * server's connections (server.close() still stops listening at once; its 'close' event, which
 * privos does not use, would wait for them).
 */
import { Socket as NetSocket, type OnReadOpts, type Socket as HostSocket, type SocketConstructorOpts } from 'node:net';

/** Every host read lands here first: reads are synchronous callbacks, so one buffer serves all sockets. */
const RX = Buffer.allocUnsafeSlow(1 << 16);

export type HostRead = (n: number, buf: Uint8Array) => boolean;

/** The `onread` option of a host socket whose reads go to cb. */
export function host_onread(cb: HostRead): OnReadOpts {
  return { buffer: RX, callback: cb };
}

/** A copy of the first n bytes of the receive buffer (its storage is reused by the next read). */
export function host_rx_copy(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  RX.copy(b, 0, 0, n);
  return b;
}

/** The accepted connection c, not yet reading (pauseOnConnect), rewrapped to read through cb; null if its handle is gone. */
export function host_adopt(c: HostSocket, cb: HostRead): HostSocket | null {
  const raw = c as unknown as { _handle: object | null };
  const handle = raw._handle;
  if (!handle || c.destroyed) return null;
  raw._handle = null;
  const opts = { handle, allowHalfOpen: true, readable: true, writable: true, onread: host_onread(cb) };
  const s = new NetSocket(opts as SocketConstructorOpts);
  s.resume();
  return s;
}
