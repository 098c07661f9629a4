// The privos twin of test/tools/strace_net.c: sendmsg/recvmsg with SCM_RIGHTS and without, a
// failing recvmsg and sendmsg, then sockaddrs of AF_UNIX (abstract, path, unnamed), AF_INET6 and
// AF_INET, and an unknown family.
import type { Libc } from '../../../libc/index.ts';

/** A struct msghdr (56 bytes, LP64) over one iovec, with msg_control if given. */
function msghdr(libc: Libc, base: number, len: number, control = 0, controllen = 0): number {
  const iov = libc.calloc(1, 16), m = libc.calloc(1, 56);
  libc.poke_u64(iov, base); libc.poke_u64(iov + 8, len);
  libc.poke_u64(m + 16, iov); libc.poke_u64(m + 24, 1);
  libc.poke_u64(m + 32, control); libc.poke_u64(m + 40, controllen);
  return m;
}

async function msgs(libc: Libc): Promise<void> {
  const sv = libc.malloc(8);
  await libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM, 0, sv);
  const [a, b] = [libc.peek_i32(sv), libc.peek_i32(sv + 4)];
  const buf = libc.calloc(1, 64), rb = libc.calloc(1, 64), ctl = libc.calloc(1, 24), rctl = libc.calloc(1, 24);
  libc.poke(buf, new TextEncoder().encode('hello'));
  // struct cmsghdr: cmsg_len = CMSG_LEN(4) = 20, SOL_SOCKET, SCM_RIGHTS, then fd 0
  libc.poke_u64(ctl, 20); libc.poke_u32(ctl + 8, libc.SOL_SOCKET); libc.poke_u32(ctl + 12, 1); libc.poke_u32(ctl + 16, 0);
  await libc.sendmsg(a, msghdr(libc, buf, 5, ctl, 24), 0);
  await libc.recvmsg(b, msghdr(libc, rb, 64, rctl, 24), 0);
  const abc = libc.malloc(3);
  libc.poke(abc, new TextEncoder().encode('abc'));
  await libc.sendmsg(a, msghdr(libc, abc, 3), libc.MSG_DONTWAIT | libc.MSG_NOSIGNAL);
  const q = msghdr(libc, rb, 64);
  await libc.recvmsg(b, q, 0);
  await libc.recvmsg(b, q, libc.MSG_DONTWAIT);
  await libc.sendmsg(a, 8, 0);
}

async function addrs(libc: Libc): Promise<void> {
  const u = await libc.socket(libc.AF_UNIX, libc.SOCK_DGRAM, 0) as number;
  await libc.bind(u, libc.sockaddr_un('\0privos-strace'), 16);
  const path = new Uint8Array(110);
  path.set(libc.sockaddr_un('/nonexistent/sock'));
  await libc.connect(u, path, 110);
  await libc.connect(u, libc.sockaddr_un('').subarray(0, 2), 2);
  const s6 = await libc.socket(libc.AF_INET6, libc.SOCK_DGRAM, 0) as number;
  const a6 = new Uint8Array(28);
  a6[0] = libc.AF_INET6; a6[23] = 1; // ::1, port 0
  await libc.bind(s6, a6, 28);
  const ss = libc.calloc(1, 128), l = libc.malloc(4);
  libc.poke_u32(l, 128);
  await libc.getsockname(s6, ss, l);
  const s4 = await libc.socket(libc.AF_INET, libc.SOCK_DGRAM, 0) as number;
  const odd = new Uint8Array(16);
  odd[0] = 99;
  await libc.connect(s4, odd, 16);
  await libc.connect(s4, libc.sockaddr_in('127.0.0.1', 9), 3);
}

export default async function main(libc: Libc): Promise<number> {
  await msgs(libc);
  await addrs(libc);
  return 0;
}
