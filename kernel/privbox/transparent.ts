/**
 * Transparent boxing (`privos run --privbox PROGRAM`; the review's criticisms 1 and 4): an
 * unmodified program runs as its SFI build — the whole image, program and libc, instrumented by
 * the linker's SFI pass (kernel/privbox/sfi_image.ts) — and crt0 runs its main in a box, so
 * every syscall it makes goes through the gate. What this mode guarantees and what it does not
 * is in docs/privbox.md.
 */
import { spawn, type SpawnOptions } from '../init/main.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import { ENOENT } from '../include/uapi/errno.ts';
import { shmem_node } from '../fs/tmpfs.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sched/task.ts';
import { default_build } from './loader.ts';
import { privbox_init } from './piot.ts';
import { sfi_variant } from './sfi_image.ts';

/** The image text of a guest program (the caller links host programs: opts.image). */
function guest_image(k: Kernel, program: string): string | number {
  let d = k.root;
  for (const part of program.split('/').filter(Boolean)) {
    const c = d.d_children.get(part);
    if (!c) return -ENOENT;
    d = c;
  }
  return S_ISREG(d.d_inode!.i_mode) ? shmem_node(d.d_inode!).getString() : '';
}

/**
 * Starts PROGRAM (a guest path, or opts.image) as a new process running its SFI build, main in
 * a box. Resolves with the task, like spawn(); rejects (errno set) when the program cannot be
 * read or the SFI pass refuses it — the diagnostics are in the kernel log.
 */
export async function run_boxed_program(k: Kernel, opts: SpawnOptions): Promise<Task> {
  privbox_init(k);
  const text = opts.image ?? guest_image(k, opts.program);
  const image = typeof text === 'number' ? text : sfi_variant(k, text, default_build(k), opts.program);
  if (typeof image === 'number') {
    throw Object.assign(new Error(`${opts.program}: refused by the PrivBox SFI pass (see dmesg)`), { errno: -image });
  }
  return spawn(k, { ...opts, argv: opts.argv ?? [opts.program], image, boxed: true });
}
