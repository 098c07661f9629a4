/**
 * The `privos` command (yargs): run a program, boot and show the log, print the syscall
 * support matrix, run the benchmarks.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { arch_by_name } from '../kernel/arch/arches.ts';
import type { ArchName } from '../kernel/arch/arch.ts';
import { host_console } from '../kernel/init/main.ts';
import { ALL_SYSCALLS } from '../kernel/syscalls/registry.ts';
import { format_matrix, support_matrix } from '../kernel/syscalls/matrix.ts';
import { strace_attach } from '../kernel/syscalls/trace.ts';
import { format_record } from '../kernel/printk.ts';
import { net_publish } from '../kernel/net/ipv4/af_inet.ts';
import { load_fdcap } from '../kernel/modules/fdcap/load.ts';
import { mount_hostfs } from '../kernel/fs/hostfs.ts';
import { boot, run, run_boxed } from './machine.ts';
import { LinkError, link_program } from './link/link.ts';
import { existsSync, writeFileSync } from 'node:fs';
import { profile_by_name, PROFILE_NAMES } from './profiles.ts';
import { interactive_session, privos_shell } from './shell.ts';

/**
 * Why a program did not start, as a shell says it, and the shell's status: 127 not found, 126
 * found but not executable (permission, not an image, or it does not link).
 */
function report_start_failure(prog: string, e: Error): number {
  if (e instanceof LinkError) { process.stderr.write(e.diagnostics.join('\n') + '\n'); return 126; }
  const errno = (e as { errno?: number }).errno;
  const why = errno === 2 ? 'No such file or directory' : errno === 13 ? 'Permission denied' : errno === 8 ? 'Exec format error' : e.message;
  process.stderr.write(`privos: ${prog}: ${why}\n`);
  return errno === 2 ? 127 : 126;
}

/** privos cc: the image of a program, written to `out`; a shell status. */
function cc(program: string, out: string): number {
  if (!existsSync(program)) { process.stderr.write(`privos cc: ${program}: No such file or directory\n`); return 1; }
  try {
    writeFileSync(out, link_program(resolve(program)), { mode: 0o755 });
    return 0;
  } catch (e) {
    if (!(e instanceof LinkError)) throw e;
    process.stderr.write(e.diagnostics.join('\n') + '\n');
    return 1;
  }
}

/** A host path (./prog.ts) becomes a file URL; a guest path (/bin/x) stays as it is. */
export function program_spec(p: string): string {
  if (/^[a-z]+:\/\//.test(p)) return p;
  if (p.startsWith('/') && !/\.(ts|js|mjs)$/.test(p)) return p;
  return pathToFileURL(resolve(p)).href;
}

/** `privos run` options that take a value (so the token after them is not the program). */
const RUN_VALUE_OPTS = new Set(['-a', '--arch', '--profile', '--uid', '--mem', '-v', '--mount', '--fdcap-policy', '-p', '--publish']);

/**
 * Everything after `privos run [options] PROGRAM` belongs to the program, options included
 * (`privos run /bin/ls -a`): insert `--` after PROGRAM so yargs leaves them alone.
 */
export function split_program_args(args: string[]): string[] {
  if (args[0] !== 'run') return args;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args;
    if (a.startsWith('-')) { if (RUN_VALUE_OPTS.has(a)) i++; continue; }
    return args[i + 1] === '--' ? args : [...args.slice(0, i + 1), '--', ...args.slice(i + 1)];
  }
  return args;
}

const arch_opt = { alias: 'a', choices: ['x86_64', 'arm64'] as const, default: 'x86_64' as const, describe: 'emulated architecture' };

