/**
 * Users and their permissions (acl.c): selectors holding a command bitmap (here a set of
 * commands), key patterns with read/write flags and channel patterns; ACLSetUser's rules,
 * the checks processCommand makes, and the descriptions ACL LIST and GETUSER print.
 * https://redis.io/docs/management/security/acl/
 */
import { sha256, to_hex } from '../../libc/crypt/sha256.ts';
import { ACL_CATEGORIES, category_bit } from './acl_cat.ts';
import { all_commands, type Cmd, table } from './commands.ts';

export const ACL_OK = 0, ACL_DENIED_CMD = 1, ACL_DENIED_KEY = 2, ACL_DENIED_AUTH = 3, ACL_DENIED_CHANNEL = 4;
const ACL_READ = 1, ACL_WRITE = 2, ACL_ALL = 3;

/** ACLSetUserStringError's texts, by the errno ACLSetUser leaves. */
export const SETUSER_ERR = {
  ENOENT: 'Unknown command or category name in ACL', EINVAL: 'Syntax error',
  EEXIST: "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR: "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
};
type SetErr = keyof typeof SETUSER_ERR | null;

export interface KeyPattern { pattern: string; flags: number }

/** aclSelector: what one selector allows. */
export class Selector {
  allowed = new Set<Cmd>();
  /** Allowed first arguments of otherwise denied commands (+select|0). */
  firstargs = new Map<Cmd, string[]>();
  /** SELECTOR_FLAG_ALLCOMMANDS: every bit set (cleared by any removal); the checks skip the bitmap. */
  allcommands = false;
  /** The reserved bit +@all sets: future commands too; descriptions start from +@all. */
  future = false;
  allkeys = false;
  allchannels = false;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  copy(): Selector {
    const s = new Selector();
    s.allowed = new Set(this.allowed);
    for (const [k, v] of this.firstargs) s.firstargs.set(k, [...v]);
    s.allcommands = this.allcommands; s.future = this.future; s.allkeys = this.allkeys; s.allchannels = this.allchannels;
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }
}

/** ACLUserFlags, in the order Redis prints them. */
const USER_FLAGS = ['on', 'off', 'nopass', 'skip-sanitize-payload', 'sanitize-payload'] as const;

export class User {
  flags = new Set<string>(['off']);
  passwords: string[] = [];
  selectors: Selector[] = [new Selector()];
  /** Every command, key and channel: processCommand skips the checks. */
  unrestricted = false;
  constructor(readonly name: string) {}

  get root(): Selector { return this.selectors[0]; }
  get enabled(): boolean { return this.flags.has('on'); }
  get nopass(): boolean { return this.flags.has('nopass'); }
  flag_names(): string[] { return USER_FLAGS.filter((f) => this.flags.has(f)); }

  copy_from(u: User): void {
    this.flags = new Set(u.flags);
    this.passwords = [...u.passwords];
    this.selectors = u.selectors.map((s) => s.copy());
    this.refresh();
  }

  refresh(): void {
    const r = this.root;
    this.unrestricted = r.allcommands && r.allkeys && r.allchannels;
  }
}

/** ACLLookupCommand: "name" or "container|sub", case-insensitive. */
function lookup(name: string): Cmd | undefined {
  const [a, b] = name.toLowerCase().split('|');
  const c = table.get(a);
  return b === undefined ? c : c?.subs?.get(b);
}

/** ACLChangeSelectorPerm: a command's bit, and its subcommands' for a container. */
function change_perm(s: Selector, cmd: Cmd, allow: boolean): void {
  const set = (x: Cmd): void => { if (allow) s.allowed.add(x); else { s.allowed.delete(x); s.allcommands = false; } };
  set(cmd);
  s.firstargs.delete(cmd);
  if (cmd.subs) for (const sub of cmd.subs.values()) set(sub);
}

function set_category(s: Selector, name: string, allow: boolean): boolean {
  const bit = category_bit(name);
  if (!bit) return false;
  for (const cmd of table.values()) {
    if (cmd.acl_categories & bit) change_perm(s, cmd, allow);
    if (cmd.subs) for (const sub of cmd.subs.values()) if (sub.acl_categories & bit) change_perm(s, sub, allow);
  }
  return true;
}

const has_space = (s: string): boolean => /[ \0]/.test(s);

/** ACLSetSelector: one rule applied to a selector, or the errno it fails with. */
export function set_selector(s: Selector, op: string): SetErr {
  const lo = op.toLowerCase();
  if (lo === 'allkeys' || op === '~*') { s.allkeys = true; s.patterns = []; }
  else if (lo === 'resetkeys') { s.allkeys = false; s.patterns = []; }
  else if (lo === 'allchannels' || op === '&*') { s.allchannels = true; s.channels = []; }
  else if (lo === 'resetchannels') { s.allchannels = false; s.channels = []; }
  else if (lo === 'allcommands' || lo === '+@all') { for (const c of all_commands()) s.allowed.add(c); s.allcommands = s.future = true; s.firstargs.clear(); }
  else if (lo === 'nocommands' || lo === '-@all') { s.allowed.clear(); s.allcommands = s.future = false; s.firstargs.clear(); }
  else if (op[0] === '~' || op[0] === '%') return add_key_pattern(s, op);
  else if (op[0] === '&') {
    if (s.allchannels) return 'EISDIR';
    if (has_space(op.slice(1))) return 'EINVAL';
    if (!s.channels.includes(op.slice(1))) s.channels.push(op.slice(1));
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    if (!set_category(s, op.slice(2), op[0] === '+')) return 'ENOENT';
  } else if (op[0] === '+') return allow_command(s, op.slice(1));
  else if (op[0] === '-') {
    const cmd = lookup(op.slice(1));
    if (!cmd) return 'ENOENT';
    change_perm(s, cmd, false);
  } else return 'EINVAL';
  return null;
}

