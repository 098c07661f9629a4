/**
 * `privos fuzz`: the coverage-guided syscall fuzzer on a kcov-instrumented kernel, printing
 * coverage over time; `--random` runs the old random fuzzer's programs instead (the baseline),
 * still counting coverage. Exit status 1 when it found a failure (reproducers under
 * CORPUS/crashes/), 0 otherwise.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ArchName } from '../../kernel/arch/arch.ts';
import { boot } from '../machine.ts';
import { kcov_source } from './cover.ts';
import { type FuzzStats, fuzz_session } from './fuzzer.ts';

interface FuzzArgs { arch: string; time: number; execs?: number; corpus?: string; seed?: number; random: boolean }

function stats_line(s: FuzzStats): string {
  const secs = s.ms / 1000;
  return `fuzz: ${secs.toFixed(0).padStart(4)}s  blocks ${String(s.blocks).padStart(6)}  corpus ${String(s.corpus).padStart(5)}  ` +
    `execs ${String(s.execs).padStart(6)} (${(s.execs / Math.max(secs, 1e-3)).toFixed(0)}/s)  crashes ${s.crashes}\n`;
}

async function fuzz_main(argv: ArgumentsCamelCase<FuzzArgs>): Promise<void> {
  const arch = argv.arch as ArchName, seed = argv.seed ?? Date.now() % 1e9;
  if (argv.execs !== undefined && !(Number.isInteger(argv.execs) && argv.execs >= 0)) {
    process.stderr.write(`privos fuzz: --execs wants a count of programs, not ${argv.execs}\n`);
    process.exit(2);
  }
  process.stdout.write(`fuzz: ${argv.random ? 'random' : 'guided'} on ${arch}, seed ${seed}, ${argv.time}s` +
    (argv.execs !== undefined ? `, ${argv.execs} programs at most` : '') +
    (argv.corpus ? `, corpus ${argv.corpus}` : '') + '\n');
  const out = await fuzz_session({
    arch, seed, random: argv.random, time_ms: argv.time * 1000, execs: argv.execs, corpus_dir: argv.corpus ?? null,
    cover: kcov_source, boot: () => boot({ arch, kcov: true }),
    on_tick: (s) => process.stdout.write(stats_line(s)),
  });
  if (!out.covered) process.stdout.write('fuzz: no kcov in the fuzzed kernel: no coverage, so no guidance\n');
  for (const c of out.found) process.stdout.write(`fuzz: found: ${c.signature}\n${c.files.map((f) => `  ${f}\n`).join('')}`);
  process.exit(out.found.length ? 1 : 0);
}

export const fuzz_command: CommandModule<object, FuzzArgs> = {
  command: 'fuzz',
  describe: 'coverage-guided syscall fuzzing on a kcov kernel; prints blocks reached, corpus size and execs/s over time (docs/fuzzing.md)',
  builder: (y: Argv) => y
    .option('arch', { alias: 'a', choices: ['x86_64', 'arm64'] as const, default: 'x86_64' as const, describe: 'emulated architecture' })
    .option('time', { type: 'number', default: 60, describe: 'seconds to fuzz' })
    .option('execs', { type: 'number', describe: 'stop after this many programs (with --seed, a run that does not depend on the host\'s speed)' })
    .option('corpus', { type: 'string', requiresArg: true, describe: 'corpus directory: loaded at start, new programs saved there, reproducers in crashes/' })
    .option('seed', { type: 'number', describe: 'PRNG seed (default: from the clock)' })
    .option('random', { type: 'boolean', default: false, describe: 'the baseline: random calls with hostile arguments, no feedback' }) as unknown as Argv<FuzzArgs>,
  handler: fuzz_main,
};
