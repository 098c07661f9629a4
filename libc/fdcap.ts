/**
 * The fdcap library (seed 003's user half): fdcap_init, fdcap_create, fdcap_enter, fdcap_exit,
 * fdcap_revoke (and fdcap_destroy, fdcap_stats) over the ioctls of /dev/fdcap.
 *
 * The CFI check of enter: fdcap_init(site) registers the code address of `site`, the one
 * function allowed to enter a context. fdcap_enter(ctx) sends its return address — the calling
 * function's code address — signed with PACIA under the nonce the module published for this
 * enter (PAC-RET signs a saved return address under SP; here the modifier changes at every enter,
 * so a signature is good once). JavaScript has no readable return address, so until the
 * link-time pass supplies it at each call site, the stub takes it from the code itself: the
 * calling frame of V8's structured stack trace names the calling function, and the stub
 * resolves that name to the function's address in the process text (docs/fdcap.md, "CFI for
 * enter", says what this does and does not model). On x86_64 (software PAC) the address
 * travels unsigned.
 *
 * Every ioctl argument struct is zeroed in libc's scratch memory after the call, so no signed
 * call site is left behind for a later replay.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import {
  FDCAP_ENTER_SIZE, FDCAP_INIT_SIZE, FDCAP_IOC_CREATE, FDCAP_IOC_DESTROY, FDCAP_IOC_ENTER, FDCAP_IOC_EXIT,
  FDCAP_IOC_INIT, FDCAP_IOC_REVOKE, FDCAP_IOC_STATS, FDCAP_POLICY_EBADF, FDCAP_POLICY_KILL, FDCAP_STATS_SIZE,
} from '../kernel/include/uapi/fdcap.ts';
import { Libc, type UserFn } from './libc.ts';

export interface FdcapStats { signed: number; verified: number; failed: number; contexts: number; current: number; revocations: number }

declare module './libc.ts' {
  interface Libc {
    /** The open /dev/fdcap (undefined before fdcap_init). */
    fdcap_fd?: number;
    /** Where the module publishes the nonce of the next enter (a u64 on the heap; 0 before init). */
    fdcap_nonce_addr?: number;
    /** The enter site registered at fdcap_init: its function name and code address. */
    fdcap_site?: [string, number];
    fdcap_init(site: UserFn, policy?: 'ebadf' | 'kill'): SysRet;
    fdcap_create(): SysRet;
    /**
     * Enters ctx. The call site is the calling function (see above); `_caller` is ignored and
     * only kept so that older callers, which named themselves, still compile.
     */
    fdcap_enter(ctx: number, _caller?: UserFn): SysRet;
    fdcap_exit(): SysRet;
    fdcap_revoke(ctx: number): SysRet;
    fdcap_destroy(ctx: number): SysRet;
    fdcap_stats(): FdcapStats | -1;
    /**
     * In a forked child: takes over the parent's fdcap globals (the /dev/fdcap fd and the nonce
     * cell). A C library's .data is copied by fork; privos's fork gives the child a fresh libc.
     */
    fdcap_atfork_child(parent: Libc): void;
  }
}

const L = Libc.prototype;
const ZERO = new Uint8Array(32);

/** Writes a 64-bit BigInt at p (two little-endian words). */
function poke_big(lc: Libc, p: number, v: bigint): void {
  lc.poke_u32(p, Number(v & 0xffffffffn));
  lc.poke_u32(p + 4, Number((v >> 32n) & 0xffffffffn));
}

function peek_big(lc: Libc, p: number): bigint {
  return BigInt(lc.peek_u32(p)) | (BigInt(lc.peek_u32(p + 4)) << 32n);
}

function dev_ioctl(lc: Libc, cmd: number, arg: number): SysRet {
  if (lc.fdcap_fd === undefined || lc.fdcap_fd < 0) { lc.errno = lc.EBADF; return -1; }
  return lc.ioctl(lc.fdcap_fd, cmd, arg);
}

