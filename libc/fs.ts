/**
 * File-system wrappers (glibc's sys/stat.h, fcntl.h, unistd.h, dirent.h, sys/uio.h,
 * sys/sendfile.h, sys/mount.h). Where an architecture lacks the legacy syscall (arm64 has no
 * open/stat/mkdir/rename/…), the wrapper uses the *at form with AT_FDCWD, as glibc does.
 */
import type { SysRet } from '../kernel/include/uapi/cpu_door.ts';
import { Libc, type BufArg, type StrArg } from './libc.ts';

/** struct stat, decoded (the fields a program reads). */
export interface StatBuf {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; blksize: number; blocks: number; atime_ns: number; mtime_ns: number; ctime_ns: number;
}

declare module './libc.ts' {
  interface Libc {
    stat(path: StrArg, st: number): SysRet;
    lstat(path: StrArg, st: number): SysRet;
    fstat(fd: number, st: number): SysRet;
    fstatat(dirfd: number, path: StrArg, st: number, flags: number): SysRet;
    statx(dirfd: number, path: StrArg, flags: number, mask: number, stx: number): SysRet;
    /** Decodes the struct stat at ptr with this architecture's layout. */
    parse_stat(ptr: number): StatBuf;
    mkdir(path: StrArg, mode: number): SysRet;
    mkdirat(dirfd: number, path: StrArg, mode: number): SysRet;
    rmdir(path: StrArg): SysRet;
    unlink(path: StrArg): SysRet;
    unlinkat(dirfd: number, path: StrArg, flags: number): SysRet;
    rename(from: StrArg, to: StrArg): SysRet;
    renameat(od: number, from: StrArg, nd: number, to: StrArg): SysRet;
    renameat2(od: number, from: StrArg, nd: number, to: StrArg, flags: number): SysRet;
    link(from: StrArg, to: StrArg): SysRet;
    linkat(od: number, from: StrArg, nd: number, to: StrArg, flags: number): SysRet;
    symlink(target: StrArg, path: StrArg): SysRet;
    symlinkat(target: StrArg, dirfd: number, path: StrArg): SysRet;
    readlink(path: StrArg, buf: number, size: number): SysRet;
    readlinkat(dirfd: number, path: StrArg, buf: number, size: number): SysRet;
    truncate(path: StrArg, len: number): SysRet;
    ftruncate(fd: number, len: number): SysRet;
    fsync(fd: number): SysRet;
    fdatasync(fd: number): SysRet;
    chdir(path: StrArg): SysRet;
    fchdir(fd: number): SysRet;
    getcwd(buf: number, size: number): SysRet;
    chmod(path: StrArg, mode: number): SysRet;
    fchmod(fd: number, mode: number): SysRet;
    fchmodat(dirfd: number, path: StrArg, mode: number, flags: number): SysRet;
    umask(mask: number): SysRet;
    access(path: StrArg, mode: number): SysRet;
    faccessat(dirfd: number, path: StrArg, mode: number, flags: number): SysRet;
    utimensat(dirfd: number, path: StrArg | 0, times: number, flags: number): SysRet;
    sendfile(out_fd: number, in_fd: number, offset: number, count: number): SysRet;
    pipe(fds: number): SysRet;
    pipe2(fds: number, flags: number): SysRet;
    dup(fd: number): SysRet;
    dup2(fd: number, fd2: number): SysRet;
    dup3(fd: number, fd2: number, flags: number): SysRet;
    fcntl(fd: number, cmd: number, arg?: number): SysRet;
    readv(fd: number, iov: number, iovcnt: number): SysRet;
    writev(fd: number, iov: number, iovcnt: number): SysRet;
    preadv(fd: number, iov: number, iovcnt: number, off: number): SysRet;
    pwritev(fd: number, iov: number, iovcnt: number, off: number): SysRet;
    getdents64(fd: number, buf: number, count: number): SysRet;
    /** Convenience: the names in a directory (getdents64 until 0), or -1 with errno. */
    listdir(path: StrArg): Promise<string[] | number>;
    close_range(first: number, last: number, flags: number): SysRet;
    openat2(dirfd: number, path: StrArg, how: number, size: number): SysRet;
    mount(source: StrArg, target: StrArg, fstype: StrArg, flags: number, data: StrArg | 0): SysRet;
    umount2(target: StrArg, flags: number): SysRet;
    umount(target: StrArg): SysRet;
    /** Writes a struct iovec array at ptr from [base, len] pairs. */
    iovec(ptr: number, iov: [number, number][]): number;
  }
}

const L = Libc.prototype;
const dec = new TextDecoder();

/** Calls the legacy syscall when this arch has it, else the *at one (glibc's fallbacks). */
function legacy(lc: Libc, name: string, args: () => number[], at: string, at_args: () => number[]): SysRet {
  return lc.with_scratch(() => {
    const nr = lc.SYS[name];
    if (nr !== undefined) { const a = args(); return lc.ret(lc.raw(nr, a[0], a[1], a[2], a[3], a[4])); }
    const a = at_args();
    return lc.ret(lc.raw(lc.SYS[at], a[0], a[1], a[2], a[3], a[4]));
  });
}

