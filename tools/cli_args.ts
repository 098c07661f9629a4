/**
 * What `privos run` and `privos strace` accept before PROGRAM, and the checks on the values:
 * a bad value is one line on stderr and status 2 (a usage error, as coreutils report it), never
 * a help dump, a JS stack, or a silent default such as running as root.
 */
import type { Options } from 'yargs';
import { PROFILE_NAMES } from './profiles.ts';

/** A usage error: printed as `privos: MESSAGE` with status 2. */
export class UsageError extends Error {}

/** A usage error or a bad value: one line on stderr, status 2. */
export function usage_fail(msg: string | null | undefined, err: Error | undefined): never {
  process.stderr.write(`privos: ${(msg || err?.message || 'bad usage').split('\n')[0]}\n`);
  process.exit(2);
}

export const RUN_OPTIONS = {
  arch: { alias: 'a', choices: ['x86_64', 'arm64'] as const, default: 'x86_64' as const, describe: 'emulated architecture' },
  strace: { type: 'boolean', default: false, describe: "trace syscalls on stderr in strace's format (see privos strace)" },
  profile: { type: 'string', choices: PROFILE_NAMES, describe: 'machine cost profile (default: skylake-pti on x86_64, apple-m1 on arm64)' },
  dmesg: { type: 'boolean', default: false, describe: 'print the kernel log on stderr when the program exits' },
  uid: { type: 'string', default: '0', describe: 'run as this uid (an integer >= 0)' },
  gid: { type: 'string', describe: 'run with this gid (an integer >= 0; default: the uid)' },
  mem: { type: 'string', default: '128', describe: `emulated physical memory in MiB (${16}-${4096})` },
  privbox: { type: 'boolean', default: false, describe: "instrument the program with PrivBox's SFI pass at load and run its main in a box (see docs/privbox.md)" },
  mount: { type: 'string', requiresArg: true, describe: 'HOSTDIR:GUESTDIR — mount a host directory into the emulated tree (hostfs; docs/hostfs.md); repeatable' },
  fdcap: { type: 'boolean', default: false, describe: 'load the fdcap module before the program runs (docs/fdcap.md)' },
  'fdcap-policy': { choices: ['ebadf', 'kill'] as const, default: 'ebadf' as const, describe: "fdcap's answer to a failed check" },
  'soft-pac': { type: 'boolean', default: false, describe: 'fdcap on x86_64: emulate PAC in software (charged at the profile pac_insn cost)' },
  kcov: { type: 'boolean', default: false, describe: 'boot the kcov-instrumented kernel: /sys/kernel/debug/kcov exists (docs/kcov.md)' },
  publish: { alias: 'p', type: 'string', requiresArg: true, describe: 'HOSTPORT:GUESTPORT — a guest socket listening on GUESTPORT listens on 127.0.0.1:HOSTPORT (default: the same port); repeatable' },
} as const satisfies Record<string, Options>;

/** `privos cover`'s: run's, and the report file (tools/kcov/cover.ts). */
export const COVER_OPTIONS = {
  ...RUN_OPTIONS,
  out: { alias: 'o', type: 'string', default: 'kcov.lcov', requiresArg: true, describe: 'the lcov tracefile to write' },
} as const satisfies Record<string, Options>;

/** strace(1)'s own options, for `privos strace`. */
export const STRACE_OPTIONS = {
  e: { type: 'string', requiresArg: true, describe: 'a qualifying expression: trace=NAME,%CLASS,…' },
  o: { type: 'string', requiresArg: true, describe: 'write the trace to FILE instead of stderr' },
  c: { type: 'boolean', default: false, describe: 'count time, calls and errors per syscall; print a summary at exit' },
  t: { type: 'count', describe: 'prefix each line with the time of day (-tt: with microseconds)' },
  f: { type: 'boolean', default: true, describe: 'follow forks (always on)' },
} as const satisfies Record<string, Options>;