function add_key_pattern(s: Selector, op: string): SetErr {
  if (s.allkeys) return 'EEXIST';
  let flags = ACL_ALL, off = 1;
  if (op[0] === '%') {
    flags = 0;
    for (; off < op.length; off++) {
      const ch = op[off].toUpperCase();
      if (ch === 'R' && !(flags & ACL_READ)) flags |= ACL_READ;
      else if (ch === 'W' && !(flags & ACL_WRITE)) flags |= ACL_WRITE;
      else if (op[off] === '~') { off++; break; }
      else return 'EINVAL';
    }
  }
  const pattern = op.slice(off);
  if (has_space(pattern)) return 'EINVAL';
  const old = s.patterns.find((p) => p.pattern === pattern);
  if (old) old.flags |= flags; else s.patterns.push({ pattern, flags });
  s.allkeys = false;
  return null;
}

/** "+cmd", "+container|sub", or the deprecated "+cmd|firstarg". */
function allow_command(s: Selector, name: string): SetErr {
  const bar = name.lastIndexOf('|');
  if (bar < 0) {
    const cmd = lookup(name);
    if (!cmd) return 'ENOENT';
    change_perm(s, cmd, true);
    return null;
  }
  const cmd = lookup(name.slice(0, bar)), sub = name.slice(bar + 1);
  if (!cmd) return 'ENOENT';
  if (cmd.fullname.includes('|')) return 'ECHILD';
  if (!sub) return 'EINVAL';
  if (cmd.subs) {
    const sc = cmd.subs.get(sub.toLowerCase());
    if (!sc) return 'ENOENT';
    change_perm(s, sc, true);
    return null;
  }
  const list = s.firstargs.get(cmd) ?? [];
  if (!list.includes(sub.toLowerCase())) list.push(sub.toLowerCase());
  s.firstargs.set(cmd, list);
  return null;
}

const is_hash = (h: string): boolean => /^[0-9a-f]{64}$/.test(h);

export function hash_password(p: string): string {
  const b = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) b[i] = p.charCodeAt(i);
  return to_hex(sha256(b));
}

/** ACLSetUser: a user-level rule, else a rule of the root selector. */
export function set_user(u: User, op: string): SetErr {
  if (op === '') return null;
  const lo = op.toLowerCase();
  const flag = (on: string, off: string): void => { u.flags.add(on); u.flags.delete(off); };
  if (lo === 'on') flag('on', 'off');
  else if (lo === 'off') flag('off', 'on');
  else if (lo === 'skip-sanitize-payload') flag('skip-sanitize-payload', 'sanitize-payload');
  else if (lo === 'sanitize-payload') flag('sanitize-payload', 'skip-sanitize-payload');
  else if (lo === 'nopass') { u.flags.add('nopass'); u.passwords = []; }
  else if (lo === 'resetpass') { u.flags.delete('nopass'); u.passwords = []; }
  else if (op[0] === '>' || op[0] === '#') {
    const h = op[0] === '>' ? hash_password(op.slice(1)) : op.slice(1);
    if (!is_hash(h)) return 'EBADMSG';
    if (!u.passwords.includes(h)) u.passwords.push(h);
    u.flags.delete('nopass');
  } else if (op[0] === '<' || op[0] === '!') {
    const h = op[0] === '<' ? hash_password(op.slice(1)) : op.slice(1);
    if (!is_hash(h)) return 'EBADMSG';
    const i = u.passwords.indexOf(h);
    if (i < 0) return 'ENODEV';
    u.passwords.splice(i, 1);
  } else if (op[0] === '(' && op[op.length - 1] === ')') return add_selector(u, op);
  else if (lo === 'clearselectors') u.selectors.length = 1;
  else if (lo === 'reset') {
    for (const r of ['resetpass', 'resetkeys', 'resetchannels', 'off', 'sanitize-payload', 'clearselectors', '-@all']) set_user(u, r);
  } else return set_selector(u.root, op);
  return null;
}

/** aclCreateSelectorFromOpSet: "(rule rule …)" as a new selector. */
function add_selector(u: User, op: string): SetErr {
  const s = new Selector();
  for (const r of op.slice(1, -1).split(' ')) {
    if (!r) continue;
    const err = set_selector(s, r);
    if (err) return err;
  }
  u.selectors.push(s);
  return null;
}

/** ACLMergeSelectorArguments: "(a" "b)" become one "(a b)"; null at an unmatched "(". */
export function merge_selector_args(argv: string[]): { args: string[] } | { unmatched: string } {
  const args: string[] = [];
  let open: string | null = null, first = '';
  for (const op of argv) {
    if (open === null && op[0] === '(' && op[op.length - 1] !== ')') { open = first = op; continue; }
    if (open !== null) {
      open += ` ${op}`;
      if (op[op.length - 1] === ')') { args.push(open); open = null; }
      continue;
    }
    args.push(op);
  }
  if (open !== null) return { unmatched: first };
  return { args };
}

export { ACL_CATEGORIES, ACL_READ, ACL_WRITE, ACL_ALL };