function at(lc: Libc, name: string, args: () => number[]): SysRet {
  return lc.with_scratch(() => { const a = args(); return lc.ret(lc.raw(lc.SYS[name], a[0], a[1], a[2], a[3], a[4], a[5])); });
}

const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;

L.stat = function (path, st) { return at(this, 'newfstatat', () => [AT_FDCWD, this.str(path), st, 0]); };
L.lstat = function (path, st) { return at(this, 'newfstatat', () => [AT_FDCWD, this.str(path), st, AT_SYMLINK_NOFOLLOW]); };
L.fstat = function (fd, st) { return this.ret(this.raw(this.SYS.fstat, fd, st)); };
L.fstatat = function (dirfd, path, st, flags) { return at(this, 'newfstatat', () => [dirfd, this.str(path), st, flags]); };
L.statx = function (dirfd, path, flags, mask, stx) { return at(this, 'statx', () => [dirfd, this.str(path), flags, mask, stx]); };

L.parse_stat = function (p) {
  const u32 = (o: number): number => this.peek_u32(p + o);
  const u64 = (o: number): number => this.peek_u64(p + o);
  const times = { atime_ns: u64(72) * 1e9 + u64(80), mtime_ns: u64(88) * 1e9 + u64(96), ctime_ns: u64(104) * 1e9 + u64(112) };
  if (this.arch === 'x86_64') {
    return { dev: u64(0), ino: u64(8), nlink: u64(16), mode: u32(24), uid: u32(28), gid: u32(32), rdev: u64(40),
      size: u64(48), blksize: u64(56), blocks: u64(64), ...times };
  }
  return { dev: u64(0), ino: u64(8), mode: u32(16), nlink: u32(20), uid: u32(24), gid: u32(28), rdev: u64(32),
    size: u64(48), blksize: u32(56), blocks: u64(64), ...times };
};

