/**
 * The `privos` command line (yargs): every command, its options and its help. Loaded only
 * when the command line is not a plain `privos run` (tools/privos.ts parses that one itself).
 */
import yargs, { type Argv } from 'yargs';
import { arch_by_name } from '../kernel/arch/arches.ts';
import type { ArchName } from '../kernel/arch/arch.ts';
import { ALL_SYSCALLS } from '../kernel/syscalls/registry.ts';
import { format_matrix, support_matrix } from '../kernel/syscalls/matrix.ts';
import { format_record } from '../kernel/printk.ts';
import { RUN_OPTIONS, STRACE_OPTIONS, usage_fail } from './cli_args.ts';
import { run_command } from './run_cmd.ts';
import { boot } from './machine.ts';
import { link_program, LinkError } from './link/link.ts';
import type { SfiBuild } from '../kernel/privbox/privbox.ts';
import { existsSync, writeFileSync } from 'node:fs';
import { privos_shell } from './shell.ts';
import { resolve } from 'node:path';
import { cover_command } from './kcov/cover.ts';
import { addr2line_command } from './kcov/addr2line.ts';
import { fuzz_command } from './fuzz/fuzz_cmd.ts';

/** privos cc: the image of a program, written to `out`; a shell status. */
function cc(program: string, out: string, sfi: SfiBuild): number {
  if (!existsSync(program)) { process.stderr.write(`privos cc: ${program}: No such file or directory\n`); return 1; }
  try {
    writeFileSync(out, link_program(resolve(program), sfi), { mode: 0o755 });
    return 0;
  } catch (e) {
    if (!(e instanceof LinkError)) throw e;
    process.stderr.write(e.diagnostics.join('\n') + '\n');
    return 1;
  }
}

const arch_opt = RUN_OPTIONS.arch;

/** `privos run`'s positionals and options (tools/run_args.ts parses the plain lines the same way). */
export const run_builder = <T>(y: Argv<T>) => y
  .positional('program', { type: 'string', demandOption: true, describe: 'host path (./prog.ts) or guest path (/bin/hello)' })
  .positional('args', { type: 'string', array: true, default: [] as string[] })
  .options(RUN_OPTIONS)
  .parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true });

/** Parses and runs a command line (split_program_args already applied). */
export async function cli(args: string[]): Promise<void> {
  await yargs(args)
    .scriptName('privos')
    .usage('$0 <command> [options]')
    .command('run <program> [args..]', 'boot privos and run PROGRAM (a host .ts/.js file or a path in the emulated root) with ARGS; exits with its status', run_builder,
    (argv) => run_command(argv, argv.strace ? {} : null))
    .command('strace <program> [args..]', "run PROGRAM like privos run, traced in strace's format (strace -f)", (y) => y
      .positional('program', { type: 'string', demandOption: true })
      .positional('args', { type: 'string', array: true, default: [] as string[] })
      .options(RUN_OPTIONS).options(STRACE_OPTIONS)
      .parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true }),
    (argv) => run_command(argv, { expr: argv.e, output: argv.o, summary: argv.c, timestamps: argv.t ?? 0 }))
    .command('cc <program>', 'link a program and its imports (with libc) into a privos image', (y) => y
      .positional('program', { type: 'string', demandOption: true, describe: 'the program (prog.ts)' })
      .option('o', { type: 'string', demandOption: true, requiresArg: true, describe: 'the image file to write' })
      .option('sfi', { choices: ['none', 'full', 'branch'] as const, default: 'none' as const, describe: "PrivBox's SFI pass over the whole image, program and libc (docs/privbox.md)" }), (argv) => {
      process.exit(cc(String(argv.program), String(argv.o), argv.sfi));
    })
    .command('shell [script] [args..]', 'one boot, one shell session: interactive on an emulated terminal with job control when stdin is a terminal; else /bin/sh runs SCRIPT (a host file), -c STRING, or stdin', (y) => y
      .positional('script', { type: 'string', describe: 'a host file of shell commands' })
      .positional('args', { type: 'string', array: true, default: [] as string[] })
      .option('arch', arch_opt)
      .option('command', { alias: 'c', type: 'string', describe: 'run this command string' })
      .option('mem', { type: 'number', default: 128, describe: 'emulated physical memory in MiB' }),
    async (argv) => {
      const status = await privos_shell({ arch: argv.arch as ArchName, command: argv.command, script: argv.script,
        args: (argv.args ?? []).map(String), mem_bytes: argv.mem * 2 ** 20 });
      process.stdin.pause();
      process.exit(status);
    })
    .command('boot', 'boot the kernel, print its log and the boot time', (y) => y.option('arch', arch_opt), (argv) => {
      const t0 = process.hrtime.bigint();
      const k = boot({ arch: argv.arch as ArchName });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      for (const r of k.log.all()) process.stdout.write(format_record(r) + '\n');
      process.stdout.write(`booted in ${ms.toFixed(2)} ms\n`);
    })
    .command('syscalls', 'print the syscall support matrix', (y) => y.option('arch', arch_opt), (argv) => {
      const arch = arch_by_name(argv.arch as ArchName);
      process.stdout.write(format_matrix(arch, support_matrix(arch, ALL_SYSCALLS)));
    })
    .command('bench [suites..]', 'run the benchmarks (tables on stdout, files in bench-results/)', (y) => y
      .positional('suites', { type: 'string', array: true, default: [] as string[] }), async (argv) => {
      const { bench_suites, run_benches } = await import('./bench/index.ts');
      const only = (argv.suites ?? []).map(String), have = bench_suites();
      const bad = only.find((s) => !have.includes(s));
      if (bad) usage_fail(`bench: unknown suite '${bad}' (have: ${have.join(', ')})`, undefined);
      await run_benches(only);
    })
    .command(cover_command)
    .command(addr2line_command)
    .command(fuzz_command)
    .demandCommand(1, 'name a command: run, shell, boot, syscalls or bench')
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => usage_fail(msg, err))
    .parseAsync();
}
