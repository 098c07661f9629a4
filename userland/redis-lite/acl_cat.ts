/**
 * ACL command categories (acl.c's ACLCommandCategories and server.c's
 * setImplicitACLCategories): a command's categories are its group's, those its flags imply,
 * and the few Redis declares explicitly in its command JSON (dangerous ones, SORT's types).
 */
import type { Cmd } from './commands.ts';

/** In Redis's order: ACL CAT lists them so, and ACL LIST's description tries them so. */
export const ACL_CATEGORIES = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting'];

const GROUP_CATEGORY: Record<string, string> = {
  keyspace: 'keyspace', string: 'string', list: 'list', hash: 'hash', set: 'set', 'sorted-set': 'sortedset',
  stream: 'stream', bitmap: 'bitmap', hyperloglog: 'hyperloglog', geo: 'geo', pubsub: 'pubsub',
  transactions: 'transaction', scripting: 'scripting', connection: 'connection',
};

/** Commands whose declared categories are not their group's (src/commands/*.json). */
const DECLARED: Record<string, string> = {
  flushall: 'keyspace dangerous', flushdb: 'keyspace dangerous', keys: 'keyspace dangerous',
  restore: 'keyspace dangerous', 'restore-asking': 'keyspace dangerous', role: 'admin dangerous', swapdb: 'keyspace dangerous', info: 'dangerous', lastsave: 'admin dangerous',
  sort: 'set sortedset list dangerous', sort_ro: 'set sortedset list dangerous', select: 'connection',
  hscan: 'hash', sscan: 'set', zscan: 'sortedset', command: 'connection', 'pubsub|help': '',
};

export function category_bit(name: string): number {
  const i = ACL_CATEGORIES.indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

/** The category bits of cmd; a container (CONFIG, CLIENT, …) is only @slow, as in Redis. */
export function command_categories(cmd: Cmd): number {
  const fl = cmd.flags, parent = cmd.fullname.split('|')[0];
  let names: string[];
  if (cmd.subs) names = (DECLARED[cmd.fullname] ?? '').split(' '); // a container is @slow, and COMMAND @connection too
  else names = (DECLARED[cmd.fullname] ?? DECLARED[parent] ?? GROUP_CATEGORY[cmd.group] ?? '').split(' ');
  if (fl.includes('write')) names.push('write');
  if (fl.includes('readonly') && !names.includes('scripting')) names.push('read');
  if (fl.includes('admin')) names.push('admin', 'dangerous');
  if (fl.includes('pubsub')) names.push('pubsub');
  if (fl.includes('blocking')) names.push('blocking');
  names.push(fl.includes('fast') ? 'fast' : 'slow');
  let bits = 0;
  for (const n of names) bits |= category_bit(n);
  return bits;
}

/** The category names of bits, in Redis's order (COMMAND INFO's ACL categories). */
export function category_names(bits: number): string[] {
  return ACL_CATEGORIES.filter((_, i) => bits & (1 << i));
}