L.mkdir = function (path, mode) { return legacy(this, 'mkdir', () => [this.str(path), mode], 'mkdirat', () => [AT_FDCWD, this.str(path), mode]); };
L.mkdirat = function (dirfd, path, mode) { return at(this, 'mkdirat', () => [dirfd, this.str(path), mode]); };
L.rmdir = function (path) { return legacy(this, 'rmdir', () => [this.str(path)], 'unlinkat', () => [AT_FDCWD, this.str(path), AT_REMOVEDIR]); };
L.unlink = function (path) { return legacy(this, 'unlink', () => [this.str(path)], 'unlinkat', () => [AT_FDCWD, this.str(path), 0]); };
L.unlinkat = function (dirfd, path, flags) { return at(this, 'unlinkat', () => [dirfd, this.str(path), flags]); };
L.rename = function (from, to) {
  return legacy(this, 'rename', () => [this.str(from), this.str(to)], 'renameat2', () => [AT_FDCWD, this.str(from), AT_FDCWD, this.str(to), 0]);
};
L.renameat = function (od, from, nd, to) {
  return legacy(this, 'renameat', () => [od, this.str(from), nd, this.str(to)], 'renameat2', () => [od, this.str(from), nd, this.str(to), 0]);
};
L.renameat2 = function (od, from, nd, to, flags) { return at(this, 'renameat2', () => [od, this.str(from), nd, this.str(to), flags]); };
L.link = function (from, to) {
  return legacy(this, 'link', () => [this.str(from), this.str(to)], 'linkat', () => [AT_FDCWD, this.str(from), AT_FDCWD, this.str(to), 0]);
};
L.linkat = function (od, from, nd, to, flags) { return at(this, 'linkat', () => [od, this.str(from), nd, this.str(to), flags]); };
L.symlink = function (target, path) {
  return legacy(this, 'symlink', () => [this.str(target), this.str(path)], 'symlinkat', () => [this.str(target), AT_FDCWD, this.str(path)]);
};
L.symlinkat = function (target, dirfd, path) { return at(this, 'symlinkat', () => [this.str(target), dirfd, this.str(path)]); };
L.readlink = function (path, b, size) {
  return legacy(this, 'readlink', () => [this.str(path), b, size], 'readlinkat', () => [AT_FDCWD, this.str(path), b, size]);
};
L.readlinkat = function (dirfd, path, b, size) { return at(this, 'readlinkat', () => [dirfd, this.str(path), b, size]); };
L.truncate = function (path, len) { return at(this, 'truncate', () => [this.str(path), len]); };
L.ftruncate = function (fd, len) { return this.ret(this.raw(this.SYS.ftruncate, fd, len)); };
L.fsync = function (fd) { return this.ret(this.raw(this.SYS.fsync, fd)); };
L.fdatasync = function (fd) { return this.ret(this.raw(this.SYS.fdatasync, fd)); };
L.chdir = function (path) { return at(this, 'chdir', () => [this.str(path)]); };
L.fchdir = function (fd) { return this.ret(this.raw(this.SYS.fchdir, fd)); };
L.getcwd = function (b, size) { return this.ret(this.raw(this.SYS.getcwd, b, size)); };
L.chmod = function (path, mode) { return legacy(this, 'chmod', () => [this.str(path), mode], 'fchmodat', () => [AT_FDCWD, this.str(path), mode]); };
L.fchmod = function (fd, mode) { return this.ret(this.raw(this.SYS.fchmod, fd, mode)); };
L.fchmodat = function (dirfd, path, mode, flags) {
  if (flags) return this.with_scratch(() => this.ret(this.raw(this.SYS.fchmodat2 ?? -1, dirfd, this.str(path), mode, flags)));
  return at(this, 'fchmodat', () => [dirfd, this.str(path), mode]);
};
L.umask = function (mask) { return this.raw(this.SYS.umask, mask); };
L.access = function (path, mode) { return legacy(this, 'access', () => [this.str(path), mode], 'faccessat', () => [AT_FDCWD, this.str(path), mode]); };
L.faccessat = function (dirfd, path, mode, flags) {
  if (flags) return at(this, 'faccessat2', () => [dirfd, this.str(path), mode, flags]);
  return at(this, 'faccessat', () => [dirfd, this.str(path), mode]);
};
L.utimensat = function (dirfd, path, times, flags) { return at(this, 'utimensat', () => [dirfd, path === 0 ? 0 : this.str(path), times, flags]); };
L.sendfile = function (out_fd, in_fd, offset, count) { return this.ret(this.raw(this.SYS.sendfile, out_fd, in_fd, offset, count)); };
L.pipe = function (fds) { return legacy(this, 'pipe', () => [fds], 'pipe2', () => [fds, 0]); };
L.pipe2 = function (fds, flags) { return this.ret(this.raw(this.SYS.pipe2, fds, flags)); };
L.dup = function (fd) { return this.ret(this.raw(this.SYS.dup, fd)); };
L.dup2 = function (fd, fd2) {
  if (this.SYS.dup2 !== undefined) return this.ret(this.raw(this.SYS.dup2, fd, fd2));
  // glibc's generic dup2: dup3 refuses fd == fd2, so check fd validity with F_GETFD instead.
  if (fd === fd2) { const r = this.raw(this.SYS.fcntl, fd, 1) as number; return r < 0 ? this.ret(r) : fd; }
  return this.ret(this.raw(this.SYS.dup3, fd, fd2, 0));
};
L.dup3 = function (fd, fd2, flags) { return this.ret(this.raw(this.SYS.dup3, fd, fd2, flags)); };
L.fcntl = function (fd, cmd, arg = 0) { return this.ret(this.raw(this.SYS.fcntl, fd, cmd, arg)); };
L.readv = function (fd, iov, n) { return this.ret(this.raw(this.SYS.readv, fd, iov, n)); };
L.writev = function (fd, iov, n) { return this.ret(this.raw(this.SYS.writev, fd, iov, n)); };
L.preadv = function (fd, iov, n, off) { return this.ret(this.raw(this.SYS.preadv, fd, iov, n, off, 0)); };
L.pwritev = function (fd, iov, n, off) { return this.ret(this.raw(this.SYS.pwritev, fd, iov, n, off, 0)); };
L.getdents64 = function (fd, b, count) { return this.ret(this.raw(this.SYS.getdents64, fd, b, count)); };
L.close_range = function (first, last, flags) { return this.ret(this.raw(this.SYS.close_range, first, last >>> 0, flags)); };
L.openat2 = function (dirfd, path, how, size) { return at(this, 'openat2', () => [dirfd, this.str(path), how, size]); };
L.mount = function (source, target, fstype, flags, data) {
  return at(this, 'mount', () => [this.str(source), this.str(target), this.str(fstype), flags, data === 0 ? 0 : this.str(data)]);
};
L.umount2 = function (target, flags) { return at(this, 'umount2', () => [this.str(target), flags]); };
L.umount = function (target) { return this.umount2(target, 0); };

L.iovec = function (ptr, iov) {
  iov.forEach(([base, len], i) => { this.poke_u64(ptr + i * 16, base); this.poke_u64(ptr + i * 16 + 8, len); });
  return ptr;
};

L.listdir = async function (path) {
  const fd = (await this.open(path, this.O_RDONLY | this.O_DIRECTORY | this.O_CLOEXEC)) as number;
  if (fd < 0) return -1;
  const size = 4096, b = this.malloc(size);
  const names: string[] = [];
  try {
    for (;;) {
      const n = this.getdents64(fd, b, size) as number;
      if (n < 0) return -1;
      if (n === 0) return names;
      for (let off = 0; off < n;) {
        const reclen = this.peek_u32(b + off + 16) & 0xffff;
        const name = this.peek(b + off + 19, reclen - 19);
        names.push(dec.decode(name.subarray(0, name.indexOf(0))));
        off += reclen;
      }
    }
  } finally {
    this.free(b);
    this.close(fd);
  }
};

export type { BufArg };