/** The spellings of each option (--name, -alias, --no-name for booleans) and whether it takes a value. */
function option_words(table: Record<string, Options>): Map<string, boolean> {
  const words = new Map<string, boolean>();
  for (const [name, o] of Object.entries(table)) {
    const takes = o.type !== 'boolean' && o.type !== 'count';
    for (const n of [name, ...([] as string[]).concat(o.alias ?? [])]) words.set(n.length === 1 ? `-${n}` : `--${n}`, takes);
    if (o.type === 'boolean') words.set(`--no-${name}`, false);
  }
  for (const h of ['--help', '-h']) words.set(h, false);
  return words;
}

const COMMAND_OPTIONS: Record<string, Record<string, Options>> = {
  run: RUN_OPTIONS,
  strace: { ...RUN_OPTIONS, ...STRACE_OPTIONS },
  cover: COVER_OPTIONS,
};

/**
 * Everything after `privos run [options] PROGRAM` belongs to the program, options and `--`
 * included (`privos run /bin/ls -a`): returns the arguments with a `--` after PROGRAM so yargs
 * leaves the rest alone. An option before PROGRAM that the command does not know is an error;
 * a `--` before PROGRAM ends the options (`privos run -- -weird-name`).
 */
export function split_program_args(args: string[]): string[] {
  const table = COMMAND_OPTIONS[args[0]];
  if (!table) return args;
  const words = option_words(table);
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return i + 1 < args.length ? [...args.slice(0, i), args[i + 1], '--', ...args.slice(i + 2)] : args;
    if (!a.startsWith('-') || a === '-') return [...args.slice(0, i + 1), '--', ...args.slice(i + 1)];
    const word = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    const takes = words.get(word) ?? short_group(word, words);
    if (takes === undefined) throw new UsageError(`${args[0]}: unknown option '${word}' (options go before PROGRAM; see privos ${args[0]} --help)`);
    if (takes && !a.includes('=')) i++;
  }
  return args;
}

/** `-tt` and other groups of short flags: known when every letter is a known flag. */
function short_group(word: string, words: Map<string, boolean>): boolean | undefined {
  if (!/^-[a-zA-Z]{2,}$/.test(word)) return undefined;
  const letters = [...word.slice(1)].map((c) => words.get(`-${c}`));
  return letters.every((l) => l === false) ? false : undefined;
}

/** An id (uid_t / gid_t): a decimal integer from 0 to 2^32 - 2 ((uid_t)-1 means "none"). */
export function parse_id(what: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xfffffffe) throw new UsageError(`--${what} wants an integer from 0 to 4294967294, got '${v}'`);
  return Number(v);
}

export const MEM_MIN_MIB = 16, MEM_MAX_MIB = 4096;

export function parse_mem(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= MEM_MIN_MIB && n <= MEM_MAX_MIB)) throw new UsageError(`--mem wants MiB from ${MEM_MIN_MIB} to ${MEM_MAX_MIB}, got '${v}'`);
  return n;
}

function parse_port(spec: string, v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : 0;
  if (n < 1 || n > 65535) throw new UsageError(`--publish ${spec}: ports are 1-65535`);
  return n;
}

/** --publish HOSTPORT:GUESTPORT (or a single PORT for both). */
export function parse_publish(spec: string): [number, number] {
  const m = /^([^:]*):([^:]*)$/.exec(spec);
  if (!m && !/^\d+$/.test(spec)) throw new UsageError(`--publish wants HOSTPORT:GUESTPORT, got '${spec}'`);
  return m ? [parse_port(spec, m[1]), parse_port(spec, m[2])] : [parse_port(spec, spec), parse_port(spec, spec)];
}

/** --mount HOSTDIR:/GUESTDIR */
export function parse_mount(spec: string): [string, string] {
  const m = /^(.+):(\/.*)$/.exec(spec);
  if (!m) throw new UsageError(`--mount wants HOSTDIR:/GUESTDIR, got '${spec}'`);
  return [m[1], m[2]];
}

/** A repeatable option's values as strings. */
export function values(v: unknown): string[] {
  return ([] as unknown[]).concat(v ?? []).map(String);
}
