/**
 * Runs a script under the host's dash (in a fresh temporary directory, stderr merged into
 * stdout, C locale) and under privos's /bin/sh (in /tmp/w), and compares output and status.
 */
import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, capture_console, run } from '../../tools/machine.ts';

const have_dash = spawnSync('dash', ['-c', 'exit 0']).status === 0;

export async function agrees_with_dash(t: ExecutionContext, script: string): Promise<void> {
  if (!have_dash) { t.log('dash is not installed on this host: skipped'); t.pass(); return; }
  const dir = mkdtempSync(join(tmpdir(), 'privos-sh-'));
  let want: { out: string; status: number };
  try {
    const r = spawnSync('dash', ['-c', 'cd "$1" && exec dash -c "$2" sh 2>&1', 'x', dir, script],
      { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/root', LC_ALL: 'C' } });
    want = { out: r.stdout.replaceAll(dir, '/tmp'), status: r.status ?? -1 };
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const cap = capture_console();
  const k = boot({ console: cap.console });
  await run(k, { program: '/bin/mkdir', argv: ['mkdir', '-p', '/tmp/w'] });
  const r = await run(k, { program: '/bin/sh', argv: ['sh', '-c', 'cd /tmp/w && __s=$1 && set -- && eval "$__s"', 'sh', script] });
  t.is(cap.output().replaceAll('/tmp/w', '/tmp'), want.out);
  t.is(r.status, want.status);
}
