/**
 * What a command does to each of its keys, for %R~ / %W~ patterns: Redis 7 derives it from
 * the key specs' ACCESS (read the value: R) and INSERT/DELETE/UPDATE (W) flags
 * (acl.c ACLSelectorCheckKey; src/commands/*.json). By default a read-only command reads
 * (R) and a write command only writes (W); the tables below hold the commands whose keys
 * differ — those that read what they change, and source/destination pairs.
 */
import { ACL_ALL, ACL_READ, ACL_WRITE } from './acl.ts';
import type { Cmd } from './commands.ts';

/** Write commands whose keys are "RW access": the value is read and changed. */
const READ_WRITE = new Set(['incr', 'incrby', 'decr', 'decrby', 'incrbyfloat', 'append', 'getset', 'getdel', 'getex',
  'setbit', 'lpop', 'rpop', 'blpop', 'brpop', 'lmpop', 'blmpop', 'spop', 'zpopmin', 'zpopmax', 'bzpopmin', 'bzpopmax',
  'zmpop', 'bzmpop', 'hincrby', 'hincrbyfloat', 'zincrby', 'pfadd', 'pfcount', 'xautoclaim', 'xclaim', 'xreadgroup',
  'restore', 'restore-asking', 'getrange']);

/** Keys in order: the first is read and changed or only read, the rest destinations or sources. */
const BY_POSITION: Record<string, number[]> = {
  copy: [ACL_READ, ACL_WRITE], rename: [ACL_ALL, ACL_WRITE], renamenx: [ACL_ALL, ACL_WRITE],
  smove: [ACL_ALL, ACL_WRITE], lmove: [ACL_ALL, ACL_WRITE], blmove: [ACL_ALL, ACL_WRITE],
  rpoplpush: [ACL_ALL, ACL_WRITE], brpoplpush: [ACL_ALL, ACL_WRITE], zrangestore: [ACL_WRITE, ACL_READ],
  geosearchstore: [ACL_WRITE, ACL_READ],
};

/** Commands whose first key is a destination and the others sources. */
const STORE = new Set(['sinterstore', 'sunionstore', 'sdiffstore', 'zunionstore', 'zinterstore', 'zdiffstore', 'bitop']);

/** The ACL_READ/ACL_WRITE bits the key at index i of command_keys(cmd, argv) needs. */
export function key_flags(cmd: Cmd, argv: string[], i: number): number {
  const name = cmd.name;
  if (name === 'set') return argv.some((a, j) => j > 2 && a.toLowerCase() === 'get') ? ACL_ALL : ACL_WRITE;
  if (name === 'bitfield') return bitfield_flags(argv);
  if (name === 'pfmerge') return i === 0 ? ACL_ALL : ACL_READ;
  if (STORE.has(name)) return i === 0 ? ACL_WRITE : ACL_READ;
  const pos = BY_POSITION[name];
  if (pos) return pos[Math.min(i, pos.length - 1)];
  if (!cmd.write) return cmd.flags.includes('readonly') ? ACL_READ : 0;
  return READ_WRITE.has(name) ? ACL_ALL : ACL_WRITE;
}

/** BITFIELD reads with GET and writes with SET/INCRBY (bitfieldGetKeys). */
function bitfield_flags(argv: string[]): number {
  let f = 0;
  for (let j = 2; j < argv.length; j++) {
    const op = argv[j].toLowerCase();
    if (op === 'get') f |= ACL_READ;
    else if (op === 'set' || op === 'incrby') f |= ACL_ALL;
  }
  return f || ACL_READ;
}
