/**
 * Process, memory, time and basic file wrappers (glibc's unistd.h, signal.h, sys/mman.h,
 * sys/wait.h, time.h, fcntl.h). Each is the syscall with glibc's name and argument order;
 * pointers may be JS strings/buffers, which are marshalled through libc's scratch area.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import type { CpuDoor } from '../kernel/include/uapi/cpu_door.ts';
import { type BufArg, Libc, libc_for, type StrArg, type UserFn } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    read(fd: number, buf: BufArg, count: number): SysRet;
    write(fd: number, buf: BufArg | string, count?: number): SysRet;
    pread(fd: number, buf: BufArg, count: number, off: number): SysRet;
    pwrite(fd: number, buf: BufArg | string, count: number, off: number): SysRet;
    open(path: StrArg, flags: number, mode?: number): SysRet;
    openat(dirfd: number, path: StrArg, flags: number, mode?: number): SysRet;
    creat(path: StrArg, mode: number): SysRet;
    close(fd: number): SysRet;
    lseek(fd: number, off: number, whence: number): SysRet;
    ioctl(fd: number, req: number, arg?: number): SysRet;
    getpid(): SysRet; getppid(): SysRet; gettid(): SysRet;
    getuid(): SysRet; geteuid(): SysRet; getgid(): SysRet; getegid(): SysRet;
    setuid(uid: number): SysRet; setgid(gid: number): SysRet;
    brk(addr: number): SysRet;
    sbrk(incr: number): SysRet;
    mmap(addr: number, len: number, prot: number, flags: number, fd: number, off: number): SysRet;
    munmap(addr: number, len: number): SysRet;
    mprotect(addr: number, len: number, prot: number): SysRet;
    kill(pid: number, sig: number): SysRet;
    raise(sig: number): SysRet;
    sigaction(sig: number, act: SigactionArg | null, oldact?: number): SysRet;
    signal(sig: number, handler: UserFn | number): SysRet;
    sigprocmask(how: number, set: number[] | null, oldset?: number): SysRet;
    /** rt_sigpending: the set of signals pending for the caller (a 64-bit mask at `set`). */
    sigpending(set: number): SysRet;
    nanosleep(req_ns: number): SysRet;
    sleep(seconds: number): SysRet;
    usleep(us: number): SysRet;
    clock_gettime(clk: number, tp?: number): SysRet;
    /** Convenience: the clock in nanoseconds as a number (or -1). */
    clock_ns(clk: number): SysRet;
    uname(buf: number): SysRet;
    getrandom(buf: BufArg, len: number, flags?: number): SysRet;
    klogctl(type: number, buf: number, len: number): SysRet;
    getrlimit(res: number, rlim: number): SysRet;
    setrlimit(res: number, rlim: number): SysRet;
    prlimit(pid: number, res: number, newp: number, oldp: number): SysRet;
    _exit(status: number): never;
    exit(status: number): Promise<never>;
    wait4(pid: number, wstatus: number, options: number, rusage?: number): SysRet;
    waitpid(pid: number, wstatus: number, options: number): SysRet;
    wait(wstatus: number): SysRet;
    execve(path: StrArg, argv: string[] | number, envp: string[] | number): SysRet;
    execv(path: StrArg, argv: string[]): SysRet;
    /** glibc clone(fn, stack, flags, arg, ptid, tls, ctid): the child runs fn(libc, arg) and exits with its value. */
    clone(fn: ChildFn, stack: number, flags: number, arg?: number, ptid?: number, tls?: number, ctid?: number): SysRet;
    /** fork(): the child runs `child(libc)` (JS cannot duplicate the caller's continuation). */
    fork(child: ChildFn): SysRet;
    /** Wait-status helpers (sys/wait.h). */
    WIFEXITED(s: number): boolean; WEXITSTATUS(s: number): number;
    WIFSIGNALED(s: number): boolean; WTERMSIG(s: number): number;
  }
}

