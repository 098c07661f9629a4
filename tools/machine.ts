/**
 * The machine as users and tests build it: boots the kernel with privos's C runtime installed
 * (the way a distribution pairs a kernel with a libc), and runs programs to completion.
 */
import { crt0 } from '../libc/index.ts';
import { type BootOptions, spawn, start_kernel, type SpawnOptions } from '../kernel/init/main.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/sched/task.ts';
import { run_boxed_program } from '../kernel/privbox/transparent.ts';

export type { BootOptions, SpawnOptions };

export function boot(opts: BootOptions = {}): Kernel {
  return start_kernel({ crt0, ...opts });
}

/** Shell-style exit status from a wait status: the code, or 128+N for death by signal N. */
export function shell_status(wstatus: number): number {
  return (wstatus & 0x7f) === 0 ? (wstatus >> 8) & 0xff : 128 + (wstatus & 0x7f);
}

/** Runs a program and resolves with its wait status once it exits. */
export async function run(k: Kernel, opts: SpawnOptions): Promise<{ task: Task; wstatus: number; status: number }> {
  const task = await spawn(k, opts);
  const wstatus = await task.exited;
  return { task, wstatus, status: shell_status(wstatus) };
}

/** Runs a program boxed by PrivBox's transparent mode (`privos run --privbox`); like run(). */
export async function run_boxed(k: Kernel, opts: SpawnOptions): Promise<{ task: Task; wstatus: number; status: number }> {
  const task = await run_boxed_program(k, opts);
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

import { INLINE, type InlineBody } from './inline_main.ts';
let inline_seq = 0;

/** Runs a closure as the main of a new process (argv[0] is "inline"); resolves like run(). */
export function run_inline(k: Kernel, body: InlineBody, extra_argv: string[] = [], uid = 0): ReturnType<typeof run> {
  const id = `inline-${++inline_seq}`;
  INLINE.set(id, body);
  return run(k, { program: new URL('./inline_main.ts', import.meta.url).href, argv: ['inline', id, ...extra_argv], uid });
}
