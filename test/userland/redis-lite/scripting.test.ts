/**
 * Scripting: EVAL/EVALSHA/SCRIPT and FUNCTION/FCALL over redis-lite's Lua 5.1 interpreter,
 * each script's replies asserted and, with a native redis-server installed, byte-identical
 * with it; the interpreter's own semantics (patterns, formats, metatables, closures) through
 * scripts; a runaway script stopped without taking the server down.
 */
import test from 'ava';
import { cli, raw, start_native, start_redis, type Guest } from './helpers.ts';

let g: Guest;
let native: Awaited<ReturnType<typeof start_native>> = null;

test.before(async () => { [g, native] = await Promise.all([start_redis(), start_native()]); });
test.after.always(() => { g?.stop(); native?.proc.kill('SIGKILL'); });

const resp = (...argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

async function run(t: import('ava').ExecutionContext, cmds: string[][]): Promise<string> {
  const data = cmds.map((c) => resp(...c)).join('');
  const got = (await raw(g.port, data)).reply;
  if (native) t.is(got, (await raw(native.port, data)).reply, 'same replies as native redis-server');
  return got;
}

const ev = (script: string, ...rest: string[]): string[] => ['EVAL', script, ...(rest.length ? rest : ['0'])];

test.serial('EVAL converts between RESP and Lua both ways, as Redis 7.0 does', async (t) => {
  const got = await run(t, [
    ['DEL', 's', 'k', 'l'], ['SET', 's', 'abc'], ['RPUSH', 'l', 'a', 'b'],
    ev("return {1, 'two', {3, 'x'}, nil, 5}"), ev('return 3.99'), ev('return true'), ev('return false'),
    ev("return {ok='FINE'}"), ev("return {err='ERR custom'}"), ev("return redis.call('lrange', KEYS[1], 0, -1)", '1', 'l'),
    ev("return redis.call('get', 'nosuchkey')"), ev("return redis.call('set', 'k', 1.5)"), ['GET', 'k'],
    ev("return redis.pcall('incr', 's')"), ev("return #KEYS .. ',' .. #ARGV .. ',' .. ARGV[2]", '2', 'a', 'b', 'c', 'd'),
    ev("return redis.sha1hex('')"), ev("return {redis.status_reply('OK2'), redis.error_reply('E2 foo')}"),
  ]);
  t.true(got.includes('*3\r\n:1\r\n$3\r\ntwo\r\n*2\r\n:3\r\n$1\r\nx\r\n'), 'an array stops at its first nil');
  t.true(got.includes(':3\r\n:1\r\n$-1\r\n+FINE\r\n-ERR custom\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n$-1\r\n+OK\r\n$3\r\n1.5\r\n'));
  t.true(got.includes('-ERR value is not an integer or out of range\r\n$5\r\n2,2,d\r\n$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n'));
});

test.serial('script errors carry Redis 7.0\'s texts, positions and the script\'s SHA', async (t) => {
  const got = await run(t, [
    ['SET', 's', 'abc'], ev('return x'), ev('x = 1'), ev("return redis.call('nosuch')"), ev("return redis.call('get')"),
    ev("return redis.call('incr', 's')"), ev("error('boom')"), ev("error({err='MY custom'})"), ev('return 1 +'),
    ev("return redis.call('subscribe', 'x')"), ev("return redis.call('get', {})"), ['EVALSHA', 'f'.repeat(40), '0'],
    ['EVAL_RO', "return redis.call('set', 'k', 1)", '0'], ev("#!lua flags=no-writes\nreturn redis.call('set', 'k', 1)"),
    ev('#!lua flags=bogus\nreturn 1'), ev('return 1', '-1'), ev('return 1', '5', 'a'), ['SCRIPT', 'KILL'],
  ]);
  const errs = got.split('\r\n').filter((l) => l.startsWith('-'));
  t.is(errs.length, 17);
  t.regex(errs[0], /^-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: [0-9a-f]{40}, on @user_script:1\.$/);
  t.regex(errs[1], /^-ERR user_script:1: Attempt to modify a readonly table script: /);
  t.regex(errs[4], /^-ERR value is not an integer or out of range script: [0-9a-f]{40}, on @user_script:1\.$/);
  t.is(errs[7], "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'");
  t.is(errs[10], '-NOSCRIPT No matching script. Please use EVAL.');
  t.regex(errs[12], /^-ERR Write commands are not allowed from read-only scripts\. script: [0-9a-f]{40}, on @user_script:2\.$/);
  t.is(errs[16], '-NOTBUSY No scripts in execution right now.');
});

test.serial('the Lua library: patterns, string.format, tostring, metatables, closures, cjson, cmsgpack, bit', async (t) => {
  const got = await run(t, [
    ev('return {string.match("key:123", "(%a+):(%d+)")}'), ev('return {string.gsub("hello world", "o+", "0")}'),
    ev('local o = {} for w in string.gmatch("one two  three", "%a+") do o[#o+1] = w end return table.concat(o, "|")'),
    ev('return string.format("%d|%5.2f|%x|%q|%s|%g|%-4s|", 42, 3.14159, 255, "a\\nb", 12, 0.1, "x")'),
    ev('return string.format("%s", nil)'), ev('local t = {} return t.x .. "y"'),
    ev('return tostring(0.1 + 0.2) .. " " .. tostring(1e100) .. " " .. 10 / 4 .. " " .. 2^53'),
    ev('local mt = {__index = function(t, k) return k .. "!" end, __add = function(a, b) return 7 end} local t = setmetatable({}, mt) return {t.foo, t + 1}'),
    ev('local function counter() local n = 0 return function() n = n + 1 return n end end local c = counter() c() c() return c()'),
    ev('local ok, e = pcall(function() error({code = 5}) end) return {tostring(ok), e.code}'),
    ev('return cjson.encode({1, 2, {a = "x\\"y"}}) .. tostring(cjson.decode("[10,{\\"b\\":[true]}]")[2].b[1])'),
    ev('local p = cmsgpack.pack({1, 2, 3}, "str", -200, 70000, 1.5) local a, b, c, d, e = cmsgpack.unpack(p) return {#p, a[3], b, c, d, tostring(e)}'),
    ev('return {bit.band(0xff, 0x0f), bit.tohex(255), bit.bxor(5, 3), bit.lshift(1, 31)}'),
    ev('local t = {5, 2, 8, 1} table.sort(t, function(a, b) return a > b end) return t'),
    ev('return {math.floor(-3.5), math.max(1, 9, 3), select("#", 1, nil, 3), tonumber("0x1F"), tonumber("z", 36)}'),
    ev('local t = {} for i = 10, 1, -3 do t[#t + 1] = i end local s = 0 repeat s = s + 1 until s > 3 return {unpack(t)}'),
  ]);
  for (const want of ['$3\r\nkey\r\n$3\r\n123\r\n', '$11\r\nhell0 w0rld\r\n:2\r\n', '$13\r\none|two|three\r\n', '$4\r\nfoo!\r\n:7\r\n', ':3\r\n', ':5\r\n',
    '[1,2,{"a":"x\\"y"}]true', ':15\r\n$8\r\n000000ff\r\n:6\r\n:-2147483648\r\n', ':8\r\n:5\r\n:2\r\n:1\r\n', ':-4\r\n:9\r\n:3\r\n:31\r\n:35\r\n', ':10\r\n:7\r\n:4\r\n:1\r\n']) {
    t.true(got.includes(want), JSON.stringify(want));
  }
  t.true(got.includes('42| 3.14|ff|"a\\\nb"|12|0.1|x   |'), 'string.format');
  t.regex(got, /-ERR user_script:1: bad argument #2 to 'format' \(string expected, got nil\) script: /);
  t.regex(got, /-ERR user_script:1: attempt to concatenate field 'x' \(a nil value\) script: /);
  t.true(got.includes('0.3 1e+100 2.5 9.007199254741e+15'), 'numbers print as %.14g');
});

test.serial('FUNCTION LOAD registers a library; FCALL/FCALL_RO run its functions', async (t) => {
  const lib = "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return keys[1] .. args[1] end)\n" +
    "redis.register_function{function_name='f2', callback=function() return redis.call('set', 'x', '1') end, flags={'no-writes'}}";
  const got = await run(t, [
    ['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', lib], ['FCALL', 'f1', '1', 'a', 'b'], ['FCALL', 'F1', '1', 'c', 'd'],
    ['FCALL_RO', 'f1', '1', 'a', 'b'], ['FCALL', 'f2', '0'], ['FCALL', 'nosuch', '0'], ['FUNCTION', 'LOAD', lib],
    ['FUNCTION', 'LOAD', 'return 1'], ['FUNCTION', 'LOAD', '#!lua name=lib2\nreturn 1'],
    ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.call('ping')"], ['FUNCTION', 'DELETE', 'nolib'], ['FUNCTION', 'DELETE', 'mylib'],
    ['FCALL', 'f1', '0'], ['FUNCTION', 'STATS'],
  ]);
  t.true(got.startsWith('+OK\r\n$5\r\nmylib\r\n$2\r\nab\r\n$2\r\ncd\r\n-ERR Can not execute a script with write flag using *_ro command.\r\n'));
  t.regex(got, /-ERR Write commands are not allowed from read-only scripts\. script: f2, on @user_function:3\.\r\n-ERR Function not found\r\n-ERR Library 'mylib' already exists\r\n-ERR Missing library metadata\r\n-ERR No functions registered\r\n/);
  t.true(got.includes("-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'\r\n-ERR Library not found\r\n+OK\r\n-ERR Function not found\r\n"));
});

test.serial('a runaway script is stopped at privos\'s watchdog bound and the server lives on', async (t) => {
  const r = await cli(g.port, 'eval', 'while true do end', '0');
  t.regex(r, /^ERR Script killed: it ran past privos's watchdog bound/);
  // pcall cannot catch it, as it cannot catch a killed script in Redis.
  t.regex(await cli(g.port, 'eval', "local ok = pcall(function() while true do end end) return 'caught'", '0'), /^ERR Script killed/);
  t.is(await cli(g.port, 'ping'), 'PONG\n');
  t.is(await cli(g.port, 'eval', 'local n = 0 for i = 1, 100000 do n = n + i end return n', '0'), '5000050000\n');
});

test.serial('the parser and redis.* helpers answer as Redis 7.0: chunk names, check_match, binary chunks, error_reply forms', async (t) => {
  const got = await run(t, [
    ['DEL', 'myset'], ['SADD', 'myset', 'b', 'aa', 'c', 'a', 'azz'],
    ev("local f, e = loadstring('x = ') return e"), ev("local f, e = loadstring('local 1') return e"),
    ev("local f, e = loadstring('x = \"abc') return e"), ev("local f, e = loadstring('line1\\nline2 +') return e"),
    ev("local f, e = loadstring('function f()\\nreturn 1\\n') return e"), ev("local f, e = loadstring('x = f(1,\\n2') return e"),
    ev("local f, e = loadstring(string.dump(function() return 1 end)) return e"),
    ev('return loadstring(string.dump(function() return 1 end))()'),
    ev("return redis.error_reply('')"), ev("return redis.error_reply('oops')"), ev("return redis.error_reply('-MY x')"),
    ev('return redis.status_reply(1)'), ev("return redis.call('cluster', 'reset')"), ev("return redis.call('sort', KEYS[1], 'by', '_')", '1', 'myset'),
  ]);
  const lines = got.split('\r\n');
  for (const want of [
    '[string "x = "]:1: unexpected symbol near \'<eof>\'', '[string "local 1"]:1: \'<name>\' expected near \'1\'',
    '[string "x = "abc"]:1: unfinished string near \'<eof>\'', '[string "line1..."]:2: \'=\' expected near \'line2\'',
    '[string "function f()..."]:3: \'end\' expected (to close \'function\' at line 1) near \'<eof>\'',
    '[string "x = f(1,..."]:2: \')\' expected (to close \'(\' at line 1) near \'<eof>\'',
    '[string "\x1bLuaQ"]:1: unexpected symbol near \'char(27)\'',
    '-ERR ', '-ERR oops', '-MY x', '-ERR wrong number or type of arguments',
  ]) t.true(lines.includes(want), want);
  t.regex(got, /-ERR user_script:1: attempt to call a nil value script: /);
  t.regex(got, /-ERR This Redis command is not allowed from script script: /);
  t.true(got.endsWith('*5\r\n$1\r\na\r\n$2\r\naa\r\n$3\r\nazz\r\n$1\r\nb\r\n$1\r\nc\r\n'), 'a set SORTed BY a constant in a script comes out ALPHA-sorted');
});

/** INFO errorstats/commandstats lines of interest, as name=value text. */
async function stats(port: number): Promise<string> {
  const info = (await raw(port, resp('INFO', 'errorstats') + resp('INFO', 'stats') + resp('INFO', 'commandstats'))).reply;
  return info.split('\r\n').filter((l) => /^(errorstat_|total_error_replies|cmdstat_(select|set|eval|eval_ro):)/.test(l))
    .map((l) => l.replace(/usec=[^,]*,usec_per_call=[^,]*,/, '')).sort().join(' ');
}

test.serial('a script\'s errors are counted once, where they arose; scripts meet maxmemory as Redis 7.0\'s do', async (t) => {
  const cases: [string[], string][] = [
    [ev("return redis.call('select', 99)"), 'cmdstat_eval:calls=1,rejected_calls=0,failed_calls=1 cmdstat_select:calls=1,rejected_calls=0,failed_calls=1 errorstat_ERR:count=1 total_error_replies:1'],
    [ev("return redis.pcall('select', 99)['err']"), 'cmdstat_eval:calls=1,rejected_calls=0,failed_calls=0 cmdstat_select:calls=1,rejected_calls=0,failed_calls=1 errorstat_ERR:count=1 total_error_replies:1'],
    [['EVAL_RO', "return redis.pcall('set', 'x', 'y')['err']", '1', 'x'], 'cmdstat_eval_ro:calls=1,rejected_calls=0,failed_calls=0 cmdstat_set:calls=0,rejected_calls=1,failed_calls=0 errorstat_ERR:count=1 total_error_replies:1'],
    [ev("return redis.error_reply('MY x')"), 'cmdstat_eval:calls=1,rejected_calls=0,failed_calls=1 errorstat_MY:count=1 total_error_replies:1'],
  ];
  for (const port of [g.port, ...(native ? [native.port] : [])]) {
    for (const [cmd, want] of cases) {
      await raw(port, resp('CONFIG', 'RESETSTAT') + resp(...cmd));
      t.is(await stats(port), want, `${port}: ${cmd.join(' ')}`);
    }
  }
  const got = await run(t, [
    ['CONFIG', 'SET', 'maxmemory', '1'], ev("return redis.call('set', 'x', 'y')", '1', 'x'), ev('#!lua\nreturn 1'),
    ev("#!lua flags=allow-oom\nreturn redis.call('set', 'x', 'y')", '1', 'x'), ev('#!lua flags=no-writes\nreturn 2'),
    ev("redis.call('del', 'x') return redis.call('set', 'x', 'y')", '1', 'x'), ['CONFIG', 'SET', 'maxmemory', '0'],
  ]);
  const lines = got.split('\r\n');
  t.regex(lines[1], /^-OOM command not allowed when used memory > 'maxmemory'\. script: [0-9a-f]{40}, on @user_script:1\.$/, 'the first write of a script started over maxmemory');
  t.is(lines[2], "-OOM command not allowed when used memory > 'maxmemory'.", 'a script declaring writes is refused before it runs');
  t.deepEqual(lines.slice(3, 6), ['+OK', ':2', '+OK'], 'allow-oom, no-writes, and a write after the script already wrote');
});

test.serial('closures made in a loop each keep their iteration\'s variables (fresh upvalues), shared with the code still running there', async (t) => {
  const got = await run(t, [
    ev('local fs = {} for i = 1, 3 do fs[i] = function() return i end end return {fs[1](), fs[2](), fs[3]()}'),
    ev('local fs = {} for i = 1, 3 do local x = i fs[i] = function() return x end x = x * 10 end return {fs[1](), fs[2](), fs[3]()}'),
    ev("local fs = {} for _, v in ipairs({'a', 'b'}) do fs[#fs + 1] = function() return v end end return {fs[1](), fs[2]()}"),
    ev('local fs, i = {}, 0 repeat local k = i i = i + 1 fs[i] = function() k = k + 100 return k end until k >= 2 return {fs[1](), fs[1](), fs[3]()}'),
    ev('local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end return fact(10)'),
  ]);
  t.is(got, '*3\r\n:1\r\n:2\r\n:3\r\n*3\r\n:10\r\n:20\r\n:30\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*3\r\n:100\r\n:200\r\n:102\r\n:3628800\r\n');
});