export type ChildFn = (libc: Libc, arg: number) => Promise<number> | number;
export interface SigactionArg { handler: UserFn | number; flags?: number; mask?: number[] }

const L = Libc.prototype;
const enc = new TextEncoder();

L.read = function (fd, buf, count) {
  if (typeof buf === 'number') return this.ret(this.raw(this.SYS.read, fd, buf, count));
  const out = buf;
  let p = 0;
  return this.with_scratch(() => { p = this.scratch_push(count); return this.ret(this.raw(this.SYS.read, fd, p, count)); },
    (r) => { if (r > 0) this.peek_into(p, out, 0, r); });
};

L.write = function (fd, buf, count) {
  if (typeof buf === 'number') return this.ret(this.raw(this.SYS.write, fd, buf, count ?? 0));
  const b = typeof buf === 'string' ? enc.encode(buf) : buf;
  const n = count ?? b.length;
  return this.with_scratch(() => this.ret(this.raw(this.SYS.write, fd, this.buf_in(b, n), n)));
};

L.pread = function (fd, buf, count, off) {
  if (typeof buf === 'number') return this.ret(this.raw(this.SYS.pread64, fd, buf, count, off));
  const out = buf;
  let p = 0;
  return this.with_scratch(() => { p = this.scratch_push(count); return this.ret(this.raw(this.SYS.pread64, fd, p, count, off)); },
    (r) => { if (r > 0) this.peek_into(p, out, 0, r); });
};

L.pwrite = function (fd, buf, count, off) {
  const b = typeof buf === 'string' ? enc.encode(buf) : buf;
  return this.with_scratch(() => this.ret(this.raw(this.SYS.pwrite64, fd, this.buf_in(b, count), count, off)));
};

L.openat = function (dirfd, path, flags, mode = 0) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.openat, dirfd, this.str(path), flags, mode)));
};
L.open = function (path, flags, mode = 0) { return this.openat(this.AT_FDCWD, path, flags, mode); };
L.creat = function (path, mode) { return this.open(path, this.O_CREAT | this.O_WRONLY | this.O_TRUNC, mode); };
L.close = function (fd) { return this.ret(this.raw(this.SYS.close, fd)); };
L.lseek = function (fd, off, whence) { return this.ret(this.raw(this.SYS.lseek, fd, off, whence)); };
L.ioctl = function (fd, req, arg = 0) { return this.ret(this.raw(this.SYS.ioctl, fd, req, arg)); };

L.getpid = function () { return this.raw(this.SYS.getpid); };
L.getppid = function () { return this.raw(this.SYS.getppid); };
L.gettid = function () { return this.raw(this.SYS.gettid); };
L.getuid = function () { return this.raw(this.SYS.getuid); };
L.geteuid = function () { return this.raw(this.SYS.geteuid); };
L.getgid = function () { return this.raw(this.SYS.getgid); };
L.getegid = function () { return this.raw(this.SYS.getegid); };
L.setuid = function (uid) { return this.ret(this.raw(this.SYS.setuid, uid)); };
L.setgid = function (gid) { return this.ret(this.raw(this.SYS.setgid, gid)); };

L.brk = function (addr) {
  const r = this.raw(this.SYS.brk, addr) as number;
  if (r < addr) { this.errno = this.ENOMEM; return -1; }
  return 0;
};
L.sbrk = function (incr) {
  const cur = this.raw(this.SYS.brk, 0) as number;
  if (incr === 0) return cur;
  const r = this.raw(this.SYS.brk, cur + incr) as number;
  if (r !== cur + incr) { this.errno = this.ENOMEM; return -1; }
  return cur;
};
L.mmap = function (addr, len, prot, flags, fd, off) { return this.ret(this.raw(this.SYS.mmap, addr, len, prot, flags, fd, off)); };
L.munmap = function (addr, len) { return this.ret(this.raw(this.SYS.munmap, addr, len)); };
L.mprotect = function (addr, len, prot) { return this.ret(this.raw(this.SYS.mprotect, addr, len, prot)); };

