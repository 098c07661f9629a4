/**
 * The fdcap library (seed 003's user half): fdcap_init, fdcap_create, fdcap_enter, fdcap_exit,
 * fdcap_revoke (and fdcap_destroy, fdcap_stats) over the ioctls of /dev/fdcap.
 *
 * The CFI check of enter: fdcap_init(site) registers the code address of `site`, the one
 * function allowed to enter a context. fdcap_enter(ctx, caller) passes the caller's code address
 * — in privos terms the return address, which JavaScript cannot read, so the caller names
 * itself — signed with PACIA (modifier 0) as PAC-RET would sign a saved return address; the
 * module authenticates it with the process's APIA key and compares it with the registered
 * site. On x86_64 (software PAC) the address travels unsigned. See docs/fdcap.md.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import {
  FDCAP_ENTER_SIZE, FDCAP_INIT_SIZE, FDCAP_IOC_CREATE, FDCAP_IOC_DESTROY, FDCAP_IOC_ENTER, FDCAP_IOC_EXIT,
  FDCAP_IOC_INIT, FDCAP_IOC_REVOKE, FDCAP_IOC_STATS, FDCAP_POLICY_EBADF, FDCAP_POLICY_KILL, FDCAP_STATS_SIZE,
} from '../kernel/modules/fdcap/uapi.ts';
import { Libc, type UserFn } from './libc.ts';

export interface FdcapStats { signed: number; verified: number; failed: number; contexts: number; current: number; revocations: number }

declare module './libc.ts' {
  interface Libc {
    /** The open /dev/fdcap (−1 before fdcap_init). */
    fdcap_fd?: number;
    fdcap_init(site: UserFn, policy?: 'ebadf' | 'kill'): SysRet;
    fdcap_create(): SysRet;
    fdcap_enter(ctx: number, caller: UserFn): SysRet;
    fdcap_exit(): SysRet;
    fdcap_revoke(ctx: number): SysRet;
    fdcap_destroy(ctx: number): SysRet;
    fdcap_stats(): FdcapStats | -1;
  }
}

const L = Libc.prototype;

/** Writes a 64-bit BigInt at p (two little-endian words). */
function poke_big(lc: Libc, p: number, v: bigint): void {
  lc.poke_u32(p, Number(v & 0xffffffffn));
  lc.poke_u32(p + 4, Number((v >> 32n) & 0xffffffffn));
}

function dev_ioctl(lc: Libc, cmd: number, arg: number): SysRet {
  if (lc.fdcap_fd === undefined || lc.fdcap_fd < 0) { lc.errno = lc.EBADF; return -1; }
  return lc.ioctl(lc.fdcap_fd, cmd, arg);
}

L.fdcap_init = function (site, policy = 'ebadf') {
  const fd = this.open('/dev/fdcap', this.O_RDWR | this.O_CLOEXEC) as number;
  if (fd < 0) return -1;
  this.fdcap_fd = fd;
  return this.with_scratch(() => {
    const p = this.scratch_push(FDCAP_INIT_SIZE);
    this.poke_u64(p, this.fnaddr(site));
    this.poke_u32(p + 8, policy === 'kill' ? FDCAP_POLICY_KILL : FDCAP_POLICY_EBADF);
    this.poke_u32(p + 12, 0);
    return dev_ioctl(this, FDCAP_IOC_INIT, p);
  });
};

L.fdcap_create = function () { return dev_ioctl(this, FDCAP_IOC_CREATE, 0); };

L.fdcap_enter = function (ctx, caller) {
  const addr = BigInt(this.fnaddr(caller));
  const site = this.arch === 'arm64' ? this.pacia(addr, 0n) : addr;
  return this.with_scratch(() => {
    const p = this.scratch_push(FDCAP_ENTER_SIZE);
    this.poke_u32(p, ctx >>> 0);
    this.poke_u32(p + 4, 0);
    poke_big(this, p + 8, site);
    return dev_ioctl(this, FDCAP_IOC_ENTER, p);
  });
};

L.fdcap_exit = function () { return dev_ioctl(this, FDCAP_IOC_EXIT, 0); };
L.fdcap_revoke = function (ctx) { return dev_ioctl(this, FDCAP_IOC_REVOKE, ctx); };
L.fdcap_destroy = function (ctx) { return dev_ioctl(this, FDCAP_IOC_DESTROY, ctx); };

L.fdcap_stats = function () {
  let out: FdcapStats | -1 = -1;
  this.with_scratch(() => {
    const p = this.scratch_push(FDCAP_STATS_SIZE);
    const r = dev_ioctl(this, FDCAP_IOC_STATS, p) as number;
    if (r === 0) {
      const v = (i: number): number => this.peek_u64(p + i * 8);
      out = { signed: v(0), verified: v(1), failed: v(2), contexts: v(3), current: v(4), revocations: v(5) };
    }
    return r;
  });
  return out;
};
