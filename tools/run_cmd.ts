/**
 * `privos run` and `privos strace`: boot a machine on the host's stdio, run PROGRAM, report
 * its death the way a shell does, drain the host streams, exit with its status.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArchName } from '../kernel/arch/arch.ts';
import { UNCAUGHT } from '../kernel/arch/traps.ts';
import { net_publish } from '../kernel/net/ipv4/af_inet.ts';
import { load_fdcap } from '../kernel/modules/fdcap/load.ts';
import { mount_hostfs } from '../kernel/fs/hostfs.ts';
import { SIGINT, SIGPIPE } from '../kernel/include/uapi/signal.ts';
import { ENOENT, ERRNO_TEXT } from '../kernel/include/uapi/errno.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/sched/task.ts';
import { strace_attach, type StraceOptions } from '../kernel/syscalls/trace.ts';
import { strsignal } from '../libc/strsignal.ts';
import { UsageError, parse_id, parse_mem, parse_mount, parse_publish, values } from './cli_args.ts';
import { forward_host_signals, host_console, host_flush } from './host_console.ts';
import { boot, run, run_boxed } from './machine.ts';
import { LinkError } from './link/link.ts';
import { interactive_session } from './shell.ts';
import { profile_by_name } from './profiles.ts';

/** A host path (./prog.ts) becomes a file URL; a guest path (/bin/x) stays as it is. */
export function program_spec(p: string): string {
  if (/^[a-z]+:\/\//.test(p)) return p;
  if (p.startsWith('/') && !/\.(ts|js|mjs)$/.test(p)) return p;
  return pathToFileURL(resolve(p)).href;
}

/** The parsed options of `privos run` / `privos strace` that run_command reads. */
export interface RunArgs {
  program: string; args?: string[]; '--'?: unknown[];
  arch: string; profile?: string; dmesg: boolean; uid: string; gid?: string; mem: string;
  privbox: boolean; mount?: unknown; publish?: unknown;
  fdcap: boolean; 'fdcap-policy': 'ebadf' | 'kill'; 'soft-pac': boolean; kcov?: boolean;
}

/** What a command built on run_command (privos cover) does around the program. */
export interface RunHooks {
  /** The machine is up, the program not yet started. */
  booted?(k: Kernel): void;
  /** The program is done (status: its shell status); before the host streams drain. */
  finished?(k: Kernel, status: number): void;
}

/** Fails like the shell: `privos: MESSAGE`, status 2. */
function die(msg: string, status = 2): never {
  process.stderr.write(`privos: ${msg}\n`);
  process.exit(status);
}

/** Every value checked before anything boots. */
function checked(argv: RunArgs): { uid: number; gid: number; mem: number; mounts: [string, string][]; publish: [number, number][] } {
  try {
    const uid = parse_id('uid', argv.uid);
    return {
      uid, gid: argv.gid === undefined ? uid : parse_id('gid', argv.gid), mem: parse_mem(argv.mem),
      mounts: values(argv.mount).map(parse_mount), publish: values(argv.publish).map(parse_publish),
    };
  } catch (e) {
    if (e instanceof UsageError) die(e.message);
    throw e;
  }
}

/** strace -o FILE or stderr; the file is written synchronously so nothing is lost at exit. */
function trace_sink(file: string | undefined): { out: (line: string) => void; close: () => void } {
  if (!file) return { out: (l) => process.stderr.write(l + '\n'), close: () => undefined };
  let fd: number;
  try { fd = openSync(file, 'w'); } catch (e) { return die(`strace: ${file}: ${(e as Error).message}`, 1); }
  return { out: (l) => writeSync(fd, l + '\n'), close: () => closeSync(fd) };
}

/**
 * Why a program did not start, as a shell says it, and the shell's status: 127 not found, 126
 * found but not executable (permission, not an image, or it does not link).
 */
function report_start_failure(prog: string, e: Error): number {
  if (e instanceof LinkError) { process.stderr.write(e.diagnostics.join('\n') + '\n'); return 126; }
  const errno = (e as { errno?: number }).errno ?? 0;
  process.stderr.write(`privos: ${prog}: ${ERRNO_TEXT[errno] || e.message}\n`);
  return errno === ENOENT ? 127 : 126;
}

/** What a shell prints when a foreground job dies of a signal (nothing for SIGINT and SIGPIPE). */
export function death_message(task: Task, wstatus: number): string {
  const sig = wstatus & 0x7f;
  if (!sig || sig === 0x7f || sig === SIGPIPE || sig === SIGINT) return '';
  const uncaught = task.ext.get(UNCAUGHT);
  const why = typeof uncaught === 'string' ? `${task.comm}: uncaught exception: ${uncaught} (details: privos run --dmesg)\n` : '';
  return `${why}${strsignal(sig)}\n`;
}

async function setup(k: Kernel, argv: RunArgs, v: ReturnType<typeof checked>): Promise<void> {
  for (const [host, guest] of v.mounts) {
    const err = mount_hostfs(k, resolve(host), guest);
    if (typeof err === 'number' && err < 0) die(`--mount ${host}:${guest}: ${ERRNO_TEXT[-err] ?? `errno ${-err}`}`);
  }
  for (const [hp, gp] of v.publish) net_publish(k, hp, gp);
  if (argv.fdcap) {
    await load_fdcap(k, { policy: argv['fdcap-policy'], soft_pac: argv['soft-pac'] })
      .catch((e: Error) => die(e.message, 1));
  }
}

export async function run_command(argv: RunArgs, trace: StraceOptions | null, hooks: RunHooks = {}): Promise<void> {
  const v = checked(argv);
  const con = host_console();
  const k = boot({
    arch: argv.arch as ArchName, console: con, mem_bytes: v.mem * 2 ** 20,
    profile: argv.profile ? profile_by_name(argv.profile) : undefined, kcov: argv.kcov,
  });
  forward_host_signals(k);
  const sink = trace ? trace_sink(trace.output) : null;
  const tracer = trace && sink ? strace_attach(k, sink.out, trace) : null;
  await setup(k, argv, v);
  const prog = argv.program;
  const rest = [...(argv.args ?? []), ...(argv['--'] ?? [])].map(String);
  // `privos run /bin/sh` on a terminal is the interactive session of `privos shell`.
  if (prog === '/bin/sh' && !rest.length && !argv.privbox && !trace && process.stdin.isTTY) process.exit(await interactive_session(k));
  const spec = { program: program_spec(prog), argv: [prog, ...rest], uid: v.uid, gid: v.gid };
  hooks.booted?.(k);
  let failed = 0;
  const r = await (argv.privbox ? run_boxed(k, spec) : run(k, spec))
    .catch((e: Error) => { failed = report_start_failure(prog, e); return null; });
  tracer?.finish();
  sink?.close();
  if (r) process.stderr.write(death_message(r.task, r.wstatus));
  if (argv.dmesg) process.stderr.write(k.log.text());
  hooks.finished?.(k, r ? r.status : failed);
  await Promise.all([host_flush(process.stdout), host_flush(process.stderr)]);
  process.exit(r ? r.status : failed);
}
