/**
 * The machine as users and tests build it: boots the kernel with privos's C runtime installed
 * (the way a distribution pairs a kernel with a libc), and runs programs to completion.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crt0, type Libc } from '../libc/index.ts';
import { type BootOptions, spawn as kernel_spawn, start_kernel, type SpawnOptions } from '../kernel/init/main.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/sched/task.ts';
import { run_boxed_program } from '../kernel/privbox/transparent.ts';
import { build_rootfs_entry, module_url } from './link/rootfs.ts';
import { link_program, link_source } from './link/link.ts';
import { modpost } from './link/modpost.ts';
import { install_program } from '../kernel/init/initramfs.ts';
import { KCOV_INSTRUMENTED } from '../kernel/kcov_build.ts';
import { kcov_cover_start } from '../kernel/kcov.ts';
import { kcov_machine } from './kcov/build.ts';

export type { BootOptions, SpawnOptions };

/** Kernels booted from the kcov-instrumented build, and that build's machine (see boot). */
const kcov_kernels = new WeakMap<Kernel, typeof import('./machine.ts')>();

/** The instrumented build's machine when k was booted from it, to run k's programs. */
function machine_of(k: Kernel): typeof import('./machine.ts') | undefined {
  return kcov_kernels.get(k);
}

/**
 * Boots a machine. With `kcov`, the kernel comes from the kcov-instrumented build (a module
 * graph of its own, tools/kcov/build.ts), and the functions below that take the kernel run
 * its programs with that build's code; without, no instrumented code is even loaded.
 */
export function boot(opts: BootOptions = {}): Kernel {
  if (opts.kcov && !KCOV_INSTRUMENTED) {
    const m = kcov_machine(), k = m.boot(opts);
    kcov_kernels.set(k, m);
    return k;
  }
  return start_kernel({ crt0, build: build_rootfs_entry, ...opts });
}

/** Shell-style exit status from a wait status: the code, or 128+N for death by signal N. */
export function shell_status(wstatus: number): number {
  return (wstatus & 0x7f) === 0 ? (wstatus >> 8) & 0xff : 128 + (wstatus & 0x7f);
}

/** A guest path (/bin/hello) rather than a host file or URL (./prog.ts, file:…, data:…). */
function is_guest(program: string): boolean {
  return program.startsWith('/') && !/\.(ts|js|mjs)$/.test(program);
}

/** A host path (./prog.ts, against the host's cwd) becomes a file URL; a guest path (/bin/x) or a URL stays as it is. */
export function program_spec(p: string): string {
  if (/^[a-z]+:\/\//.test(p) || p.startsWith('data:')) return p;
  return is_guest(p) ? p : pathToFileURL(resolve(p)).href;
}

/** The source of a data: URL program. */
function data_source(url: string): string {
  const comma = url.indexOf(','), head = url.slice(0, comma), body = url.slice(comma + 1);
  return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/**
 * What the kernel is asked to start: a guest program as is; a host file or a data: URL linked
 * into an image first (as `privos run ./prog.ts` does). Throws LinkError for a bad program.
 */
export function resolve_program(opts: SpawnOptions): SpawnOptions {
  if (opts.main || opts.image || is_guest(opts.program)) return opts;
  const p = opts.program;
  if (!p.startsWith('data:') && !existsSync(p.startsWith('file:') ? fileURLToPath(p) : p)) {
    throw Object.assign(new Error(`${p}: No such file or directory`), { errno: 2 });
  }
  const image = p.startsWith('data:') ? link_source(data_source(p)) : link_program(p);
  return { ...opts, image };
}

/**
 * Counts, from now on, the hits of every kernel block k runs (block i at PC KCOV_TEXT + 4i);
 * null unless k was booted with kcov. See kernel/kcov.ts kcov_cover_start.
 */
export function kcov_cover(k: Kernel): Uint32Array | null {
  const m = machine_of(k);
  return m ? m.kcov_cover(k) : kcov_cover_start(k);
}

/** Starts a program (see resolve_program) as a new process; resolves with its task. */
export function spawn(k: Kernel, opts: SpawnOptions): Promise<Task> {
  const m = machine_of(k);
  if (m) return m.spawn(k, opts);
  return kernel_spawn(k, resolve_program(opts));
}

/** Links a host program and installs its image at a guest path (as `privos cc` + a copy would). */
export function install_image(k: Kernel, guest: string, program: string): void {
  const m = machine_of(k);
  if (m) return m.install_image(k, guest, program);
  install_program(k.root, guest, link_program(program));
}

/** Installs a kernel module image (with its .modinfo, as modpost writes it) at a guest path. */
export function install_module(k: Kernel, guest: string, module: string): void {
  const m = machine_of(k);
  if (m) return m.install_module(k, guest, module);
  install_program(k.root, guest, modpost(module_url(module)));
}

/** Runs a program and resolves with its wait status once it exits. */
export async function run(k: Kernel, opts: SpawnOptions): Promise<{ task: Task; wstatus: number; status: number }> {
  const task = await spawn(k, opts);
  const wstatus = await task.exited;
  return { task, wstatus, status: shell_status(wstatus) };
}

/** Starts a program (see resolve_program) as its SFI build with main in a box (`--privbox`). */
export function spawn_boxed(k: Kernel, opts: SpawnOptions): Promise<Task> {
  return run_boxed_program(k, resolve_program(opts));
}

/** Runs a program boxed by PrivBox's transparent mode (`privos run --privbox`); like run(). */
export async function run_boxed(k: Kernel, opts: SpawnOptions): Promise<{ task: Task; wstatus: number; status: number }> {
  const m = machine_of(k);
  if (m) return m.run_boxed(k, opts);
  const task = await spawn_boxed(k, opts);
  const wstatus = await task.exited;
  return { task, wstatus, status: shell_status(wstatus) };
}

/**
 * A console that records output (for tests) and serves input from a string; with tty, it
 * plays a host terminal (isatty true, 24x80).
 */
export function capture_console(input = '', opts: { tty?: boolean } = {}): { console: import('../kernel/kernel.ts').ConsoleIo; output: () => string } {
  const out: Uint8Array[] = [];
  let fed = false;
  return {
    console: {
      write: (b) => { out.push(b.slice()); },
      read: async () => { if (fed || !input) return null; fed = true; return new TextEncoder().encode(input); },
      ...(opts.tty ? { isatty: () => true, winsize: () => ({ rows: 24, cols: 80 }) } : {}),
    },
    output: () => Buffer.concat(out).toString('utf8'),
  };
}

/**
 * The task behind an inline program's C library (host-side tests and tools only: the door
 * gives user code no way to reach its task).
 */
export function task_of(k: Kernel, libc: { gettid(): unknown }): Task {
  return k.tasks.get(libc.gettid() as number)!;
}

/** A closure the host runs as a process's main (argv[0] is "inline"). */
export type InlineBody = (libc: Libc, argv: string[], envp: string[]) => Promise<number | void> | number | void;

/**
 * Runs a closure as the main of a new process; resolves like run(). The closure is host code,
 * so it runs in the kernel's realm (the harness path, like KUnit's in-kernel tests) — but it
 * still reaches the kernel only through its libc's CPU door.
 */
export function run_inline(k: Kernel, body: InlineBody, extra_argv: string[] = [], uid = 0): ReturnType<typeof run> {
  const main = async (libc: Libc, argv: string[], envp: string[]): Promise<number> => {
    const r = await body(libc, argv.slice(1), envp);
    return typeof r === 'number' ? r : 0;
  };
  return run(k, { program: 'inline', main, argv: ['inline', ...extra_argv], uid });
}
