/**
 * The access log's %u against the real lighttpd 1.4: the same requests, one after another, to
 * both servers; the user field (and the rest of each line but the time) must agree. lighttpd
 * logs the user only when mod_auth accepted it for that request — not for credentials sent to a
 * path outside auth.require, nor for a wrong password. Skipped where lighttpd is absent.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../tools/machine.ts';
import { have, raw, with_native_pair, type Running } from './helpers.ts';

const ALICE = 'Authorization: Basic YWxpY2U6d29uZGVybGFuZA==\r\n'; // alice:wonderland
const BOB_BAD = 'Authorization: Basic Ym9iOmJhZA==\r\n'; // bob:bad
const REQS = [
  `GET /a.txt HTTP/1.1\r\nHost: x\r\n${ALICE}Connection: close\r\n\r\n`,
  `GET /private/s.txt HTTP/1.1\r\nHost: x\r\n${ALICE}Connection: close\r\n\r\n`,
  `GET /private/s.txt HTTP/1.1\r\nHost: x\r\n${BOB_BAD}Connection: close\r\n\r\n`,
  `GET /nope HTTP/1.1\r\nHost: x\r\n${ALICE}Connection: close\r\n\r\n`,
  `GET /private/s.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
];

/** Each log line without its [time] field. */
function lines(s: string): string[] {
  return s.split('\n').filter(Boolean).map((l) => l.replace(/ \[[^\]]*\] /, ' [T] '));
}

function host_lines(file: string): string[] {
  try { return lines(readFileSync(file, 'latin1')); } catch { return []; }
}

/** Native's log once it holds n lines: lighttpd writes a line after its answer has left (bounded wait). */
async function native_log(file: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200 && host_lines(file).length < n; i++) await new Promise((r) => setTimeout(r, 25));
  return host_lines(file);
}

/** lighttpd-lite's log as privos sees it (hostfs writes back to the host on close). */
async function emu_log(emu: Running): Promise<string[]> {
  const before = emu.out().length;
  await run(emu.k, { program: '/bin/cat', argv: ['cat', `/srv/access-${emu.port}.log`] });
  return lines(emu.out().slice(before));
}

const t_native = have('lighttpd') && have('htpasswd') ? test : test.skip;

t_native('the access log names the user only where mod_auth accepted it, as lighttpd 1.4 does', async (t) => {
  await with_native_pair(async (port, emu, dir) => {
    for (const r of REQS) { await raw(port, r); await raw(emu.port, r); }
    const want = await native_log(join(dir, `access-${port}.log`), REQS.length);
    const got = await emu_log(emu);
    t.is(want.length, REQS.length);
    t.deepEqual(got, want);
    t.is(got[0].split(' ')[2], '-', 'no user outside auth.require');
    t.is(got[1].split(' ')[2], 'alice', 'the accepted user inside it');
  });
});
