/**
 * Transparent boxing (`privos run --privbox PROGRAM`; the review's criticisms 1 and 4): an
 * unmodified program is instrumented at load by the SFI pass and its main runs in a box, so
 * every syscall it makes goes through the gate — no source change, no libc change (privos's
 * libc stub already switches to the gate at CPL 0). What this mode guarantees and what it does
 * not is in docs/privbox.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn, type SpawnOptions } from '../init/main.ts';
import { REPO_ROOT } from '../init/initramfs.ts';
import type { UserMain } from '../fs/exec.ts';
import { parse_image } from '../include/uapi/privos_image.ts';
import { shmem_node } from '../fs/tmpfs.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import type { Kernel } from '../kernel.ts';
import type { TextFn } from '../mm/text.ts';
import type { Task } from '../sched/task.ts';
import { resolve } from 'node:path';
import { default_build, load_box_module } from './loader.ts';
import { privbox_init } from './piot.ts';

interface BoxLibc {
  initial_sp: number;
  errno: number;
  kerncall_setup(): Promise<number>;
  kerncall_spawn(fn: TextFn | number, arg: number): Promise<number>;
  fnaddr(fn: TextFn): number;
}

/** Loaded programs by token, for the trampolines below. */
const programs = new Map<string, TextFn>();
let next_token = 0;

/** The start of a boxed program: libc is initialised (crt0), then main runs in a box. */
export async function privbox_trampoline(token: string, libc: BoxLibc): Promise<number> {
  const main = programs.get(token);
  if (!main) return 127;
  if ((await libc.kerncall_setup()) !== 0) return 126;
  // The instrumented main itself is the box's entry (a code address: no libc return stub).
  const v = await libc.kerncall_spawn(libc.fnaddr(main), libc.initial_sp);
  if (v === -1 && libc.errno) return 126;
  return v;
}

/** Finds the program's module URL: a guest executable's #!privos-module line, or a host path. */
function program_url(k: Kernel, program: string): string {
  if (program.startsWith('/') && !/\.(ts|js|mjs)$/.test(program)) {
    let d = k.root;
    for (const part of program.split('/').filter(Boolean)) {
      const c = d.d_children.get(part);
      if (!c) throw Object.assign(new Error(`${program}: No such file or directory`), { errno: 2 });
      d = c;
    }
    const text = S_ISREG(d.d_inode!.i_mode) ? shmem_node(d.d_inode!).getString() : '';
    // The pass instruments source: the image's header names what was linked.
    const img = parse_image(text);
    if (!img || !img.header.source) throw Object.assign(new Error(`${program}: Exec format error`), { errno: 8 });
    return img.header.source;
  }
  return program.includes(':') ? program : pathToFileURL(resolve(process.cwd(), program)).href;
}

/** The program's source text: a file, or the payload of a data: URL. */
function read_source(url: string): string {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(','), head = url.slice(0, comma), body = url.slice(comma + 1);
    return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
  }
  return readFileSync(url.startsWith('file:') ? fileURLToPath(url) : resolve(REPO_ROOT, url), 'utf8');
}

/**
 * Starts PROGRAM as a new process with its main in a box (the CLI's --privbox). Resolves with
 * the task, like spawn(); rejects (errno set) when the program cannot be read or the SFI pass
 * refuses it — the diagnostics are in the kernel log.
 */
export async function run_boxed_program(k: Kernel, opts: SpawnOptions): Promise<Task> {
  privbox_init(k);
  const url = program_url(k, opts.program);
  const source = read_source(url);
  const mod = await load_box_module(k, source, default_build(k), true);
  if (typeof mod === 'number' || !mod.main) {
    throw Object.assign(new Error(`${opts.program}: refused by the PrivBox SFI pass (see dmesg)`), { errno: typeof mod === 'number' ? -mod : 8 });
  }
  const token = `p${next_token++}`;
  programs.set(token, mod.main);
  const main = (libc: BoxLibc): Promise<number> => privbox_trampoline(token, libc);
  return spawn(k, { ...opts, argv: opts.argv ?? [opts.program], main: main as UserMain });
}
