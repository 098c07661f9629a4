/**
 * strace's decoders for the socket calls (strace's sockaddr.c, msghdr.c, net.c): struct sockaddr
 * for every family privos has (AF_UNIX with abstract names, AF_INET, AF_INET6; any other family
 * as `sa_family=0x63 /* AF_??? *\/, sa_data="…"`), the socklen a call updates (`[16]`,
 * `[128 => 16]`), MSG_* flags, and struct msghdr with its iovecs and control messages (SCM_RIGHTS
 * fds as `cmsg_data=[5]`). struct msghdr and struct cmsghdr have the same LP64 layout on x86_64
 * and arm64 (include/linux/socket.h).
 */
import type { Task } from '../sched/task.ts';
import type { ArgFmt } from './syscall_def.ts';
import { flags, fmt_ptr, peek_user_quiet, quote, STRSIZE } from './trace_util.ts';

export const FAMILIES: Readonly<Record<number, string>> = { 0: 'AF_UNSPEC', 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK', 17: 'AF_PACKET' };

/** MSG_* (include/linux/socket.h), in strace's msg_flags order. */
const MSG_FLAGS: readonly [number, string][] = [[1, 'MSG_OOB'], [2, 'MSG_PEEK'], [4, 'MSG_DONTROUTE'], [8, 'MSG_CTRUNC'], [0x10, 'MSG_PROBE'],
  [0x20, 'MSG_TRUNC'], [0x40, 'MSG_DONTWAIT'], [0x80, 'MSG_EOR'], [0x100, 'MSG_WAITALL'], [0x200, 'MSG_FIN'], [0x400, 'MSG_SYN'],
  [0x800, 'MSG_CONFIRM'], [0x1000, 'MSG_RST'], [0x2000, 'MSG_ERRQUEUE'], [0x4000, 'MSG_NOSIGNAL'], [0x8000, 'MSG_MORE'],
  [0x10000, 'MSG_WAITFORONE'], [0x40000, 'MSG_BATCH'], [0x4000000, 'MSG_ZEROCOPY'], [0x20000000, 'MSG_FASTOPEN'], [0x40000000, 'MSG_CMSG_CLOEXEC']];

export function fmt_msgflags(v: number): string { return flags(v, MSG_FLAGS); }

/** The flags accept4(2) takes. */
export function fmt_sockflags(v: number): string { return flags(v, [[0o2000000, 'SOCK_CLOEXEC'], [0o4000, 'SOCK_NONBLOCK']]); }

/** socket(2)'s protocol: IPPROTO_* names for the inet families, a number otherwise. */
export function fmt_sockproto(family: number, v: number): string {
  if (family !== 2 && family !== 10) return String(v);
  return { 0: 'IPPROTO_IP', 6: 'IPPROTO_TCP', 17: 'IPPROTO_UDP', 41: 'IPPROTO_IPV6', 255: 'IPPROTO_RAW' }[v] ?? String(v);
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (dv: DataView, off: number): number => dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;

/** An IPv6 address as inet_ntop writes it (RFC 5952: the longest run of zero groups as ::). */
function inet6_ntop(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let best = -1, len = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len && j - i > 1) { best = i; len = j - i; }
    i = j > i ? j : i + 1;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + len))}`;
}

function fmt_sun_path(p: Uint8Array): string {
  if (p.length && p[0] === 0) return '@' + quote(p.subarray(1), false);
  const end = p.indexOf(0);
  return quote(p.subarray(0, end < 0 ? p.length : end), false);
}

/** The family-specific fields after sa_family, or null to print sa_data. */
function sockaddr_fields(b: Uint8Array, fam: number): string | null {
  if (fam === 1) return b.length > 2 ? `, sun_path=${fmt_sun_path(b.subarray(2))}` : '';
  if (fam === 2 && b.length >= 16) return `, sin_port=htons(${(b[2] << 8) | b[3]}), sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")`;
  if (fam === 10 && b.length >= 24) {
    const dv = view(b), scope = b.length >= 28 ? `, sin6_scope_id=${dv.getUint32(24, true)}` : '';
    return `, sin6_port=htons(${(b[2] << 8) | b[3]}), sin6_flowinfo=htonl(${dv.getUint32(4, false)}), ` +
      `inet_pton(AF_INET6, "${inet6_ntop(b.subarray(8, 24))}", &sin6_addr)${scope}`;
  }
  return null;
}

