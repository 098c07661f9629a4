/** Shared setup of the fdcap attack tests: an arm64 machine, insmod through /sbin/insmod. */
import { boot, capture_console, run } from '../../../tools/machine.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

export const ATTACK = new URL('./progs/attack.ts', import.meta.url).href;

export interface Machine { k: Kernel; out: () => string }

export function machine(arch: 'arm64' | 'x86_64' = 'arm64'): Machine {
  const cap = capture_console();
  return { k: boot({ console: cap.console, arch }), out: cap.output };
}

export async function sh(m: Machine, program: string, ...args: string[]): Promise<number> {
  return (await run(m.k, { program, argv: [program, ...args] })).status;
}

export const insmod = (m: Machine, ...params: string[]): Promise<number> => sh(m, '/sbin/insmod', '/lib/modules/fdcap.ko', ...params);
export const rmmod = (m: Machine): Promise<number> => sh(m, '/sbin/rmmod', 'fdcap');
export const attack = (m: Machine, name: string, ...args: string[]): Promise<number> => sh(m, ATTACK, name, ...args);
