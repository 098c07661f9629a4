/**
 * `privos shell`: one boot, one shell session. On a host terminal the shell runs interactively
 * on the emulated terminal /dev/tty1 — the host terminal goes to raw mode and privos's own line
 * discipline does the echo, the line editing and ^C/^Z/^D, as a terminal emulator's pty would —
 * with /dev/tty1 as its controlling terminal and job control. Otherwise (input from a pipe or
 * a file, `-c STRING`, or a host script file) /bin/sh runs on the console non-interactively.
 */
import { readFileSync } from 'node:fs';
import type { ArchName } from '../kernel/arch/arch.ts';
import { host_console } from './host_console.ts';
import { tty_resize, vt_get } from '../kernel/drivers/tty/tty_io.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { boot, run } from './machine.ts';

export interface ShellOptions { arch: ArchName; command?: string; script?: string; args: string[]; mem_bytes?: number }

/** The interactive session on /dev/tty1 with the host terminal raw; resolves with the shell's status. */
export async function interactive_session(k: Kernel): Promise<number> {
  const stdin = process.stdin;
  stdin.setRawMode(true);
  const resize = (): void => tty_resize(k, vt_get(k), process.stdout.rows, process.stdout.columns);
  process.stdout.on('resize', resize);
  try {
    const r = await run(k, { program: '/bin/sh', argv: ['sh'], tty: '/dev/tty1' });
    return r.status;
  } finally {
    process.stdout.off('resize', resize);
    stdin.setRawMode(false);
  }
}

export async function privos_shell(o: ShellOptions): Promise<number> {
  const k = boot({ arch: o.arch, console: host_console(), mem_bytes: o.mem_bytes });
  if (o.command === undefined && o.script === undefined && process.stdin.isTTY) return interactive_session(k);
  let argv = ['sh', ...o.args];
  if (o.command !== undefined) argv = ['sh', '-c', o.command, ...(o.script !== undefined ? [o.script] : []), ...o.args];
  else if (o.script !== undefined) argv = ['sh', '-c', readFileSync(o.script, 'utf8'), o.script, ...o.args];
  const r = await run(k, { program: '/bin/sh', argv });
  return r.status;
}
