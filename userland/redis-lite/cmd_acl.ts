/**
 * ACL and AUTH (acl.c aclCommand, authCommand, ACLAuthenticateUser): users are managed with
 * ACL SETUSER/DELUSER, described with LIST/GETUSER, and checked by processCommand (server.ts).
 * There is no ACL file: LOAD and SAVE answer as a server started without `aclfile`.
 */
import { reply_help } from './help.ts';
import { ACL_DENIED_AUTH, ACL_DENIED_CMD, ACL_DENIED_KEY, hash_password, merge_selector_args, SETUSER_ERR, set_user, User } from './acl.ts';
import { ACL_CATEGORIES, category_bit } from './acl_cat.ts';
import { ACL_REASONS, channel_permitted, check_command } from './acl_check.ts';
import { describe_channels, describe_commands, describe_keys, describe_user } from './acl_describe.ts';
import { client_info } from './clients.ts';
import { get_int } from './cmdutil.ts';
import { random_hex } from './util.ts';
import { all_commands, container, lookup_command, register } from './commands.ts';
import { type Client, CLIENT_CLOSE_AFTER_REPLY, CLIENT_MULTI, CLIENT_PUBSUB } from './networking.ts';
import type { Server } from './server.ts';

export const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.';
const NO_ACLFILE = 'This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

/** addACLLogEntry for c: the object and user default to the command's. */
export function acl_log(c: Client, reason: number, object: string, username = c.user.name, context = c.flags & CLIENT_MULTI ? 'multi' : 'toplevel'): void {
  const srv = c.srv, max = Number(srv.config.other.get('acllog-max-len') ?? 128);
  srv.acl.add_log({ reason, context, object, username, ctime: Date.now(), cinfo: client_info(c) }, max);
}

/** ACLAuthenticateUser: on success the client runs as that user. */
export function authenticate(c: Client, name: string, pass: string): boolean {
  if (c.srv.acl.check_credentials(name, pass, hash_password)) {
    c.user = c.srv.acl.users.get(name)!;
    c.authenticated = true;
    return true;
  }
  acl_log(c, ACL_DENIED_AUTH, c.argv[0], name);
  return false;
}