await yargs(split_program_args(hideBin(process.argv)))
  .scriptName('privos')
  .usage('$0 <command> [options]')
  .command('run <program> [args..]', 'boot privos and run PROGRAM (a host .ts/.js file or a path in the emulated root) with ARGS; exits with its status', (y) => y
    .positional('program', { type: 'string', demandOption: true, describe: 'host path (./prog.ts) or guest path (/bin/hello)' })
    .positional('args', { type: 'string', array: true, default: [] as string[] })
    .option('arch', arch_opt)
    .option('strace', { type: 'boolean', default: false, describe: "trace syscalls on stderr in strace's format" })
    .option('profile', { choices: PROFILE_NAMES, describe: 'machine cost profile (default: skylake-pti on x86_64, apple-m1 on arm64)' })
    .option('dmesg', { type: 'boolean', default: false, describe: 'print the kernel log on stderr when the program exits' })
    .option('uid', { type: 'number', default: 0, describe: 'run as this uid' })
    .option('mem', { type: 'number', default: 128, describe: 'emulated physical memory in MiB' })
    .option('privbox', { type: 'boolean', default: false,
      describe: "instrument the program with PrivBox's SFI pass at load and run its main in a box (see docs/privbox.md)" })
    .option('mount', { alias: 'v', type: 'string', requiresArg: true,
      describe: 'HOSTDIR:GUESTDIR — mount a host directory into the emulated tree (hostfs; docs/hostfs.md); repeatable' })
    .option('fdcap', { type: 'boolean', default: false, describe: 'load the fdcap module before the program runs (docs/fdcap.md)' })
    .option('fdcap-policy', { choices: ['ebadf', 'kill'] as const, default: 'ebadf' as const, describe: "fdcap's answer to a failed check" })
    .option('soft-pac', { type: 'boolean', default: false, describe: 'fdcap on x86_64: emulate PAC in software (charged at the profile pac_insn cost)' })
    .option('publish', { alias: 'p', type: 'string', requiresArg: true,
      describe: 'HOSTPORT:GUESTPORT — a guest socket listening on GUESTPORT listens on 127.0.0.1:HOSTPORT (default: the same port)' })
    .parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true }),
  async (argv) => {
    const k = boot({
      arch: argv.arch as ArchName, console: host_console(), mem_bytes: argv.mem * 2 ** 20,
      profile: argv.profile ? profile_by_name(argv.profile) : undefined,
    });
    if (argv.strace) strace_attach(k, (l) => process.stderr.write(l + '\n'));
    for (const spec of ([] as unknown[]).concat(argv.mount ?? [])) {
      const m = /^(.+):(\/.*)$/.exec(String(spec));
      const err = m ? mount_hostfs(k, resolve(m[1]), m[2]) : -22;
      if (typeof err === 'number' && err < 0) { process.stderr.write(`privos: --mount ${spec}: ${m ? `errno ${-err}` : 'wants HOSTDIR:/GUESTDIR'}\n`); process.exit(2); }
    }
    for (const spec of ([] as unknown[]).concat(argv.publish ?? [])) {
      const m = /^(\d+):(\d+)$/.exec(String(spec));
      if (!m) { process.stderr.write(`privos: --publish wants HOSTPORT:GUESTPORT, got ${spec}\n`); process.exit(2); }
      net_publish(k, Number(m[1]), Number(m[2]));
    }
    const prog = argv.program;
    if (argv.fdcap) {
      const ok = await load_fdcap(k, { policy: argv['fdcap-policy'], soft_pac: argv['soft-pac'] })
        .then(() => true, (e: Error) => { process.stderr.write(`privos: ${e.message}\n`); return false; });
      if (!ok) process.exit(1);
    }
    const rest = [...(argv.args ?? []), ...((argv['--'] as unknown[] | undefined) ?? [])].map(String);
    // `privos run /bin/sh` on a terminal is the interactive session of `privos shell`.
    if (prog === '/bin/sh' && !rest.length && !argv.privbox && process.stdin.isTTY) process.exit(await interactive_session(k));
    const spec = { program: program_spec(prog), argv: [prog, ...rest], uid: argv.uid };
    const r = await (argv.privbox ? run_boxed(k, spec) : run(k, spec))
      .catch((e: Error) => ({ status: report_start_failure(prog, e) }));
    if (argv.dmesg) process.stderr.write(k.log.text());
    process.stdin.pause();
    process.exit(r.status);
  })
  .command('cc <program>', 'link a program and its imports (with libc) into a privos image', (y) => y
    .positional('program', { type: 'string', demandOption: true, describe: 'the program (prog.ts)' })
    .option('o', { type: 'string', demandOption: true, requiresArg: true, describe: 'the image file to write' }), (argv) => {
    process.exit(cc(String(argv.program), String(argv.o)));
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
    const { run_benches } = await import('./bench/index.ts');
    await run_benches((argv.suites ?? []).map(String));
  })
  .demandCommand(1, 'name a command: run, shell, boot, syscalls or bench')
  .strict()
  .help()
  .parseAsync();