L.kill = function (pid, sig) { return this.ret(this.raw(this.SYS.kill, pid, sig)); };
L.raise = function (sig) {
  return this.ret(this.raw(this.SYS.tgkill, this.raw(this.SYS.getpid) as number, this.raw(this.SYS.gettid) as number, sig));
};

function sigset(set: number[] | undefined): [number, number] {
  let lo = 0, hi = 0;
  for (const s of set ?? []) { if (s <= 32) lo |= 1 << (s - 1); else hi |= 1 << (s - 33); }
  return [lo >>> 0, hi >>> 0];
}

L.sigaction = function (sig, act, oldact = 0) {
  return this.with_scratch(() => {
    let p = 0;
    if (act) {
      p = this.scratch_push(32);
      const h = typeof act.handler === 'number' ? act.handler : this.fnaddr(act.handler);
      const [lo, hi] = sigset(act.mask);
      this.poke_u64(p, h); this.poke_u64(p + 8, (act.flags ?? 0) >>> 0); this.poke_u64(p + 16, 0);
      this.poke_u32(p + 24, lo); this.poke_u32(p + 28, hi);
    }
    return this.ret(this.raw(this.SYS.rt_sigaction, sig, p, oldact, 8));
  });
};

L.signal = function (sig, handler) {
  const r = this.sigaction(sig, { handler, flags: this.SA_RESTART }) as number;
  return r < 0 ? -1 : 0;
};

L.sigprocmask = function (how, set, oldset = 0) {
  return this.with_scratch(() => {
    let p = 0;
    if (set) { p = this.scratch_push(8); const [lo, hi] = sigset(set); this.poke_u32(p, lo); this.poke_u32(p + 4, hi); }
    return this.ret(this.raw(this.SYS.rt_sigprocmask, how, p, oldset, 8));
  });
};

L.sigpending = function (set) { return this.ret(this.raw(this.SYS.rt_sigpending, set, 8)); };

L.nanosleep = function (ns) {
  return this.with_scratch(() => {
    const p = this.scratch_push(16);
    const s = Math.floor(ns / 1e9);
    this.poke_u64(p, s); this.poke_u64(p + 8, ns - s * 1e9);
    return this.ret(this.raw(this.SYS.nanosleep, p, 0));
  });
};
L.sleep = function (s) { return this.nanosleep(s * 1e9); };
L.usleep = function (us) { return this.nanosleep(us * 1000); };

/** clock_gettime(2) through the vDSO where it answers (libc/vdso.ts), else the syscall. */
L.clock_gettime = function (clk, tp) {
  if (tp === undefined) return this.clock_ns(clk);
  const ns = this.vdso_clock_ns(clk);
  if (ns < 0) return this.ret(this.raw(this.SYS.clock_gettime, clk, tp));
  const s = Math.floor(ns / 1e9);
  this.poke_u64(tp, s); this.poke_u64(tp + 8, ns - s * 1e9);
  return 0;
};
L.clock_ns = function (clk) {
  const ns = this.vdso_clock_ns(clk);
  if (ns >= 0) return ns;
  return this.with_scratch(() => {
    const p = this.scratch_push(16);
    const r = this.ret(this.raw(this.SYS.clock_gettime, clk, p)) as number;
    return r < 0 ? r : this.peek_u64(p) * 1e9 + this.peek_u64(p + 8);
  });
};

