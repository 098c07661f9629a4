/**
 * ACL and AUTH: rules, descriptions, NOAUTH/NOPERM, the ACL LOG and DRYRUN, as Redis 7.0.15
 * answers them. Each script runs on one connection of redis-lite; the expected replies are
 * asserted and, when a native redis-server is installed, it must give the same bytes.
 */
import test from 'ava';
import { raw, start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

const resp = (...argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

/** Runs cmds on redis-lite (and native) and returns lite's replies after checking they agree. */
async function run(t: import('ava').ExecutionContext, cmds: string[][]): Promise<string> {
  const data = cmds.map((c) => resp(...c)).join('');
  const got = (await raw(g.port, data)).reply;
  if (native) t.is(got, (await raw(native.port, data)).reply, 'same replies as native redis-server');
  return got;
}

const PW_HASH = '30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4'; // sha256("pw")

test.serial('ACL LIST describes users from their command bitmap, whatever the order of the rules', async (t) => {
  const cases: [string[], string][] = [
    [['on', '>pw', '~x*', '&ch*', '-@all', '+set', '+get', '-get', '+@string', '-@string', '+@hash', '-hset'], `user t on sanitize-payload #${PW_HASH} ~x* resetchannels &ch* -@all +@hash -hset`],
    [['+@hash', '+@string', '-@hash'], 'user t off sanitize-payload resetchannels -@all +@string'],
    [['+get', '+@string'], 'user t off sanitize-payload resetchannels -@all +@string'],
    [['+@all', '-@dangerous'], 'user t off sanitize-payload resetchannels +@all -@dangerous'],
    [['+@all', '-@keyspace', '+del'], 'user t off sanitize-payload resetchannels +@all -@keyspace +del'],
    [['-@all', '+@read', '-@write'], 'user t off sanitize-payload resetchannels -@all +@read'],
    [['+select|0', '+select|1'], 'user t off sanitize-payload resetchannels -@all +select|0 +select|1'],
    [['%R~r*', '%W~w*', '~rw*', 'allchannels'], 'user t off sanitize-payload %R~r* %W~w* ~rw* &* -@all'],
    [['(~z*', '+get)', '(+set ~a*)'], 'user t off sanitize-payload resetchannels -@all (~z* resetchannels -@all +get) (~a* resetchannels -@all +set)'],
  ];
  const got = await run(t, cases.flatMap(([rules]) => [['ACL', 'SETUSER', 't', 'reset', ...rules], ['ACL', 'LIST'], ['ACL', 'DELUSER', 't']]));
  for (const [rules, want] of cases) t.true(got.includes(bulk(want)), `${rules.join(' ')} → ${want}`);
});

test.serial('SETUSER errors name the modifier, apply nothing, and keep Redis\'s texts', async (t) => {
  const got = await run(t, [
    ['ACL', 'SETUSER', 'e', 'on', 'bogus'], ['ACL', 'SETUSER', 'e', '+nosuchcmd'], ['ACL', 'SETUSER', 'e', '#abc'],
    ['ACL', 'SETUSER', 'e', '<nopw'], ['ACL', 'SETUSER', 'e', '~*', '~k*'], ['ACL', 'SETUSER', 'e', '&*', '&c'],
    ['ACL', 'SETUSER', 'e', '(+get'], ['ACL', 'SETUSER', 'e', '+client|id|x'], ['ACL', 'SETUSER', 'a b'],
    ['ACL', 'GETUSER', 'e'], ['ACL', 'DELUSER', 'default'], ['ACL', 'CAT', 'nosuch'], ['ACL', 'SAVE'],
  ]);
  const errs = got.split('\r\n').filter((l) => l.startsWith('-'));
  t.deepEqual(errs, [
    "-ERR Error in ACL SETUSER modifier 'bogus': Syntax error",
    "-ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL",
    "-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
    "-ERR Error in ACL SETUSER modifier '<nopw': The password you are trying to remove from the user does not exist",
    "-ERR Error in ACL SETUSER modifier '~k*': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
    "-ERR Error in ACL SETUSER modifier '&c': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
    "-ERR Unmatched parenthesis in acl selector starting at '(+get'.",
    "-ERR Error in ACL SETUSER modifier '+client|id|x': Allowing first-arg of a subcommand is not supported",
    "-ERR Usernames can't contain spaces or null characters",
    "-ERR The 'default' user cannot be removed",
    "-ERR Unknown category 'nosuch'",
    '-ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
  ]);
  t.true(got.includes('*-1\r\n') || got.includes('$-1\r\n'), 'the failed SETUSERs created no user');
});

test.serial('a restricted user is refused commands, keys and channels outside its rules; the default user is not', async (t) => {
  const got = await run(t, [
    ['ACL', 'SETUSER', 'u1', 'on', '>pw', '~x*', '%R~r*', '&ch*', '-@all', '+set', '+get', '+publish', '+copy', '+acl|whoami'],
    ['SET', 'y1', 'secret'], ['SET', 'r1', 'v'],
    ['AUTH', 'u1', 'bad'], ['AUTH', 'u1', 'pw'], ['ACL', 'WHOAMI'],
    ['SET', 'x1', 'a'], ['GET', 'y1'], ['INCR', 'x1'], ['PUBLISH', 'other', 'm'], ['PUBLISH', 'ch1', 'm'],
    ['GET', 'r1'], ['SET', 'r1', 'w'], ['COPY', 'r1', 'x2'], ['COPY', 'x1', 'r2'],
    ['MULTI'], ['GET', 'x1'], ['GET', 'y1'], ['EXEC'],
    ['RESET'], ['ACL', 'WHOAMI'], ['GET', 'y1'],
    ['ACL', 'DRYRUN', 'u1', 'GET', 'y1'], ['ACL', 'DRYRUN', 'u1', 'INCR', 'x1'], ['ACL', 'DRYRUN', 'u1', 'PUBLISH', 'zz', 'm'],
    ['ACL', 'DRYRUN', 'u1', 'GET', 'x1'], ['ACL', 'DRYRUN', 'nobody', 'GET', 'x'],
    ['ACL', 'DELUSER', 'u1', 'nobody'], ['DEL', 'x1', 'y1', 'r1', 'x2'],
  ]);
  t.is(got, [
    '+OK\r\n', '+OK\r\n', '+OK\r\n',
    '-WRONGPASS invalid username-password pair or user is disabled.\r\n', '+OK\r\n', bulk('u1'),
    '+OK\r\n', '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n',
    "-NOPERM this user has no permissions to run the 'incr' command\r\n",
    '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n', ':0\r\n',
    bulk('v'), '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n', ':1\r\n',
    '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n',
    "-NOPERM this user has no permissions to run the 'multi' command\r\n", bulk('a'),
    '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n',
    "-EXECABORT Transaction discarded because of: NOPERM this user has no permissions to run the 'exec' command\r\n",
    '+RESET\r\n', bulk('default'), bulk('secret'),
    bulk("This user has no permissions to access the 'y1' key"), bulk("This user has no permissions to run the 'incr' command"),
    bulk("This user has no permissions to access the 'zz' channel"), '+OK\r\n', "-ERR User 'nobody' not found\r\n",
    ':1\r\n', ':4\r\n',
  ].join(''));
});

test.serial('requirepass: NOAUTH until AUTH, HELLO AUTH, and the ACL LOG of failures', async (t) => {
  const got = await run(t, [
    ['ACL', 'LOG', 'RESET'], ['AUTH', 'x'], ['CONFIG', 'SET', 'requirepass', 'foo'], ['RESET'],
    ['PING'], ['HELLO', '2'], ['AUTH', 'bar'], ['HELLO', '2', 'AUTH', 'default', 'bar'], ['QUIT', 'now'],
  ]);
  t.is(got, [
    '+OK\r\n',
    '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    '+OK\r\n', '+RESET\r\n', '-NOAUTH Authentication required.\r\n',
    '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
    '-WRONGPASS invalid username-password pair or user is disabled.\r\n', '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    '+OK\r\n',
  ].join(''));
  // The log's age and client-info differ from run to run: only redis-lite's reply is checked.
  const data = [['AUTH', 'foo'], ['ACL', 'LOG', '1'], ['CONFIG', 'SET', 'requirepass', ''], ['ACL', 'LIST']].map((c) => resp(...c)).join('');
  const after = (await raw(g.port, data)).reply;
  if (native) await raw(native.port, data);
  t.regex(after, /^\+OK\r\n\*1\r\n\*14\r\n\$5\r\ncount\r\n:1\r\n\$6\r\nreason\r\n\$4\r\nauth\r\n\$7\r\ncontext\r\n\$8\r\ntoplevel\r\n\$6\r\nobject\r\n\$5\r\nHELLO\r\n\$8\r\nusername\r\n\$7\r\ndefault\r\n/i);
  t.true(after.endsWith(`+OK\r\n*1\r\n${bulk('user default on nopass ~* &* +@all')}`));
});

test.serial('key patterns bind commands whose keys follow numkeys or a keyword (ZUNION, XREAD STREAMS, LMPOP, SORT … STORE, GEORADIUS STORE)', async (t) => {
  const NOKEY = '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n';
  const got = await run(t, [
    ['ACL', 'SETUSER', 'u2', 'on', '>pw', '~pub*', '+@all'], ['ZADD', 'secret', '1', 's'], ['ZADD', 'pubz', '1', 'p'],
    ['AUTH', 'u2', 'pw'],
    ['ZUNION', '1', 'secret'], ['ZUNION', '2', 'pubz', 'secret'], ['ZINTERCARD', '1', 'secret'], ['XREAD', 'STREAMS', 'secret', '0'],
    ['LMPOP', '1', 'secret', 'LEFT'], ['SORT', 'pubz', 'STORE', 'secret'], ['GEORADIUS', 'pubg', '0', '0', '1', 'km', 'STORE', 'secret'],
    ['ZUNION', '1', 'pubz'],
    ['RESET'], ['ACL', 'DELUSER', 'u2'], ['DEL', 'secret', 'pubz'],
  ]);
  t.is(got, ['+OK\r\n', ':1\r\n', ':1\r\n', '+OK\r\n', NOKEY, NOKEY, NOKEY, NOKEY, NOKEY, NOKEY, NOKEY, `*1\r\n${bulk('p')}`,
    '+RESET\r\n', ':1\r\n', ':2\r\n'].join(''), 'each refused: the key outside ~pub* is found where it moved to');
});
