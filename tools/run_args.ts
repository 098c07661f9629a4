/**
 * The hot command line, `privos run [--flag…] [--opt=VALUE…] PROGRAM [ARGS…]`, parsed without
 * yargs (loading and configuring yargs was a fifth of a start). Only the plain spellings are
 * taken here — long names, each once, values that are valid choices; anything else (help,
 * aliases, --no-x, repeatable options, a bad choice) returns null and goes to the yargs command
 * line (tools/cli.ts), which gives the same result or the usage error.
 */
import { PROFILE_NAMES } from './profiles.ts';
import type { RunArgs } from './run_cmd.ts';

/** true: a boolean flag; a list: a value among those; []: any value. */
const FAST: Readonly<Record<string, true | readonly string[]>> = {
  strace: true, dmesg: true, privbox: true, fdcap: true, 'soft-pac': true, kcov: true,
  arch: ['x86_64', 'arm64'], profile: PROFILE_NAMES, 'fdcap-policy': ['ebadf', 'kill'],
  uid: [], gid: [], mem: [],
};

/** RUN_OPTIONS' defaults (tools/cli_args.ts), as yargs fills them in. */
function run_defaults(program: string, rest: string[]): RunArgs & { strace: boolean } {
  return {
    program, args: [], '--': rest.length ? rest : undefined, arch: 'x86_64', dmesg: false, uid: '0', mem: '128', privbox: false,
    fdcap: false, 'fdcap-policy': 'ebadf', 'soft-pac': false, kcov: false, strace: false,
  };
}

/** A value for option `name`, or null when yargs must judge it. */
function fast_value(spec: readonly string[], v: string | undefined): string | null {
  if (v === undefined || v === '' || v.startsWith('-')) return null;
  return spec.length && !spec.includes(v) ? null : v;
}

/**
 * `privos run`'s arguments as yargs would give them, for a command line already split by
 * split_program_args (`run OPTIONS… PROGRAM -- ARGS…`); null for anything less plain.
 */
export function fast_run_args(args: readonly string[]): (RunArgs & { strace: boolean }) | null {
  if (args[0] !== 'run') return null;
  const got = new Map<string, string | true>();
  let i = 1;
  for (; i < args.length && args[i].startsWith('--'); i++) {
    const a = args[i], eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq), spec = FAST[name];
    if (spec === undefined || got.has(name)) return null;
    if (spec === true) {
      if (eq >= 0) return null;
      got.set(name, true);
      continue;
    }
    const v = fast_value(spec, eq >= 0 ? a.slice(eq + 1) : args[++i]);
    if (v === null) return null;
    got.set(name, v);
  }
  if (i + 1 >= args.length || args[i + 1] !== '--') return null;
  return Object.assign(run_defaults(args[i], args.slice(i + 2)), Object.fromEntries(got));
}