L.uname = function (buf) { return this.ret(this.raw(this.SYS.uname, buf)); };
L.getrandom = function (buf, len, flags = 0) {
  if (typeof buf === 'number') return this.ret(this.raw(this.SYS.getrandom, buf, len, flags));
  const out = buf;
  let p = 0;
  return this.with_scratch(() => { p = this.scratch_push(len); return this.ret(this.raw(this.SYS.getrandom, p, len, flags)); },
    (r) => { if (r > 0) this.peek_into(p, out, 0, r); });
};
L.klogctl = function (type, buf, len) { return this.ret(this.raw(this.SYS.syslog, type, buf, len)); };
L.getrlimit = function (res, rlim) { return this.ret(this.raw(this.SYS.prlimit64, 0, res, 0, rlim)); };
L.setrlimit = function (res, rlim) { return this.ret(this.raw(this.SYS.prlimit64, 0, res, rlim, 0)); };
L.prlimit = function (pid, res, newp, oldp) { return this.ret(this.raw(this.SYS.prlimit64, pid, res, newp, oldp)); };

L._exit = function (status) {
  this.raw(this.SYS.exit_group, status);
  throw new Error('exit_group returned');
};
L.exit = async function (status) {
  await this.fflush_all();
  return this._exit(status);
};

L.wait4 = function (pid, wstatus, options, rusage = 0) { return this.ret(this.raw(this.SYS.wait4, pid, wstatus, options, rusage)); };
L.waitpid = function (pid, wstatus, options) { return this.wait4(pid, wstatus, options, 0); };
L.wait = function (wstatus) { return this.wait4(-1, wstatus, 0, 0); };

/** Builds a NULL-terminated char*[] in scratch. */
function str_array(lc: Libc, v: string[] | number): number {
  if (typeof v === 'number') return v;
  const ptrs = v.map((s) => lc.str(s));
  const arr = lc.scratch_push((ptrs.length + 1) * 8);
  ptrs.forEach((p, i) => lc.poke_u64(arr + i * 8, p));
  lc.poke_u64(arr + ptrs.length * 8, 0);
  return arr;
}

L.execve = function (path, argv, envp) {
  return this.with_scratch(() => this.ret(this.raw(this.SYS.execve, this.str(path), str_array(this, argv), str_array(this, envp))));
};
L.execv = function (path, argv) { return this.execve(path, argv, []); };

L.clone = function (fn, stack, flags, arg = 0, ptid = 0, tls = 0, ctid = 0) {
  // The stub leaves fn and arg just below the child's stack pointer, where its child side pops
  // them: the new stack, or without one (fork) this process's own, which the child inherits
  // (Linux's clone with a NULL stack) together with a copy of the memory.
  const sp = stack || this.initial_sp;
  this.poke_u64(sp - 16, this.fnaddr(fn as UserFn)); this.poke_u64(sp - 8, arg);
  // The kernel's argument order: x86-64 (…, ptid, ctid, tls), arm64 (…, ptid, tls, ctid).
  const [a3, a4] = this.arch === 'arm64' ? [tls, ctid] : [ctid, tls];
  return this.ret(this.raw(this.SYS.clone, flags, stack, ptid, a3, a4));
};

/**
 * The child side of the clone stub: pops fn and arg off its stack, calls fn(libc, arg) and ends
 * the thread with SYS_exit, as glibc's stub does.
 */
export async function clone_child(door: CpuDoor): Promise<void> {
  const lc = await new_libc(door);
  const sp = lc.initial_sp = door.entry_sp();
  const code = (await lc.call(lc.peek_u64(sp - 16), lc, lc.peek_u64(sp - 8))) as number;
  lc.raw(lc.SYS.exit, code | 0);
}

L.fork = function (child) { return this.clone(child, 0, this.SIGCHLD); };

L.WIFEXITED = (s) => (s & 0x7f) === 0;
L.WEXITSTATUS = (s) => (s >> 8) & 0xff;
L.WIFSIGNALED = (s) => ((s & 0x7f) + 1) >> 1 > 0 && (s & 0x7f) !== 0x7f;
L.WTERMSIG = (s) => s & 0x7f;

/** A fresh C library for a task entering user mode (crt0's libc initialisation). */
export async function new_libc(door: CpuDoor): Promise<Libc> {
  const lc = libc_for(door);
  door.set_box_libc(lc);
  await lc.libc_init();
  return lc;
}
