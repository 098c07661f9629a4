/**
 * What the library does inside the guest on the caller's behalf, each as a short process making
 * ordinary syscalls (so permissions, errno values and costs are the kernel's): reading and
 * writing a file, loading and unloading a module (finit_module(2), delete_module(2)).
 * Each body records the first failing call; the caller turns it into a rejected PrivosError.
 */
import type { Libc } from '../../libc/index.ts';
import { PrivosError } from './errors.ts';

/** The failure a guest operation met, if any. */
export class Failure {
  error: PrivosError | null = null;
  /** Records libc's errno for `syscall` on `path` and returns 1 (the process's status). */
  fail(libc: Libc, syscall: string, path?: string): number {
    this.error ??= new PrivosError(libc.errno, syscall, path);
    return 1;
  }
}

const CHUNK = 65536;

/** open + read to EOF + close. */
export async function read_file(libc: Libc, path: string, f: Failure, out: Uint8Array[]): Promise<number> {
  const fd = (await libc.open(path, libc.O_RDONLY | libc.O_CLOEXEC)) as number;
  if (fd < 0) return f.fail(libc, 'open', path);
  const buf = new Uint8Array(CHUNK);
  for (;;) {
    const n = (await libc.read(fd, buf, CHUNK)) as number;
    if (n < 0) { f.fail(libc, 'read', path); break; }
    if (n === 0) break;
    out.push(buf.slice(0, n));
  }
  await libc.close(fd);
  return f.error ? 1 : 0;
}

/** open(O_WRONLY|O_CREAT|O_TRUNC, mode) + write all + close (whose error counts, as for NFS). */
export async function write_file(libc: Libc, path: string, data: Uint8Array, mode: number, f: Failure): Promise<number> {
  const fd = (await libc.open(path, libc.O_WRONLY | libc.O_CREAT | libc.O_TRUNC | libc.O_CLOEXEC, mode)) as number;
  if (fd < 0) return f.fail(libc, 'open', path);
  for (let off = 0; off < data.length;) {
    const n = (await libc.write(fd, data.subarray(off, off + CHUNK), Math.min(CHUNK, data.length - off))) as number;
    if (n < 0) { f.fail(libc, 'write', path); break; }
    off += n;
  }
  if (((await libc.close(fd)) as number) < 0) f.fail(libc, 'close', path);
  return f.error ? 1 : 0;
}

/** insmod IMAGE PARAMS: finit_module(2) on the image file. */
export async function insmod(libc: Libc, image: string, params: string, f: Failure): Promise<number> {
  const fd = (await libc.open(image, libc.O_RDONLY | libc.O_CLOEXEC)) as number;
  if (fd < 0) return f.fail(libc, 'open', image);
  const r = (await libc.with_scratch(() => libc.syscall(libc.SYS.finit_module, fd, libc.str(params), 0))) as number;
  if (r < 0) f.fail(libc, 'finit_module', image);
  await libc.close(fd);
  return f.error ? 1 : 0;
}

/** rmmod NAME: delete_module(2) with O_NONBLOCK, as kmod's rmmod calls it. */
export async function rmmod(libc: Libc, name: string, f: Failure): Promise<number> {
  const r = (await libc.with_scratch(() => libc.syscall(libc.SYS.delete_module, libc.str(name), libc.O_NONBLOCK))) as number;
  return r < 0 ? f.fail(libc, 'delete_module', name) : 0;
}

/** access(path, F_OK): 0, or the failure. */
export async function exists(libc: Libc, path: string, f: Failure): Promise<number> {
  return ((await libc.access(path, 0)) as number) < 0 ? f.fail(libc, 'access', path) : 0;
}
