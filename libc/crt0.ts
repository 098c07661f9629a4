/**
 * crt0 and libc initialisation (glibc csu/libc-start.c's job): reads argc, argv and envp off
 * the initial stack the kernel built, sets up malloc, stdio and the scratch area, calls main,
 * and hands its return value to exit() (which flushes stdio).
 */
import { type CpuDoor, ENTRY_BOX, ENTRY_CLONE } from '../kernel/include/uapi/cpu_door.ts';
import { Libc, SCRATCH_SIZE } from './libc.ts';
import { malloc_init } from './malloc.ts';
import { stdio_init } from './stdio.ts';
import { clone_child, new_libc } from './unistd.ts';
import { install_console } from './console.ts';
import { vdso_note_auxv } from './vdso.ts';

/** A program's main, as DESIGN.md's contract defines it. */
export type UserMain = (libc: Libc, argv: string[], envp: string[]) => Promise<number> | number;

declare module './libc.ts' {
  interface Libc { libc_init(): Promise<void> }
}

Libc.prototype.libc_init = async function () {
  // A signal that arrived while the image was loading is delivered at the exit of the first
  // syscall, which then completes late (a stop until SIGCONT, a handler): take it here, where
  // waiting is possible, before malloc and stdio make calls that must complete at once.
  await this.raw(this.SYS.getpid);
  const p = (await this.mmap(0, SCRATCH_SIZE, this.PROT_READ | this.PROT_WRITE, this.MAP_PRIVATE | this.MAP_ANONYMOUS, -1, 0)) as number;
  if (p < 0) throw new Error('libc: cannot map scratch area');
  this.scratch_base = this.scratch_top = p;
  malloc_init(this);
  stdio_init(this);
};

/** Reads the argument vectors the kernel placed at sp (argc, argv…, NULL, envp…, NULL). */
export function read_args(lc: Libc, sp: number): { argv: string[]; envp: string[] } {
  const argc = lc.peek_u64(sp);
  const argv: string[] = [];
  for (let i = 0; i < argc; i++) argv.push(lc.cstr(lc.peek_u64(sp + 8 + i * 8)));
  const envp: string[] = [];
  for (let a = sp + 8 + (argc + 1) * 8; ; a += 8) {
    const p = lc.peek_u64(a);
    if (!p) break;
    envp.push(lc.cstr(p));
  }
  return { argv, envp };
}

/**
 * The image's entry point (_start, and the child side of clone): runs main and hands its value to
 * exit(). The door's unwind marker (the task ended under us: exit, a fatal signal, execve) passes
 * quietly; anything else escaping main is the process's crash, which the kernel reports.
 */
export async function crt0(door: CpuDoor, how: number, main: UserMain): Promise<void> {
  try {
    if (how === ENTRY_CLONE) return await clone_child(door);
    const lc = await new_libc(door);
    lc.initial_sp = door.entry_sp();
    vdso_note_auxv(lc.initial_sp);
    install_console(lc, globalThis as unknown as Record<string, unknown>);
    const { argv, envp } = read_args(lc, lc.initial_sp);
    const code = how === ENTRY_BOX ? await lc.kerncall_main(main, argv, envp) : await main(lc, argv, envp);
    // exit(main(argc, argv, envp)), as __libc_start_main does: flush stdio, then exit_group.
    await lc.fflush_all();
    lc._exit(typeof code === 'number' ? code : 0);
  } catch (e) {
    if (door.is_unwind(e)) return;
    try { door.crash(describe(e)); } catch { /* the crash unwinds us */ }
  }
}

/** What an uncaught exception was, for the kernel log (never throws). */
function describe(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.stack ?? `${e.name}: ${e.message}`);
    return String(e);
  } catch {
    return '[an exception that cannot be printed]';
  }
}

declare module './libc.ts' {
  interface Libc {
    /** getauxval(3): a value from the auxiliary vector the kernel put on the stack (0 if absent). */
    getauxval(type: number): number;
    /** The same, from the initial stack at sp (argc there): a clone child's own stack has none. */
    auxval_at(sp: number, type: number): number;
    /** The stack pointer the process started with (argc is there). */
    initial_sp: number;
  }
}

Libc.prototype.getauxval = function (type) { return this.auxval_at(this.initial_sp, type); };

Libc.prototype.auxval_at = function (sp, type) {
  let a = sp + 8 + (this.peek_u64(sp) + 1) * 8;
  while (this.peek_u64(a)) a += 8; // skip envp
  for (a += 8; ; a += 16) {
    const key = this.peek_u64(a);
    if (key === 0) return 0;
    if (key === type) return this.peek_u64(a + 8);
  }
};
