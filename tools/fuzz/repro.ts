/**
 * What the fuzzer keeps of a failure: the program minimised by delta debugging, its text, and a
 * ready-to-add ava test that replays it on a fresh kernel and asserts the property (no oops, no
 * invariant break) — it fails until the kernel is fixed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '../../kernel/kernel.ts';
import type { ArchName } from '../../kernel/arch/arch.ts';
import { desc_index, describe_syscalls } from './describe.ts';
import type { ExecResult } from './exec.ts';
import { exec_prog } from './executor.ts';
import { type Prog, format_prog, parse_prog } from './prog.ts';
import { minimize } from './minimize.ts';

/** A failure's identity: its first oops or invariant break with the numbers taken out. */
export function signature(r: ExecResult): string | null {
  const first = r.oopses[0] ?? r.broken[0];
  return first === undefined ? null : first.replace(/0x[0-9a-f]+|\d+/g, 'N').split('\n')[0];
}

/** Runs a program given in the text form on kernel `k` (no coverage): what reproducers do. */
export function run_prog_text(k: Kernel, text: string): Promise<ExecResult> {
  return exec_prog(k, parse_prog(text), desc_index(describe_syscalls(k)), null);
}

/** The smallest program that still fails with signature `sig` on fresh kernels from `boot`. */
export function minimize_failure(prog: Prog, sig: string, boot: () => Kernel): Promise<Prog> {
  return minimize(prog, async (p) => {
    const k = boot();
    return signature(await exec_prog(k, p, desc_index(describe_syscalls(k)), null)) === sig;
  });
}

/** The ava test that replays `prog`; meant for test/kernel/fuzz/ (imports are relative to there). */
export function repro_test(prog: Prog, sig: string, arch: ArchName): string {
  const body = format_prog(prog).replace(/[`\\$]/g, (c) => '\\' + c);
  return `// Found by privos fuzz on ${arch}: ${sig}
import test from 'ava';
import { boot } from '../../../tools/machine.ts';
import { run_prog_text } from '../../../tools/fuzz/repro.ts';

const PROG = \`
${body}\`;

test(${JSON.stringify(`fuzz reproducer (${arch}): ${sig}`)}, async (t) => {
  const r = await run_prog_text(boot({ arch: '${arch}' }), PROG);
  t.deepEqual(r.oopses, []);
  t.deepEqual(r.broken, []);
});
`;
}

/** Writes DIR/<name>.prog (with the failure in a comment) and DIR/<name>.test.ts; returns the paths. */
export function save_repro(dir: string, name: string, prog: Prog, sig: string, arch: ArchName): string[] {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${name}.prog`), t = join(dir, `${name}.test.ts`);
  writeFileSync(p, `# ${arch}: ${sig}\n${format_prog(prog)}`);
  writeFileSync(t, repro_test(prog, sig, arch));
  return [p, t];
}
