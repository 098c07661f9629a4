/**
 * sockaddr_in / sockaddr_in6 (include/uapi/linux/in.h, in6.h) to and from kernel bytes, and
 * the one rule of privos's network: only loopback exists (127.0.0.0/8, ::1, ::ffff:127.x).
 */
import { EAFNOSUPPORT, EINVAL } from '../../include/uapi/errno.ts';
import { AF_INET, AF_INET6, AF_UNSPEC, SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE } from '../../include/uapi/socket.ts';

/** An IPv4 or IPv6 endpoint: the address bytes (4 or 16) and the port. */
export interface InetAddr { family: number; addr: Uint8Array; port: number }

/** Parses a sockaddr for a socket of `family`; AF_UNSPEC with INADDR_ANY is accepted for bind. */
export function inet_parse(a: Uint8Array, family: number): InetAddr | number {
  if (a.length < 2) return -EINVAL;
  const fam = a[0] | (a[1] << 8);
  if (family === AF_INET) {
    if (a.length < SOCKADDR_IN_SIZE) return -EINVAL;
    const addr = a.slice(4, 8);
    if (fam !== AF_INET && !(fam === AF_UNSPEC && addr.every((b) => b === 0))) return -EAFNOSUPPORT;
    return { family, addr, port: (a[2] << 8) | a[3] };
  }
  if (a.length < 24) return -EINVAL; // SIN6_LEN_RFC2133
  if (fam !== AF_INET6) return -EAFNOSUPPORT;
  return { family, addr: a.slice(8, 24), port: (a[2] << 8) | a[3] };
}

/** The sockaddr_in / sockaddr_in6 bytes for an endpoint. */
export function inet_sockaddr(e: InetAddr): Uint8Array {
  const b = new Uint8Array(e.family === AF_INET ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE);
  b[0] = e.family; b[2] = e.port >> 8; b[3] = e.port & 0xff;
  b.set(e.addr, e.family === AF_INET ? 4 : 8);
  return b;
}

const is_any = (a: Uint8Array): boolean => a.every((x) => x === 0);

/** 127.0.0.0/8, ::1, or ::ffff:127.x.y.z */
export function is_loopback(a: Uint8Array): boolean {
  if (a.length === 4) return a[0] === 127;
  if (a.subarray(0, 15).every((x) => x === 0) && a[15] === 1) return true;
  return a.subarray(0, 10).every((x) => x === 0) && a[10] === 0xff && a[11] === 0xff && a[12] === 127;
}

/** May a socket bind here? The wildcard or a loopback address. */
export function inet_addr_local(a: Uint8Array): boolean {
  return is_any(a) || is_loopback(a);
}

/** The host's address for an emulated address: always a loopback one. */
export function host_ip(family: number): string {
  return family === AF_INET ? '127.0.0.1' : '::1';
}

/** Parses the address Node reports into bytes of the socket's family. */
export function addr_from_host(ip: string | undefined, family: number): Uint8Array {
  if (family === AF_INET) {
    const m = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip ?? '');
    return m ? new Uint8Array([+m[1], +m[2], +m[3], +m[4]]) : new Uint8Array([127, 0, 0, 1]);
  }
  const out = new Uint8Array(16);
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip ?? '');
  if (v4) { out[10] = out[11] = 0xff; out.set([+v4[1], +v4[2], +v4[3], +v4[4]], 12); return out; }
  out[15] = 1;
  return out;
}

export { is_any };
