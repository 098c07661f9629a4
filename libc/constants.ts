/**
 * The constants a C program gets from its headers, with the values of the process's
 * architecture. Each Libc instance carries them as properties (libc.O_RDONLY, libc.ENOENT, …).
 */
import { ARCH_UAPI, type ArchName } from '../kernel/include/uapi/arch_uapi.ts';
import * as errno from '../kernel/include/uapi/errno.ts';
import * as fcntl from '../kernel/include/uapi/fcntl.ts';
import * as memfd from '../kernel/include/uapi/memfd.ts';
import * as mman from '../kernel/include/uapi/mman.ts';
import * as signal from '../kernel/include/uapi/signal.ts';
import * as stat from '../kernel/include/uapi/stat.ts';
import * as poll from '../kernel/include/uapi/poll.ts';
import * as termbits from '../kernel/include/uapi/termbits.ts';
import * as wait from '../kernel/include/uapi/wait.ts';

type Numbers<T> = { readonly [K in keyof T as T[K] extends number ? K : never]: number };

export type LibcConstants = Numbers<typeof errno> & Numbers<typeof fcntl> & Numbers<typeof mman> &
  Numbers<typeof signal> & Numbers<typeof stat> & Numbers<typeof poll> & Numbers<typeof memfd> & Numbers<typeof termbits> &
  Numbers<typeof wait> & {
    readonly O_DIRECTORY: number; readonly O_NOFOLLOW: number; readonly O_DIRECT: number; readonly O_LARGEFILE: number;
    readonly O_TMPFILE: number;
    readonly CLOCK_REALTIME: number; readonly CLOCK_MONOTONIC: number;
    readonly CLOCK_PROCESS_CPUTIME_ID: number; readonly CLOCK_THREAD_CPUTIME_ID: number;
    readonly WNOHANG: number; readonly WUNTRACED: number;
    readonly CLONE_VM: number; readonly CLONE_FILES: number; readonly CLONE_FS: number;
    readonly CLONE_SIGHAND: number; readonly CLONE_THREAD: number;
    readonly STDIN_FILENO: number; readonly STDOUT_FILENO: number; readonly STDERR_FILENO: number;
  };

function numbers(...mods: object[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of mods) for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
  return out;
}

const cache = new Map<string, LibcConstants>();

export function constants_for(arch: ArchName): LibcConstants {
  let c = cache.get(arch);
  if (!c) {
    c = Object.freeze({
      ...numbers(errno, fcntl, mman, signal, stat, poll, memfd, termbits, wait),
      ...ARCH_UAPI[arch],
      O_TMPFILE: fcntl.O_TMPFILE_BASE | ARCH_UAPI[arch].O_DIRECTORY,
      CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2, CLOCK_THREAD_CPUTIME_ID: 3,
      WNOHANG: 1, WUNTRACED: 2,
      CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_SIGHAND: 0x800, CLONE_THREAD: 0x10000,
      STDIN_FILENO: 0, STDOUT_FILENO: 1, STDERR_FILENO: 2,
    }) as unknown as LibcConstants;
    cache.set(arch, c);
  }
  return c;
}
