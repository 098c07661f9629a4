/**
 * Whole-buffer file I/O through libc (read(2)/write(2) in chunks through one heap buffer),
 * for the AOF, the RDB file and the config file.
 */
import type { Libc } from '../../libc/index.ts';
import { concat } from './bytes.ts';

const CHUNK = 256 * 1024;

export class FileBuf {
  private ptr = 0;
  constructor(private readonly libc: Libc) {}
  get(): number { if (!this.ptr) this.ptr = this.libc.malloc(CHUNK); return this.ptr; }
}

/** Writes all of buf; false (errno set) on failure. */
export async function write_all(libc: Libc, fb: FileBuf, fd: number, buf: Uint8Array): Promise<boolean> {
  const p = fb.get();
  for (let off = 0; off < buf.length;) {
    const n = Math.min(CHUNK, buf.length - off);
    libc.poke(p, buf.subarray(off, off + n));
    const w = (await libc.write(fd, p, n)) as number;
    if (w < 0) { if (libc.errno === libc.EINTR) continue; return false; }
    off += w;
  }
  return true;
}

/** The whole file, or null (errno set) if it cannot be opened. */
export async function read_file(libc: Libc, fb: FileBuf, path: string): Promise<Uint8Array | null> {
  const fd = (await libc.open(path, libc.O_RDONLY | libc.O_CLOEXEC)) as number;
  if (fd < 0) return null;
  const parts: Uint8Array[] = [];
  const p = fb.get();
  for (;;) {
    const r = (await libc.read(fd, p, CHUNK)) as number;
    if (r < 0 && libc.errno === libc.EINTR) continue;
    if (r <= 0) break;
    parts.push(libc.peek(p, r));
  }
  await libc.close(fd);
  return concat(parts);
}

/** Writes a file atomically: a temp file, fsync, rename over the target. */
export async function write_file_atomic(libc: Libc, fb: FileBuf, path: string, buf: Uint8Array): Promise<boolean> {
  const tmp = `${path}.tmp-${libc.getpid() as number}`;
  const fd = (await libc.open(tmp, libc.O_WRONLY | libc.O_CREAT | libc.O_TRUNC | libc.O_CLOEXEC, 0o644)) as number;
  if (fd < 0) return false;
  const ok = (await write_all(libc, fb, fd, buf)) && ((await libc.fsync(fd)) as number) === 0;
  await libc.close(fd);
  if (!ok || ((await libc.rename(tmp, path)) as number) < 0) { await libc.unlink(tmp); return false; }
  return true;
}
