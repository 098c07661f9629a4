/**
 * Keys that move (db.c's *GetKeys and 7.0's key specs, getKeysUsingKeySpecs): commands whose key
 * positions depend on their arguments — a numkeys count, a keyword such as STREAMS or STORE.
 * Each function answers as the key specs would: an invalid count finds no keys at all. These
 * commands report `movablekeys` in COMMAND INFO, as Redis sets CMD_MOVABLE_KEYS for them.
 * ACL key checks and client tracking find their keys here too.
 */
import { type Cmd, table } from './commands.ts';
import { sort_getkeys } from './sort.ts';

type GetKeys = (argv: string[]) => string[];

/** A KSPEC_FK_KEYNUM spec: the count at argv[at], the keys right after it; none when the count is out of range. */
export function keynum(argv: string[], at: number): string[] {
  const s = argv[at];
  if (s === undefined || !/^(0|-?[1-9]\d*)$/.test(s)) return [];
  const n = Number(s);
  return n >= 1 && at + n < argv.length ? argv.slice(at + 1, at + 1 + n) : [];
}

/** KSPEC_BS_KEYWORD: the index after the first `word` at or after `from` (the last argument is never taken as one), or 0. */
function keyword(argv: string[], word: string, from: number): number {
  for (let i = from; i < argv.length - 1; i++) if (argv[i].toLowerCase() === word) return i + 1;
  return 0;
}

/** XREAD/XREADGROUP: after STREAMS, the first half of the remaining arguments. */
function streams_keys(from: number): GetKeys {
  return (argv) => {
    const first = keyword(argv, 'streams', from);
    if (!first) return [];
    return argv.slice(first, first + ((argv.length - first) >> 1));
  };
}

/** GEORADIUS[BYMEMBER]: the key, then STORE's key, then STOREDIST's (each the first found). */
function georadius_keys(from: number): GetKeys {
  return (argv) => {
    const keys = [argv[1]];
    for (const w of ['store', 'storedist']) { const i = keyword(argv, w, from); if (i) keys.push(argv[i]); }
    return keys;
  };
}

/** ZUNIONSTORE and friends: the destination, then numkeys keys. */
const store_keys: GetKeys = (argv) => { const k = keynum(argv, 2); return k.length ? [argv[1], ...k] : []; };

/** Gives cmd its key finder and the movablekeys flag. */
export function set_getkeys(cmd: Cmd, f: GetKeys): void {
  cmd.getkeys = f;
  if (!cmd.flags.includes('movablekeys')) {
    const at = cmd.flags.indexOf('allow_busy'); // the one flag COMMAND INFO lists after movablekeys
    cmd.flags.splice(at < 0 ? cmd.flags.length : at, 0, 'movablekeys');
  }
}

const FINDERS: [string[], GetKeys][] = [
  [['zunionstore', 'zinterstore', 'zdiffstore'], store_keys],
  [['zunion', 'zinter', 'zdiff', 'zintercard', 'sintercard', 'lmpop', 'zmpop'], (argv) => keynum(argv, 1)],
  [['blmpop', 'bzmpop'], (argv) => keynum(argv, 2)],
  [['xread'], streams_keys(1)],
  [['xreadgroup'], streams_keys(4)],
  [['georadius'], georadius_keys(6)],
  [['georadiusbymember'], georadius_keys(5)],
  [['sort', 'sort_ro'], sort_getkeys],
];

/** Gives the movable-key commands their finders; called once every group has registered. */
export function install_getkeys(): void {
  for (const [names, f] of FINDERS) for (const n of names) set_getkeys(table.get(n)!, f);
}
