/**
 * PrivBox's libc API, as the artifact's musl has it (src/kerncall/kerncall.c):
 * kerncall_setup() asks /sys/kernel/debug/piot for the gate's address, after which libc's
 * syscall stub calls the gate whenever it runs at CPL 0 (Libc.raw); kerncall_spawn(fn, arg)
 * runs fn in a box and returns its value. privos adds kerncall_load(source) (PIOT_IOCLOAD,
 * which the artifact's loader also has) and two helpers box code and tests use:
 * kerncall_regs() (the caller-saved registers as the box sees them after a gate call) and
 * the privileged-instruction helpers asm_read_cr0/asm_write_cr0 (inline assembly; #GP at CPL 3,
 * and the SFI pass rejects them in box code).
 */
import { CLOBBER_NAMES, type ClobberName, PIOT_IOCINFO, PIOT_IOCINFO_SIZE, PIOT_IOCLOAD, PIOT_IOCRET, PIOT_IOCSPAWN } from '../kernel/include/uapi/piot.ts';
import { read_args } from './crt0.ts';
import { F_DUPFD_CLOEXEC } from '../kernel/include/uapi/fcntl.ts';
import { Libc, type UserFn } from './libc.ts';

export const PIOT_PATH = '/sys/kernel/debug/piot';
/** Where kerncall_main keeps its descriptor of PIOT_PATH (below the default RLIMIT_NOFILE of 1024). */
const PIOT_FD_MIN = 1000;

declare module './libc.ts' {
  interface Libc {
    /** The gate's address from PIOT_IOCINFO (0 until kerncall_setup succeeds). */
    readonly kerncall_gate_addr: number;
    /** The descriptor of /sys/kernel/debug/piot spawn/load/ret use (-2 until opened). */
    readonly kerncall_fd: number;
    kerncall_setup(): Promise<number>;
    /** Runs fn(libc, arg) in a box; its return value, or -1 with errno if the spawn failed. */
    kerncall_spawn(fn: UserFn | number, arg?: number): Promise<number>;
    /** Leaves the box from inside it (PIOT_IOCRET) with value v. */
    kerncall_ret(v: number): Promise<number>;
    /** Loads box source (the kernel instruments it); the entry's box-text address, or -1. */
    kerncall_load(source: string | Uint8Array): Promise<number>;
    /** argv/envp off an initial stack (what crt0 reads), for a program's main run in a box. */
    kerncall_args(sp: number): { argv: string[]; envp: string[] };
    kerncall_regs(): Record<ClobberName, number>;
    /** crt0's start of box code (an SFI image): main(libc, argv, envp) run in a box; its value. */
    kerncall_main(main: (lc: Libc, argv: string[], envp: string[]) => unknown, argv: string[], envp: string[]): Promise<number>;
    asm_read_cr0(): number;
    asm_write_cr0(v: number): void;
  }
}

const L = Libc.prototype;

/**
 * kerncall's per-process variables, kept beside the instance: assigning new properties to a
 * Libc would give it another hidden class than plain processes' and make every libc call site
 * (the syscall stub first) polymorphic.
 */
interface KerncallVars { gate_addr: number; fd: number }
const kvars = new WeakMap<Libc, KerncallVars>();
function kerncall_vars(lc: Libc): KerncallVars {
  let v = kvars.get(lc);
  if (!v) { v = { gate_addr: 0, fd: -2 }; kvars.set(lc, v); }
  return v;
}
Object.defineProperty(L, 'kerncall_gate_addr', { get(this: Libc) { return kerncall_vars(this).gate_addr; } });
Object.defineProperty(L, 'kerncall_fd', { get(this: Libc) { return kerncall_vars(this).fd; } });

async function piot_open(lc: Libc): Promise<number> {
  const v = kerncall_vars(lc);
  if (v.fd === -2) v.fd = (await lc.open(PIOT_PATH, lc.O_RDWR | lc.O_CLOEXEC)) as number;
  return v.fd;
}