/** struct sockaddr of len bytes (print_sockaddr); a too-short one shows its sa_data. */
export function fmt_sockaddr(t: Task, addr: number, len: number): string {
  if (!addr) return 'NULL';
  const b = len > 0 ? peek_user_quiet(t, addr, Math.min(len, 128)) : null;
  if (!b || b.length < Math.min(len, 128)) return fmt_ptr(addr);
  if (b.length < 2) return `{sa_family=???}`;
  const fam = b[0] | (b[1] << 8), name = FAMILIES[fam] ?? `0x${fam.toString(16)} /* AF_??? */`;
  return `{sa_family=${name}${sockaddr_fields(b, fam) ?? `, sa_data=${quote(b.subarray(2), false)}`}}`;
}

/** A socklen_t in user memory: `[16]`. */
export function read_socklen(t: Task, addr: number): number | null {
  const b = addr ? peek_user_quiet(t, addr, 4) : null;
  return b && b.length === 4 ? view(b).getInt32(0, true) : null;
}

/** The socklen after the call: `[16]`, or `[128 => 16]` when the kernel changed it. */
export function fmt_socklen(t: Task, addr: number, before: number | null): string {
  const after = read_socklen(t, addr);
  if (after === null) return fmt_ptr(addr);
  return before === null || before === after ? `[${after}]` : `[${before} => ${after}]`;
}

/** An address the kernel filled (accept, getsockname, recvfrom), its length at lenp. */
export function fmt_sockaddr_out(t: Task, addr: number, lenp: number, ok: boolean): string {
  const len = ok ? read_socklen(t, lenp) : null;
  return len === null ? fmt_ptr(addr) : fmt_sockaddr(t, addr, len);
}

/** `[{iov_base="hello", iov_len=5}]`: data shown up to `data` bytes in all (what moved). */
function fmt_iov(t: Task, addr: number, n: number, data: number): string {
  const b = n > 0 ? peek_user_quiet(t, addr, Math.min(n, 32) * 16) : null;
  if (!b || b.length < Math.min(n, 32) * 16) return n === 0 ? '[]' : fmt_ptr(addr);
  const dv = view(b), out: string[] = [];
  for (let i = 0; i < Math.min(n, 32); i++) {
    const base = u64(dv, i * 16), len = u64(dv, i * 16 + 8), shown = Math.max(0, Math.min(len, data));
    const bytes = shown ? peek_user_quiet(t, base, Math.min(shown, STRSIZE)) : new Uint8Array(0);
    data -= shown;
    out.push(`{iov_base=${bytes ? quote(bytes, shown > STRSIZE) : fmt_ptr(base)}, iov_len=${len}}`);
  }
  return `[${out.join(', ')}${n > 32 ? ', ...' : ''}]`;
}

const SCM_NAMES: Readonly<Record<number, string>> = { 1: 'SCM_RIGHTS', 2: 'SCM_CREDENTIALS' };

/** One cmsghdr's payload: SCM_RIGHTS as its fds, anything else as bytes. */
function cmsg_data(level: number, type: number, data: Uint8Array): string {
  if (level === 1 && type === 1) {
    const dv = view(data), fds: number[] = [];
    for (let i = 0; i + 4 <= data.length; i += 4) fds.push(dv.getInt32(i, true));
    return `[${fds.join(', ')}]`;
  }
  return quote(data.subarray(0, STRSIZE), data.length > STRSIZE);
}

