/**
 * lighttpd-lite under fdcap (seed 003's evaluation): mod_auth's userfile is opened and read only
 * inside an fdcap context entered around the password check. The server still authenticates
 * (curl), and the fd it holds for the userfile is useless outside the check: its raw number and
 * the token both get EBADF — while without fdcap the same raw read succeeds.
 */
import test from 'ava';
import { rmSync } from 'node:fs';
import { boot, capture_console, run } from '../../../tools/machine.ts';
import { load_fdcap } from '../../../kernel/modules/fdcap/load.ts';
import { mount_hostfs } from '../../../kernel/fs/hostfs.ts';
import { curl, have, make_site, start } from './helpers.ts';

const PROBE = new URL('./fdcap_probe.ts', import.meta.url).href;
const EBADF = 9;
const t_tools = have('htpasswd') && have('curl') ? test : test.skip;

async function probe(arch: 'x86_64' | 'arm64', fdcap: boolean): Promise<Record<string, unknown>> {
  const dir = make_site();
  try {
    const cap = capture_console();
    const k = boot({ console: cap.console, arch });
    if (fdcap) await load_fdcap(k, { soft_pac: arch === 'x86_64' });
    mount_hostfs(k, dir, '/srv');
    const { status } = await run(k, { program: PROBE, argv: ['fdcap_probe', '/srv/users'] });
    if (status !== 0) throw new Error(cap.output());
    return JSON.parse(cap.output().trim().split('\n').pop()!) as Record<string, unknown>;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

t_tools('without fdcap the fd mod_auth holds for the userfile is readable by any code of the server', async (t) => {
  const r = await probe('x86_64', false);
  t.like(r, { fdcap: false, good: 'ok', bad: 'badpw', again: 'ok', by_raw: 6, by_held: 6 });
});

for (const arch of ['arm64', 'x86_64'] as const) {
  t_tools(`${arch}${arch === 'x86_64' ? ' (soft PAC)' : ''}: under fdcap auth works, and the userfile's fd is refused outside the check`, async (t) => {
    const r = await probe(arch, true);
    t.like(r, { fdcap: true, good: 'ok', bad: 'badpw', again: 'ok' });
    t.not(r.fd, r.raw_fd, 'the backend holds a token, not the fd');
    t.like(r, { by_raw: -1, raw_errno: EBADF, by_held: -1, held_errno: EBADF, dup_raw: -1 });
  });
}

t_tools('the server under --fdcap (arm64): curl authenticates through the protected check', async (t) => {
  const srv = await start({ arch: 'arm64', fdcap: true });
  try {
    const url = `http://127.0.0.1:${srv.port}/private/s.txt`;
    t.is((await curl(['-u', 'alice:wonderland', url])).body, 'secret\n');
    t.is((await curl(['-u', 'bob:builder', url])).body, 'secret\n');
    t.is((await curl(['-u', 'bob:wrong', url])).status, 401);
    t.is((await curl([`http://127.0.0.1:${srv.port}/a.txt`])).status, 200);
    const before = srv.out().length;
    await run(srv.k, { program: '/bin/cat', argv: ['cat', `/srv/error-${srv.port}.log`] });
    t.regex(srv.out().slice(before), /fdcap: \/srv\/users is read only inside fdcap context \d+/);
    t.notRegex(srv.k.log.text(), /failed authentication/, 'the server itself never used a token outside its context');
  } finally { await srv.stop(); }
});
