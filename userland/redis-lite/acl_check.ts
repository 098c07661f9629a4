/**
 * The user table, the permission checks processCommand and EXEC make (acl.c
 * ACLCheckAllUserCommandPerm, ACLSelectorCheckCmd) and the ACL LOG (addACLLogEntry).
 */
import { ACL_DENIED_CHANNEL, ACL_DENIED_CMD, ACL_DENIED_KEY, ACL_OK, type Selector, set_user, User } from './acl.ts';
import { key_flags } from './acl_keyflags.ts';
import { type Cmd, command_keys } from './commands.ts';
import { stringmatch } from './util.ts';

/** Commands whose arguments are channels (their CMD_CHANNEL_PUBLISH/SUBSCRIBE key specs). */
const CHANNEL_ARGS: Record<string, { first: number; all: boolean; pattern: boolean }> = {
  publish: { first: 1, all: false, pattern: false }, spublish: { first: 1, all: false, pattern: false },
  subscribe: { first: 1, all: true, pattern: false }, ssubscribe: { first: 1, all: true, pattern: false },
  psubscribe: { first: 1, all: true, pattern: true },
};

/** A denial's reason, the command, key or channel denied, and that argument's position. */
export interface AclResult { code: number; object: string; idx: number }

export interface AclLogEntry {
  count: number; reason: number; context: string; object: string; username: string; ctime: number; cinfo: string;
}

/** Entries this close in time with the same reason, context, object and user are one (ACL_LOG_GROUPING_MAX_TIME_DELTA). */
const LOG_GROUPING_MS = 60000;

export class AclState {
  users = new Map<string, User>();
  log: AclLogEntry[] = [];
  readonly default_user: User;

  constructor() {
    const u = new User('default');
    for (const r of ['+@all', '~*', '&*', 'on', 'nopass']) set_user(u, r);
    u.refresh();
    this.users.set('default', u);
    this.default_user = u;
  }

  /** processCommand's auth_required, before the client's own state. */
  get default_needs_auth(): boolean { return !this.default_user.nopass || !this.default_user.enabled; }

  /** ACLCheckUserCredentials. */
  check_credentials(name: string, pass: string, hash: (p: string) => string): boolean {
    const u = this.users.get(name);
    if (!u || !u.enabled) return false;
    return u.nopass || u.passwords.includes(hash(pass));
  }

  add_log(e: Omit<AclLogEntry, 'count'>, max_len: number): void {
    for (let i = 0; i < Math.min(10, this.log.length); i++) {
      const m = this.log[i];
      if (m.reason === e.reason && m.context === e.context && Math.abs(m.ctime - e.ctime) <= LOG_GROUPING_MS && m.object === e.object && m.username === e.username) {
        this.log.splice(i, 1);
        this.log.unshift({ ...m, count: m.count + 1, cinfo: e.cinfo, ctime: e.ctime });
        return;
      }
    }
    this.log.unshift({ ...e, count: 1 });
    if (this.log.length > max_len) this.log.length = max_len;
  }
}

const OK: AclResult = { code: ACL_OK, object: '', idx: 0 };

function key_allowed(s: Selector, key: string, flags: number): boolean {
  for (const p of s.patterns) if ((p.flags & flags) === flags && stringmatch(p.pattern, key)) return true;
  return false;
}

function channel_allowed(list: string[], ch: string, pattern: boolean): boolean {
  for (const p of list) if (pattern ? p === ch : stringmatch(p, ch)) return true;
  return false;
}

/** ACLSelectorCheckCmd: the command bit (or an allowed first argument), then keys, then channels. */
function selector_check(s: Selector, cmd: Cmd, argv: string[], keys: () => string[]): AclResult {
  if (!s.allcommands && !s.allowed.has(cmd) && !cmd.flags.includes('no_auth')) {
    const first = s.firstargs.get(cmd), idx = cmd.fullname.includes('|') ? 2 : 1;
    if (!first || argv.length <= idx || !first.includes(argv[idx].toLowerCase())) return { code: ACL_DENIED_CMD, object: cmd.fullname, idx: 0 };
  }
  if (!s.allkeys) {
    const ks = keys();
    for (let i = 0; i < ks.length; i++) if (!key_allowed(s, ks[i], key_flags(cmd, argv, i))) return { code: ACL_DENIED_KEY, object: ks[i], idx: i + 1 };
  }
  const ch = CHANNEL_ARGS[cmd.name];
  if (!s.allchannels && ch) {
    for (let i = ch.first; i < argv.length; i++) {
      if (!channel_allowed(s.channels, argv[i], ch.pattern)) return { code: ACL_DENIED_CHANNEL, object: argv[i], idx: i };
      if (!ch.all) break;
    }
  }
  return OK;
}

/** ACLCheckAllUserCommandPerm: allowed if any selector allows; else the most relevant denial. */
export function check_command(u: User, cmd: Cmd, argv: string[]): AclResult {
  if (u.unrestricted) return OK;
  let cached: string[] | null = null;
  const keys = (): string[] => (cached ??= command_keys(cmd, argv));
  let worst: AclResult = { code: ACL_DENIED_CMD, object: cmd.fullname, idx: 0 };
  for (const s of u.selectors) {
    const r = selector_check(s, cmd, argv, keys);
    if (r.code === ACL_OK) return r;
    if (r.code > worst.code || (r.code === worst.code && r.idx > worst.idx)) worst = r;
  }
  return worst;
}

/** ACLUserCheckChannelPerm: may u still hold this subscription? */
export function channel_permitted(u: User, ch: string, pattern: boolean): boolean {
  return u.selectors.some((s) => s.allchannels || channel_allowed(s.channels, ch, pattern));
}

/** The NOPERM texts of processCommand for a denial. */
export function noperm_message(r: AclResult): string {
  if (r.code === ACL_DENIED_CMD) return `-NOPERM this user has no permissions to run the '${r.object}' command`;
  if (r.code === ACL_DENIED_KEY) return '-NOPERM this user has no permissions to access one of the keys used as arguments';
  return '-NOPERM this user has no permissions to access one of the channels used as arguments';
}

export const ACL_REASONS: Record<number, string> = { 1: 'command', 2: 'key', 3: 'auth', 4: 'channel' };
