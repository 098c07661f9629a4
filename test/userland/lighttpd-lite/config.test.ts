/**
 * lighttpd-lite's configuration handling next to lighttpd 1.4's: `-t` says "Syntax OK", an
 * unknown key is a warning, a malformed line is an error naming its line (and position) as
 * lighttpd reports it, and startup fails with status 255. Where the real lighttpd is installed,
 * each message is also checked against what it prints for the same file.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, capture_console, run } from '../../../tools/machine.ts';
import { mount_hostfs } from '../../../kernel/fs/hostfs.ts';
import { have } from './helpers.ts';

const CASES: [string, string, RegExp][] = [
  ['syntax', 'server.port = 8080\nserver.document-root = "/tmp"\n# a comment\nvar.x = "/a"\n$HTTP["url"] =~ "^/x" {\n  dir-listing.activate = "enable"\n}\nindex-file.names = ( "index.html", var.x + ".htm" )\n', /^Syntax OK\n$/],
  ['unknown', 'server.port = 8080\nserver.document-root = "/tmp"\nserver.bogus = 1\n', /WARNING: unknown config-key: server\.bogus \(ignored\)/],
  // A module's keys are unknown unless the module is loaded (mod_access here).
  ['nomodule', 'server.port = 8080\nserver.document-root = "/tmp"\nurl.access-deny = ("~")\n', /WARNING: unknown config-key: url\.access-deny \(ignored\)/],
  ['authn', 'server.modules = ("mod_auth")\nserver.port = 8080\nserver.document-root = "/tmp"\nauth.backend = "htpasswd"\nauth.backend.htpasswd.userfile = "/tmp/u"\n', /please add "mod_authn_file" to server\.modules/],
  ['eol', 'server.port = 8080\nserver.document-root = "/tmp"\nserver.port = \n', /source: CONF line: 4 pos: 0 parser failed somehow near here: \(EOL\)/],
  ['quote', 'server.port = 8080\n\nserver.document-root = "/tmp\n', /source: CONF line: 3 pos: 23 missing closing quote/],
  ['type', 'server.port = "abc"\nserver.document-root = "/tmp"\n', /got a string but expected a short: server\.port abc/],
  ['brace', 'server.document-root = "/tmp"\n$HTTP["url"] =~ "^/x" {\n', /source: CONF line: 3 pos: 0 parser failed somehow near here: \(EOL\)/],
  ['noroot', 'server.port = 8080\n', /server\.document-root is not set/],
];

/** Runs `lighttpd-lite -t|-tt -f /srv/NAME.conf` in privos; [exit status, console output]. */
async function privos_t(dir: string, name: string, flag: string): Promise<[number, string]> {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  mount_hostfs(k, dir, '/srv');
  const { status } = await run(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', flag, '-f', `/srv/${name}.conf`] });
  return [status, cap.output().replaceAll(`/srv/${name}.conf`, 'CONF')];
}

function native_t(dir: string, name: string, flag: string): Promise<[number, string]> {
  return new Promise((res) => execFile('lighttpd', [flag, '-f', `${name}.conf`], { cwd: dir }, (e, so, se) =>
    res([e ? (e.code as number) : 0, (so + se).replaceAll(`${name}.conf`, 'CONF')])));
}

test('-t / -tt: Syntax OK, warnings, and errors with lighttpd\'s line and position (and its exit status)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lighttpd-conf-'));
  try {
    for (const [name, src, want] of CASES) {
      writeFileSync(join(dir, `${name}.conf`), src);
      // -t is lighttpd's syntax check; -tt its whole preflight (key types, document root, modules).
      const flag = name === 'syntax' ? '-t' : '-tt';
      const [st, out] = await privos_t(dir, name, flag);
      t.regex(out, want, name);
      t.is(st, ['syntax', 'unknown', 'nomodule', 'authn'].includes(name) ? 0 : 255, name);
      if (have('lighttpd')) {
        const [nst, nout] = await native_t(dir, name, flag);
        t.regex(nout, want, `native lighttpd agrees on ${name}`);
        t.is(st, nst, `exit status of ${name}`);
      }
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('no -f: lighttpd\'s complaint; -v names the version', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  t.is((await run(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', '-D'] })).status, 255);
  t.regex(cap.output(), /No configuration available\. Try using -f option\./);
  t.is((await run(k, { program: '/bin/lighttpd-lite', argv: ['lighttpd-lite', '-v'] })).status, 0);
  t.regex(cap.output(), /lighttpd\/1\.4\.69/);
});
