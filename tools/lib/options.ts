/**
 * The library's options and their checks: every bad value is a TypeError naming the option,
 * thrown before anything boots or runs (never a silent default, never a kernel oops).
 */
import type { CostProfile } from '../../kernel/time/cost.ts';
import { MEM_MAX_MIB, MEM_MIN_MIB } from '../cli_args.ts';
import { PROFILE_NAMES, PROFILES } from '../profiles.ts';
import { bad_option } from './errors.ts';

/** Module parameters, as `insmod IMAGE name=value …` takes them (true is written 1). */
export type ModuleParams = Record<string, string | number | boolean>;

/** A module to load at boot: a name (/lib/modules/NAME.ko), a guest .ko path, or a host file. */
export type ModuleSpec = string | { module: string; params?: ModuleParams };

export interface BootOptions {
  /** The emulated architecture (default x86_64). */
  arch?: 'x86_64' | 'arm64';
  /** A cost profile by name ('skylake-pti', 'skylake-nopti', 'apple-m1') or object (default: the arch's). */
  profile?: string | CostProfile;
  /** Emulated physical memory in MiB, 16 to 4096 (default 128), as `privos run --mem`. */
  mem?: number;
  /** Modules loaded (in order) before boot() resolves, as by insmod. */
  modules?: ModuleSpec[];
  /** Host directories mounted into the guest tree (hostfs): guest path → host directory. */
  mounts?: Record<string, string>;
  /** CPU features (x86 SMAP/SMEP, arm64 PAN as smap; PrivBox's SPAP). */
  features?: { smap?: boolean; smep?: boolean; spap?: boolean };
  /** The kcov-instrumented kernel build (docs/kcov.md): /sys/kernel/debug/kcov exists. */
  kcov?: boolean;
}

export interface RunOptions {
  /** What the program reads on fd 0 (a pipe the library fills, then closes); default: empty. */
  stdin?: string | Uint8Array;
  /** The environment, replacing the default (PATH=/bin:/sbin:/usr/bin HOME=/root TERM=xterm). */
  env?: Record<string, string>;
  /** Real, effective, saved and fs uid (default 0). */
  uid?: number;
  /** The gids (default: the uid). */
  gid?: number;
  /** The working directory (default /). */
  cwd?: string;
  /** argv[0] (default: the program as given). */
  argv0?: string;
}

type Checks = Record<string, (name: string, v: unknown) => void>;

/** Rejects anything but a plain object with known keys, each passing its check. */
function check_object(what: string, o: unknown, checks: Checks): void {
  if (o === undefined) return;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw bad_option(what, 'an object', o);
  for (const [k, v] of Object.entries(o)) {
    const check = checks[k];
    if (!check) throw Object.assign(new TypeError(`Unknown option '${k}' (known: ${Object.keys(checks).join(', ')})`), { code: 'ERR_INVALID_ARG_VALUE' });
    if (v !== undefined) check(k, v);
  }
}

function int_in(min: number, max: number) {
  return (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad_option(name, `an integer from ${min} to ${max}`, v);
  };
}

function string_check(name: string, v: unknown): void {
  if (typeof v !== 'string') throw bad_option(name, 'a string', v);
}

function path_check(name: string, v: unknown): void {
  if (typeof v !== 'string' || !v.startsWith('/')) throw bad_option(name, 'an absolute guest path', v);
}

function boolean_check(name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw bad_option(name, 'a boolean', v);
}

function string_map(name: string, v: unknown, key_check = string_check): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad_option(name, 'an object of strings', v);
  for (const [k, s] of Object.entries(v)) { key_check(`${name} key`, k); string_check(`${name}.${k}`, s); }
}

export function check_params(name: string, v: unknown): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad_option(name, 'an object of parameters', v);
  for (const [k, p] of Object.entries(v)) {
    if (!/^[A-Za-z_]\w*$/.test(k)) throw bad_option(`${name} key`, 'a parameter name', k);
    if (!['string', 'number', 'boolean'].includes(typeof p) || /\s/.test(String(p))) throw bad_option(`${name}.${k}`, 'a string, number or boolean without spaces', p);
  }
}

function module_check(name: string, v: unknown): void {
  if (typeof v === 'string' && v) return;
  if (v && typeof v === 'object' && typeof (v as { module?: unknown }).module === 'string') {
    check_object(name, v, { module: string_check, params: check_params });
    return;
  }
  throw bad_option(name, "a module name, path, or { module, params }", v);
}

const BOOT_CHECKS: Checks = {
  arch: (n, v) => { if (v !== 'x86_64' && v !== 'arm64') throw bad_option(n, "'x86_64' or 'arm64'", v); },
  profile: (n, v) => {
    if (typeof v === 'string' ? !PROFILES[v] : !v || typeof v !== 'object') throw bad_option(n, `one of ${PROFILE_NAMES.join(', ')} or a cost profile`, v);
  },
  mem: int_in(MEM_MIN_MIB, MEM_MAX_MIB),
  modules: (n, v) => {
    if (!Array.isArray(v)) throw bad_option(n, 'an array', v);
    v.forEach((m, i) => module_check(`${n}[${i}]`, m));
  },
  mounts: (n, v) => string_map(n, v, path_check),
  features: (n, v) => check_object(n, v, { smap: boolean_check, smep: boolean_check, spap: boolean_check }),
  kcov: boolean_check,
};

const RUN_CHECKS: Checks = {
  stdin: (n, v) => { if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw bad_option(n, 'a string or a Uint8Array', v); },
  env: (n, v) => string_map(n, v),
  uid: int_in(0, 0xfffffffe),
  gid: int_in(0, 0xfffffffe),
  cwd: path_check,
  argv0: string_check,
};

export function check_boot_options(o: unknown): asserts o is BootOptions | undefined { check_object('options', o, BOOT_CHECKS); }
export function check_run_options(o: unknown): asserts o is RunOptions | undefined { check_object('options', o, RUN_CHECKS); }

/** The arguments of a program: an array of strings. */
export function check_args(v: unknown): asserts v is string[] | undefined {
  if (v !== undefined && (!Array.isArray(v) || !v.every((a) => typeof a === 'string'))) throw bad_option('args', 'an array of strings', v);
}

/** An environment object as envp strings. */
export function envp_of(env: Record<string, string> | undefined): string[] | undefined {
  return env && Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** Module parameters as insmod's argument string. */
export function params_string(p: ModuleParams = {}): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v === true ? 1 : v === false ? 0 : v}`).join(' ');
}