L.kerncall_setup = async function () {
  const fd = (await this.open(PIOT_PATH, this.O_RDWR)) as number;
  if (fd < 0) return -1;
  const mark = this.scratch_top, p = this.scratch_push(PIOT_IOCINFO_SIZE);
  const r = (await this.ioctl(fd, PIOT_IOCINFO, p)) as number;
  const gate = this.peek_u64(p + 16);
  this.scratch_pop(mark);
  await this.close(fd);
  if (r) return r;
  // kerncall_gate = (void *) info.kern_gate: calls go through that address (the CPU checks
  // the instruction fetch on every call).
  if (gate >= 0) { this.errno = this.EFAULT; return -1; }
  kerncall_vars(this).gate_addr = gate;
  this.kerncall_gate = gate;
  return 0;
};

/**
 * The box-side return stub (the artifact's: fn's return lands in libc, which does IOCRET): the
 * box ends with PIOT_IOCRET carrying fn's value, whether fn returns at once or later.
 */
const stubs = new WeakMap<UserFn, UserFn>();
function box_stub(fn: UserFn): UserFn {
  let s = stubs.get(fn);
  if (!s) {
    s = (async (lc: Libc, arg: number): Promise<number> => {
      const v = await (fn as (lc: Libc, arg: number) => unknown)(lc, arg);
      return lc.kerncall_ret(typeof v === 'number' ? v : 0);
    }) as UserFn;
    stubs.set(fn, s);
  }
  return s;
}

L.kerncall_spawn = async function (fn, arg = 0) {
  const fd = await piot_open(this);
  if (fd < 0) return -1;
  // A code address is entered as is (box code loaded by kerncall_load, or a function the SFI
  // pass produced); a function gets libc's return stub.
  const ip = typeof fn === 'number' ? fn : this.fnaddr(box_stub(fn));
  const mark = this.scratch_top, p = this.scratch_push(16);
  this.poke_u64(p, ip); this.poke_u64(p + 8, arg);
  try {
    const r = (await this.ioctl(fd, PIOT_IOCSPAWN, p)) as number;
    return r < 0 ? r : this.peek_u64(p + 8);
  } finally { this.scratch_pop(mark); }
};

L.kerncall_ret = async function (v) {
  return (await this.ioctl(await piot_open(this), PIOT_IOCRET, v)) as number;
};

L.kerncall_load = async function (source) {
  const fd = await piot_open(this);
  if (fd < 0) return -1;
  const b = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const buf = this.malloc(b.length + 16);
  if (!buf) { this.errno = this.ENOMEM; return -1; }
  this.poke(buf + 16, b);
  this.poke_u64(buf, buf + 16); this.poke_u64(buf + 8, b.length);
  const r = (await this.ioctl(fd, PIOT_IOCLOAD, buf)) as number;
  this.free(buf);
  return r;
};

L.kerncall_main = async function (main, argv, envp) {
  if ((await this.kerncall_setup()) !== 0) return 126;
  // libc's own descriptor for the box's IOCRET stays out of the program's way (fd numbers as unboxed).
  const v = kerncall_vars(this), fd = await piot_open(this), hi = this.fcntl(fd, F_DUPFD_CLOEXEC, PIOT_FD_MIN) as number;
  if (hi >= 0) { this.close(fd); v.fd = hi; }
  const r = await this.kerncall_spawn(() => main(this, argv, envp));
  return r === -1 && this.errno ? 126 : r;
};

L.kerncall_args = function (sp) { return read_args(this, sp); };

L.kerncall_regs = function () {
  return Object.fromEntries(CLOBBER_NAMES.map((n, i) => [n, this.door.box_reg(i)])) as Record<ClobberName, number>;
};

L.asm_read_cr0 = function () { return this.door.read_cr0(); };
L.asm_write_cr0 = function (v) { this.door.write_cr0(v); };
