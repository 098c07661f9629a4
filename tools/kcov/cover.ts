/**
 * `privos cover [OPTIONS] [--] PROGRAM [ARGS]`: runs PROGRAM like `privos run --kcov` while
 * the kernel counts every basic block it runs for the program and its children, then writes
 * the lcov tracefile of the kernel source lines reached (--out, default kcov.lcov) and prints
 * a one-line summary on stderr. The program's own status is the command's.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { COVER_OPTIONS } from '../cli_args.ts';
import { kcov_cover } from '../machine.ts';
import { REPO_ROOT } from '../link/link.ts';
import { run_command, type RunArgs } from '../run_cmd.ts';
import { kcov_table } from './build.ts';
import { format_summary, kcov_lcov } from './lcov.ts';

/** Runs the program with counting on; the report is written when it is done. */
function cover(argv: RunArgs & { out: string }): Promise<void> {
  let counts: Uint32Array | null = null;
  return run_command({ ...argv, kcov: true }, null, {
    booted: (k) => { counts = kcov_cover(k); },
    finished: () => {
      if (!counts) { process.stderr.write('privos cover: the kernel is not kcov-instrumented\n'); return; }
      const out = resolve(argv.out), { text, summary } = kcov_lcov(kcov_table(), counts, REPO_ROOT);
      writeFileSync(out, text);
      process.stderr.write(format_summary(summary, argv.out) + '\n');
    },
  });
}

/** `privos cover`, as a yargs command module. */
export const cover_command: CommandModule = {
  command: 'cover <program> [args..]',
  describe: 'run PROGRAM under kcov and write an lcov report of the kernel lines it reached (docs/kcov.md)',
  builder: (c) => c
    .positional('program', { type: 'string', demandOption: true, describe: 'host path (./prog.ts) or guest path (/bin/hello)' })
    .positional('args', { type: 'string', array: true, default: [] as string[] })
    .options(COVER_OPTIONS)
    .parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true }),
  handler: (argv) => cover(argv as unknown as RunArgs & { out: string }),
};
