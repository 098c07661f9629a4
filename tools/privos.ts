/**
 * The `privos` command: run a program, boot and show the log, print the syscall support
 * matrix, run the benchmarks. A plain `privos run PROGRAM` (the hot path) is parsed here and
 * boots at once; every other command line goes to yargs (tools/cli.ts), loaded only then.
 */
import { split_program_args, usage_fail } from './cli_args.ts';
import { fast_run_args } from './run_args.ts';
import { run_command } from './run_cmd.ts';

export { program_spec } from './run_cmd.ts';
export { split_program_args };

const args = ((): string[] => {
  try { return split_program_args(process.argv.slice(2)); } catch (e) { return usage_fail(null, e as Error); }
})();

const run = fast_run_args(args);
/**
 * The command, settled when it is done (bin/privos.js waits for it). No top-level await: the
 * CLI bundle is a CommonJS file (tools/link/bundle.ts), which cannot have one.
 */
export const done: Promise<void> = run ? run_command(run, run.strace ? {} : null) : import('./cli.ts').then((m) => m.cli(args));