function auth(c: Client): void {
  if (c.argv.length > 3) { c.reply.error('syntax error'); return; }
  if (c.argv.length === 2 && c.srv.acl.default_user.nopass) {
    c.reply.error('AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    return;
  }
  const [name, pass] = c.argv.length === 2 ? ['default', c.argv[1]] : [c.argv[1], c.argv[2]];
  if (authenticate(c, name, pass)) c.reply.ok(); else c.reply.error(WRONGPASS);
}

/** ACLStringSetUser: the rules are staged on a copy and applied together, or none is. */
function acl_setuser(c: Client): void {
  const name = c.argv[2], srv = c.srv;
  if (/[ \0]/.test(name)) { c.reply.error("Usernames can't contain spaces or null characters"); return; }
  const merged = merge_selector_args(c.argv.slice(3));
  if ('unmatched' in merged) { c.reply.error(`Unmatched parenthesis in acl selector starting at '${merged.unmatched}'.`); return; }
  const old = srv.acl.users.get(name), temp = new User(name);
  if (old) temp.copy_from(old); else temp.selectors[0].allchannels = false;
  for (const op of merged.args) {
    const err = set_user(temp, op);
    if (err) { c.reply.error(`Error in ACL SETUSER modifier '${op}': ${SETUSER_ERR[err]}`); return; }
  }
  temp.refresh();
  if (old) { kill_pubsub_clients_if_needed(srv, old, temp); old.copy_from(temp); } else srv.acl.users.set(name, temp);
  c.reply.ok();
}

/** ACLKillPubsubClientsIfNeeded: subscribers whose channels the new rules no longer allow. */
function kill_pubsub_clients_if_needed(srv: Server, old: User, next: User): void {
  for (const cl of srv.clients.values()) {
    if (cl.user !== old || !(cl.flags & CLIENT_PUBSUB)) continue;
    const ok = [...cl.channels, ...cl.shard_channels].every((ch) => channel_permitted(next, ch, false)) && [...cl.patterns].every((p) => channel_permitted(next, p, true));
    if (!ok) srv.kill_client(cl);
  }
}

function acl_deluser(c: Client): void {
  const names = c.argv.slice(2), srv = c.srv;
  if (names.includes('default')) { c.reply.error("The 'default' user cannot be removed"); return; }
  let deleted = 0;
  for (const n of names) {
    const u = srv.acl.users.get(n);
    if (!u) continue;
    srv.acl.users.delete(n);
    deleted++;
    // ACLFreeUserAndKillClients: its clients go, the caller after this reply.
    for (const cl of srv.clients.values()) {
      if (cl.user !== u) continue;
      cl.set_default_auth(); cl.authenticated = false;
      if (cl === c) cl.flags |= CLIENT_CLOSE_AFTER_REPLY; else srv.kill_client(cl);
    }
  }
  c.reply.int(deleted);
}

function acl_getuser(c: Client): void {
  const u = c.srv.acl.users.get(c.argv[2]);
  if (!u) { c.reply.nil(); return; }
  const r = c.reply, root = u.root;
  r.map(6);
  r.bulk('flags'); r.bulks(u.flag_names(), u.flag_names().length);
  r.bulk('passwords'); r.bulks(u.passwords, u.passwords.length);
  r.bulk('commands'); r.bulk(describe_commands(root));
  r.bulk('keys'); r.bulk(describe_keys(root));
  r.bulk('channels'); r.bulk(describe_channels(root));
  r.bulk('selectors'); r.array(u.selectors.length - 1);
  for (const s of u.selectors.slice(1)) {
    r.map(3);
    r.bulk('commands'); r.bulk(describe_commands(s));
    r.bulk('keys'); r.bulk(describe_keys(s));
    r.bulk('channels'); r.bulk(describe_channels(s));
  }
}

function sorted_users(srv: Server): User[] {
  return [...srv.acl.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function acl_cat(c: Client): void {
  if (c.argv.length === 2) { c.reply.bulks(ACL_CATEGORIES, ACL_CATEGORIES.length); return; }
  const bit = category_bit(c.argv[2]);
  if (!bit) { c.reply.error(`Unknown category '${c.argv[2].slice(0, 128)}'`); return; }
  const names = all_commands().filter((x) => x.acl_categories & bit).map((x) => x.fullname);
  c.reply.bulks(names, names.length);
}

function acl_genpass(c: Client): void {
  let bits = 256;
  if (c.argv.length === 3) { const v = get_int(c, c.argv[2]); if (v === null) return; bits = v; }
  if (bits <= 0 || bits > 4096) { c.reply.error('ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096'); return; }
  c.reply.bulk(random_hex(c.srv.libc, Math.floor((bits + 3) / 4)));
}

function acl_log_cmd(c: Client): void {
  const log = c.srv.acl.log;
  let count = 10;
  if (c.argv.length === 3) {
    if (c.argv[2].toLowerCase() === 'reset') { log.length = 0; c.reply.ok(); return; }
    const v = get_int(c, c.argv[2]);
    if (v === null) return;
    count = Math.max(0, v);
  }
  count = Math.min(count, log.length);
  const r = c.reply, now = Date.now();
  r.array(count);
  for (const e of log.slice(0, count)) {
    r.map(7);
    r.bulk('count'); r.int(e.count);
    r.bulk('reason'); r.bulk(ACL_REASONS[e.reason]);
    r.bulk('context'); r.bulk(e.context);
    r.bulk('object'); r.bulk(e.object);
    r.bulk('username'); r.bulk(e.username);
    r.bulk('age-seconds'); r.double((now - e.ctime) / 1000);
    r.bulk('client-info'); r.bulk(e.cinfo);
  }
}

function acl_dryrun(c: Client): void {
  const u = c.srv.acl.users.get(c.argv[2]);
  if (!u) { c.reply.error(`User '${c.argv[2]}' not found`); return; }
  const argv = c.argv.slice(3), cmd = lookup_command(argv);
  if (typeof cmd === 'string') { c.reply.error(`Command '${argv[0]}' not found`); return; }
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
    c.reply.error(`wrong number of arguments for '${cmd.fullname}' command`);
    return;
  }
  const res = check_command(u, cmd, argv);
  if (res.code === ACL_DENIED_CMD) c.reply.bulk(`This user has no permissions to run the '${cmd.fullname}' command`);
  else if (res.code === ACL_DENIED_KEY) c.reply.bulk(`This user has no permissions to access the '${res.object}' key`);
  else if (res.code) c.reply.bulk(`This user has no permissions to access the '${res.object}' channel`);
  else c.reply.ok();
}


const ADMIN = 'admin noscript loading stale nokeys';
register('connection', [['auth', -2, 'noscript loading stale fast no_auth allow_busy nokeys', auth]]);
register('server', [
  container('server', 'acl', [
    ['setuser', -3, ADMIN, acl_setuser],
    ['deluser', -3, ADMIN, acl_deluser],
    ['getuser', 3, ADMIN, acl_getuser],
    ['list', 2, ADMIN, (c) => { const us = sorted_users(c.srv); c.reply.bulks(us.map((u) => `user ${u.name} ${describe_user(u)}`), us.length); }],
    ['users', 2, ADMIN, (c) => { const us = sorted_users(c.srv); c.reply.bulks(us.map((u) => u.name), us.length); }],
    ['whoami', 2, 'noscript loading stale nokeys', (c) => c.reply.bulk(c.user.name)],
    ['cat', -2, 'noscript loading stale nokeys', acl_cat],
    ['genpass', -2, 'noscript loading stale nokeys', acl_genpass],
    ['log', -2, ADMIN, acl_log_cmd],
    ['dryrun', -4, ADMIN, acl_dryrun],
    ['load', 2, ADMIN, (c) => c.reply.error(NO_ACLFILE)],
    ['save', 2, ADMIN, (c) => c.reply.error(NO_ACLFILE)],
    ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'ACL')],
  ]),
]);