/** An ioctl whose argument struct (size bytes) fill() writes to scratch; scrubbed afterwards. */
function struct_ioctl(lc: Libc, cmd: number, size: number, fill: (p: number) => void, read?: (p: number, r: number) => void): SysRet {
  return lc.with_scratch(() => {
    const p = lc.scratch_push(size);
    fill(p);
    const scrub = (r: number): number => { read?.(p, r); lc.poke(p, ZERO.subarray(0, size)); return r; };
    const r = dev_ioctl(lc, cmd, p);
    return typeof r === 'number' ? scrub(r) : r.then(scrub);
  });
}

/** The name of the function that called `stub`, from V8's structured stack trace ('' if none). */
function caller_name(stub: UserFn): string {
  const E = Error as ErrorConstructor & { prepareStackTrace?: (e: Error, frames: NodeJS.CallSite[]) => unknown };
  const prep = E.prepareStackTrace, limit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_e, frames) => frames;
    E.stackTraceLimit = 1;
    const holder: { stack?: unknown } = {};
    E.captureStackTrace(holder, stub);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    return frames?.[0]?.getFunctionName() ?? '';
  } finally {
    E.prepareStackTrace = prep;
    E.stackTraceLimit = limit;
  }
}

/**
 * The code address of the function called name: the return site. libc's symbol table knows the
 * one function it registered at fdcap_init (the only site the module accepts); any other caller
 * has no address here and sends 0, which the module refuses as it would a wrong return address.
 */
function text_address(lc: Libc, name: string): number {
  const s = lc.fdcap_site;
  return name && s && s[0] === name ? s[1] : 0;
}

L.fdcap_init = function (site, policy = 'ebadf') {
  const fd = this.open('/dev/fdcap', this.O_RDWR | this.O_CLOEXEC) as number;
  if (fd < 0) return -1;
  this.fdcap_fd = fd;
  const cell = this.malloc(8);
  this.poke_u64(cell, 0);
  this.fdcap_nonce_addr = cell;
  const site_addr = this.fnaddr(site);
  this.fdcap_site = [site.name, site_addr];
  return struct_ioctl(this, FDCAP_IOC_INIT, FDCAP_INIT_SIZE, (p) => {
    this.poke_u64(p, site_addr);
    this.poke_u32(p + 8, policy === 'kill' ? FDCAP_POLICY_KILL : FDCAP_POLICY_EBADF);
    this.poke_u32(p + 12, 0);
    this.poke_u64(p + 16, cell);
  });
};

L.fdcap_create = function () { return dev_ioctl(this, FDCAP_IOC_CREATE, 0); };

L.fdcap_enter = function fdcap_enter(this: Libc, ctx: number): SysRet {
  const addr = BigInt(text_address(this, caller_name(fdcap_enter as UserFn)));
  const nonce = this.fdcap_nonce_addr ? peek_big(this, this.fdcap_nonce_addr) : 0n;
  const site = this.arch === 'arm64' ? this.pacia(addr, nonce) : addr;
  return struct_ioctl(this, FDCAP_IOC_ENTER, FDCAP_ENTER_SIZE, (p) => {
    this.poke_u32(p, ctx >>> 0);
    this.poke_u32(p + 4, 0);
    poke_big(this, p + 8, site);
  });
};

L.fdcap_exit = function () { return dev_ioctl(this, FDCAP_IOC_EXIT, 0); };
L.fdcap_revoke = function (ctx) { return dev_ioctl(this, FDCAP_IOC_REVOKE, ctx); };
L.fdcap_destroy = function (ctx) { return dev_ioctl(this, FDCAP_IOC_DESTROY, ctx); };

L.fdcap_stats = function () {
  let out: FdcapStats | -1 = -1;
  const read = (p: number, r: number): void => {
    if (r !== 0) return;
    const v = (i: number): number => this.peek_u64(p + i * 8);
    out = { signed: v(0), verified: v(1), failed: v(2), contexts: v(3), current: v(4), revocations: v(5) };
  };
  struct_ioctl(this, FDCAP_IOC_STATS, FDCAP_STATS_SIZE, () => {}, read);
  return out;
};

L.fdcap_atfork_child = function (parent) {
  this.fdcap_fd = parent.fdcap_fd;
  this.fdcap_nonce_addr = parent.fdcap_nonce_addr;
};
