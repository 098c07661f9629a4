/**
 * The command table (commands.c): name, arity (negative = at least), flags and key positions,
 * as COMMAND reports them; container commands (CONFIG, CLIENT, …) hold their subcommands.
 */
import { command_categories } from './acl_cat.ts';
import type { HdrHistogram } from './hdr_histogram.ts';
import type { Client } from './networking.ts';

export interface Cmd {
  name: string;
  fullname: string;
  proc: (c: Client) => void;
  arity: number;
  flags: string[];
  write: boolean;
  first: number; last: number; step: number;
  group: string;
  subs: Map<string, Cmd> | null;
  /** Key extraction for commands whose keys move (SORT's STORE); null: first/last/step. */
  getkeys: ((argv: string[]) => string[]) | null;
  /** INFO commandstats: calls and errors; the time of the calls that were timed (a sample). */
  calls: number; rejected_calls: number; failed_calls: number; usec_sampled: number; samples: number;
  /** latency-tracking's histogram of call durations in ns (latency.ts), made on the first call. */
  latency_histogram: HdrHistogram | null;
  /** ACL category bits (acl_cat.ts). */
  acl_categories: number;
  /**
   * For EVAL/FCALL and friends (getCommandFlags): what this call may do, from the script's
   * declared flags — SCRIPT_WRITES (declared, as CMD_WRITE) with SCRIPT_DENYOOM unless it
   * allows OOM, SCRIPT_MAY_REPLICATE (no declaration: EVAL's may_replicate) or 0; null: the
   * command's own flags decide.
   */
  may_write_of: ((c: Client, argv: string[]) => number) | null;
}

/** may_write_of's bits; SCRIPT_DENYOOM: the script declared flags without no-writes or allow-oom (scriptFlagsToCmdFlags). */
export const SCRIPT_MAY_REPLICATE = 1, SCRIPT_WRITES = 2, SCRIPT_DENYOOM = 4;

export type CmdSpec = [name: string, arity: number, flags: string, proc: (c: Client) => void, first?: number, last?: number, step?: number];

export function make(group: string, [name, arity, flags, proc, first = 1, last = 1, step = 1]: CmdSpec, parent?: string): Cmd {
  const fl = flags ? flags.split(' ') : [];
  const nokeys = fl.includes('nokeys');
  const cmd: Cmd = {
    name, fullname: parent ? `${parent}|${name}` : name, proc, arity, group,
    flags: fl.filter((f) => f !== 'nokeys'), write: fl.includes('write'),
    first: nokeys ? 0 : first, last: nokeys ? 0 : last, step: nokeys ? 0 : step, subs: null, getkeys: null,
    calls: 0, rejected_calls: 0, failed_calls: 0, usec_sampled: 0, samples: 0, latency_histogram: null, acl_categories: 0, may_write_of: null,
  };
  cmd.acl_categories = command_categories(cmd);
  return cmd;
}

/** A container command whose first argument picks a subcommand (CONFIG GET, CLIENT ID, …). */
export function container(group: string, name: string, subs: CmdSpec[], flags = ''): Cmd {
  const c = make(group, [name, -2, `${flags} nokeys`.trim(), () => {}]);
  c.subs = new Map(subs.map((s) => [s[0], make(group, s, name)]));
  c.acl_categories = command_categories(c);
  return c;
}

export const table = new Map<string, Cmd>();

export function register(group: string, specs: (CmdSpec | Cmd)[]): void {
  for (const s of specs) {
    const cmd = Array.isArray(s) ? make(group, s) : s;
    table.set(cmd.name, cmd);
  }
}

/** lookupCommand + processCommand's first checks: the command, or the error to reply. */
export function lookup_command(argv: string[]): Cmd | string {
  const name = argv[0];
  const cmd = table.get(name) ?? table.get(name.toLowerCase());
  if (!cmd) {
    let args = '';
    for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i].slice(0, 128 - args.length)}' `;
    return `unknown command '${name.slice(0, 128)}', with args beginning with: ${args}`;
  }
  if (!cmd.subs || argv.length < 2) return cmd;
  const sub = cmd.subs.get(argv[1].toLowerCase());
  if (!sub) return `unknown subcommand '${argv[1].slice(0, 128)}'. Try ${cmd.name.toUpperCase()} HELP.`;
  return sub;
}

/** Every command and subcommand. */
export function all_commands(): Cmd[] {
  const out: Cmd[] = [];
  for (const c of table.values()) { out.push(c); if (c.subs) out.push(...c.subs.values()); }
  return out;
}

/** getKeysFromCommand: the key arguments of argv (argv[0] is the command name) for cmd. */
export function command_keys(cmd: Cmd, argv: string[]): string[] {
  if (cmd.getkeys) return cmd.getkeys(argv);
  const keys: string[] = [], last = cmd.last < 0 ? argv.length + cmd.last : cmd.last;
  for (let i = cmd.first; i > 0 && i <= last && i < argv.length; i += cmd.step) keys.push(argv[i]);
  return keys;
}
