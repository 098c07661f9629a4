/**
 * lighttpd-lite's caches, as lighttpd 1.4's: the stat cache trusts an entry within its second
 * and keeps an fd open per file (steady state: one pread(2) per request, no open, no stat per
 * request), yet a file replaced or rewritten is served anew once the second turns; and
 * mod_authn_file keeps the userfile's parse only while the bytes it reads are the same, so a
 * password changed with the real htpasswd takes effect (and the old one stops working).
 * The changes are made inside privos (/bin/mv, /bin/cp): hostfs caches what it looked up, so a
 * change made behind its back on the host is not what these tests are about.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strace_attach } from '../../../kernel/syscalls/trace.ts';
import { run } from '../../../tools/machine.ts';
import { curl, have, raw, start, statuses, type Running } from './helpers.ts';

let srv: Running;
const url = (p: string): string => `http://127.0.0.1:${srv.port}${p}`;
const t_tools = have('curl') && have('htpasswd') ? test.serial : test.skip;

test.before(async () => { srv = await start(); });
test.after.always(async () => { await srv?.stop(); });

/** Resolves once the wall clock's second differs from the one `since` fell in (the cache's clock). */
async function next_second(since: number): Promise<void> {
  while (Math.floor(Date.now() / 1000) === Math.floor(since / 1000)) await new Promise((r) => setTimeout(r, 50));
}

async function guest(...argv: string[]): Promise<void> {
  const { status } = await run(srv.k, { program: `/bin/${argv[0]}`, argv });
  if (status !== 0) throw new Error(`${argv.join(' ')}: exit ${status}`);
}

t_tools('steady state: the file is opened once and read with one pread per request; no stat per request within a second', async (t) => {
  writeFileSync(join(srv.dir, 'www/steady.txt'), 'steady\n');
  const lines: string[] = [];
  const N = 30;
  const t0 = Date.now();
  const tr = strace_attach(srv.k, (l) => lines.push(l), { expr: 'trace=openat,newfstatat,pread64' });
  let reply = '';
  try {
    reply = await raw(srv.port, 'GET /steady.txt HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(N), { responses: N });
  } finally { if (srv.k.tracer === tr) srv.k.tracer = null; }
  const seconds = Math.floor(Date.now() / 1000) - Math.floor(t0 / 1000) + 1;
  t.is(statuses(reply).filter((s) => s === 'HTTP/1.1 200 OK').length, N);
  const on = (call: string): string[] => lines.filter((l) => l.startsWith(call + '(') && l.includes('/srv/www/steady.txt'));
  t.is(on('openat').length, 1, `one open for ${N} requests: ${on('openat').join(' | ')}`);
  t.true(on('newfstatat').length <= seconds, `a stat per second at most (${on('newfstatat').length} in ${seconds} s)`);
  t.is(lines.filter((l) => l.startsWith('pread64(')).length, N, 'each body is read once, from the kept fd');
});

t_tools('a file replaced by rename, or rewritten in place, is served anew (new body, new ETag) once the second turns', async (t) => {
  const w = join(srv.dir, 'www');
  writeFileSync(join(w, 'c.txt'), 'one\n');
  writeFileSync(join(w, 'c.new'), 'second version\n');
  writeFileSync(join(w, 'c.third'), 'third, in place\n');
  const a = await curl([url('/c.txt')]);
  t.is(a.body, 'one\n');
  let t0 = Date.now();
  await guest('mv', '/srv/www/c.new', '/srv/www/c.txt');
  await next_second(t0);
  const b = await curl([url('/c.txt')]);
  t.is(b.body, 'second version\n');
  t.not(b.headers.etag, a.headers.etag);
  t0 = Date.now();
  await guest('cp', '/srv/www/c.third', '/srv/www/c.txt');
  await next_second(t0);
  const c = await curl([url('/c.txt')]);
  t.is(c.body, 'third, in place\n');
  t.is(c.headers['content-length'], String('third, in place\n'.length));
  t.not(c.headers.etag, b.headers.etag);
});

t_tools('a password changed with htpasswd takes effect, and the old one (verified and kept before) stops working', async (t) => {
  const u = url('/private/s.txt');
  t.is((await curl(['-u', 'alice:wonderland', u])).status, 200);
  t.is((await curl(['-u', 'alice:wonderland', u])).status, 200, 'again, from the kept digest');
  t.is((await curl(['-u', 'alice:nope', u])).status, 401, 'a wrong password never matches the kept digest');
  const t0 = Date.now();
  copyFileSync(join(srv.dir, 'users'), join(srv.dir, 'users.new'));
  execFileSync('htpasswd', ['-b', join(srv.dir, 'users.new'), 'alice', 'looking-glass'], { stdio: 'ignore' });
  await guest('cp', '/srv/users.new', '/srv/users');
  await next_second(t0);
  t.is((await curl(['-u', 'alice:looking-glass', u])).status, 200);
  t.is((await curl(['-u', 'alice:wonderland', u])).status, 401);
  t.is((await curl(['-u', 'bob:builder', u])).status, 200, 'the other users are still read');
});