/** msg_control as strace decodes it (decode_msg_control): `[{cmsg_len=20, …, cmsg_data=[5]}]`. */
function fmt_control(t: Task, addr: number, len: number): string {
  const b = peek_user_quiet(t, addr, Math.min(len, 4096));
  if (!b || b.length < 16) return fmt_ptr(addr);
  const dv = view(b), out: string[] = [];
  for (let off = 0; off + 16 <= b.length;) {
    const clen = u64(dv, off), level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    const lvl = level === 1 ? 'SOL_SOCKET' : String(level), ty = level === 1 ? SCM_NAMES[type] ?? String(type) : String(type);
    const data = clen >= 16 ? cmsg_data(level, type, b.subarray(off + 16, Math.min(off + clen, b.length))) : '';
    out.push(`{cmsg_len=${clen}, cmsg_level=${lvl}, cmsg_type=${ty}${data ? `, cmsg_data=${data}` : ''}}`);
    if (clen < 16) break;
    off += Math.ceil(clen / 8) * 8;
  }
  return `[${out.join(', ')}]`;
}

/**
 * struct msghdr (print_struct_msghdr). `data` is how many bytes of the iovecs to show: all of them
 * for sendmsg, what recvmsg returned. A failed recvmsg shows `{msg_namelen=N}` alone, as strace does.
 */
export function fmt_msghdr(t: Task, addr: number, data: number, failed_out: boolean): string {
  const b = addr ? peek_user_quiet(t, addr, 56) : null;
  if (!b || b.length < 56) return fmt_ptr(addr);
  const dv = view(b), name = u64(dv, 0), namelen = dv.getInt32(8, true);
  if (failed_out) return `{msg_namelen=${namelen}}`;
  const iov = u64(dv, 16), iovlen = u64(dv, 24), control = u64(dv, 32), controllen = u64(dv, 40);
  if (data < 0) data = iov_total(t, iov, iovlen);
  const ctl = controllen ? `msg_control=${fmt_control(t, control, controllen)}, ` : '';
  return `{msg_name=${name && namelen > 0 ? fmt_sockaddr(t, name, namelen) : fmt_ptr(name)}, msg_namelen=${namelen}, ` +
    `msg_iov=${fmt_iov(t, iov, iovlen, data)}, msg_iovlen=${iovlen}, ${ctl}msg_controllen=${controllen}, msg_flags=${fmt_msgflags(dv.getInt32(48, true))}}`;
}

/** The bytes sendmsg hands over: the sum of the iov_lens. */
function iov_total(t: Task, addr: number, n: number): number {
  const b = n > 0 ? peek_user_quiet(t, addr, Math.min(n, 32) * 16) : null;
  if (!b) return 0;
  let sum = 0;
  for (let i = 0; i + 16 <= b.length; i += 16) sum += u64(view(b), i + 8);
  return sum;
}

/** Formats of the socket calls' arguments the syscall table leaves as plain numbers. */
export type NetFmt = 'msgflags' | 'sockflags' | 'sockproto' | 'sockaddr_out' | 'socklen_out';

/**
 * How strace shows the socket calls' arguments where it decodes more than the table's `args`
 * declare (flags as MSG_*, addresses the kernel fills, the socklen it updates). The table stays
 * the source of which argument is an fd, a path, or a user buffer; this refines the display.
 */
export const NET_ARGS: Readonly<Record<string, readonly (ArgFmt | NetFmt)[]>> = {
  socket: ['sockfam', 'socktype', 'sockproto'],
  socketpair: ['sockfam', 'socktype', 'int', 'fdpair'],
  accept: ['fd', 'sockaddr_out', 'socklen_out'],
  accept4: ['fd', 'sockaddr_out', 'socklen_out', 'sockflags'],
  getsockname: ['fd', 'sockaddr_out', 'socklen_out'],
  getpeername: ['fd', 'sockaddr_out', 'socklen_out'],
  sendto: ['fd', 'buf_in', 'uint', 'msgflags', 'sockaddr', 'int'],
  recvfrom: ['fd', 'buf_out', 'uint', 'msgflags', 'sockaddr_out', 'socklen_out'],
  sendmsg: ['fd', 'msghdr_in', 'msgflags'],
  recvmsg: ['fd', 'msghdr_out', 'msgflags'],
};
