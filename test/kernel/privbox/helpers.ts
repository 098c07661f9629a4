/** Shared set-up for the PrivBox tests: a booted machine with /sys/kernel/debug/piot. */
import { readFileSync } from 'node:fs';
import { boot, capture_console, run } from '../../../tools/machine.ts';
import type { BootOptions } from '../../../tools/machine.ts';
import { write_file } from '../../../kernel/init/initramfs.ts';
import { privbox_init } from '../../../kernel/privbox/piot.ts';
import type { PrivboxConfig } from '../../../kernel/privbox/privbox.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

export const BOXRUN = new URL('./progs/boxrun.ts', import.meta.url).href;

export function privbox_machine(opts: BootOptions = {}, cfg: Partial<PrivboxConfig> = {}): { k: Kernel; output: () => string } {
  const cap = capture_console();
  const k = boot({ console: cap.console, ...opts });
  privbox_init(k, cfg);
  return { k, output: cap.output };
}

/** Installs box source (inline text or a file next to the caller) at a guest path. */
export function install_box(k: Kernel, guest: string, source: string | URL): void {
  write_file(k.root, guest, typeof source === 'string' ? source : readFileSync(source, 'utf8'));
}

/** Runs the box driver on the box at `guest` with `arg`. */
export async function run_box(k: Kernel, guest: string, arg = 0, uid = 0): Promise<{ status: number; wstatus: number }> {
  const r = await run(k, { program: BOXRUN, argv: ['boxrun', guest, String(arg)], uid });
  return { status: r.status, wstatus: r.wstatus };
}

/** The kernel log as text. */
export function dmesg(k: Kernel): string {
  return (k.log as unknown as { records: { text: string }[] }).records.map((r) => r.text).join('\n');
}
