/**
 * `privos shell` driven through a real pseudo-terminal (Python's pty module): the line
 * discipline's echo and editing, ^C and ^Z to the foreground job, jobs/fg/bg, ^D at the prompt,
 * and a whole module session (insmod, the device, lsmod, rmmod) in one boot. Each step waits for
 * the output it expects, so nothing depends on timing.
 */
import test from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const driver = fileURLToPath(new URL('./pty_drive.py', import.meta.url));
const have_python = spawnSync('python3', ['-c', 'import pty']).status === 0;

type Step = { send: string } | { expect: string; within?: number };
interface Result { ok: boolean; failed_step: number | null; transcript: string; status: number | null }

function drive(steps: Step[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile('python3', [driver, JSON.stringify(steps), process.execPath, 'bin/privos.js', 'shell'],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 }, (err, stdout) => {
        if (err && !stdout) reject(err); else resolve(JSON.parse(stdout) as Result);
      });
  });
}

const PROMPT = '# $';
const line = (s: string): string => `${s}\r\r?\n`;

test('an interactive session: echo, erase and kill characters, ^C, ^Z, jobs, bg, fg, ^D', async (t) => {
  if (!have_python) { t.log('python3 with pty is not available: skipped'); t.pass(); return; }
  const r = await drive([
    { expect: PROMPT },
    { send: 'echo hi\r' }, { expect: line('hi') + PROMPT },
    { send: 'echo abx\x7fc\r' }, { expect: line('abc') },
    { send: 'garbage\x15echo killed-line\r' }, { expect: line('killed-line') },
    { send: 'echo one two\x17three\r' }, { expect: line('one three') },
    { send: 'sh -c "echo started; sleep 100"\r' }, { expect: '\\nstarted\\r' },
    { send: '\x03' }, { expect: '\\^C' + '\r\r?\n' + PROMPT },
    { send: 'echo $?\r' }, { expect: line('130') },
    { send: 'sh -c "echo go; sleep 100"\r' }, { expect: '\\ngo\\r' },
    { send: '\x1a' }, { expect: '\\^Z\r\r?\n\\[1\\]\\+  Stopped +sh -c "echo go; sleep 100"' },
    { send: 'echo $?\r' }, { expect: line('148') },
    { send: 'jobs\r' }, { expect: '\\[1\\]\\+  Stopped' },
    { send: 'bg\r' }, { expect: '\\[1\\] sh -c "echo go; sleep 100" &' },
    { send: 'jobs\r' }, { expect: '\\[1\\]\\+  Running' },
    { send: 'fg %1\r' }, { expect: 'sleep 100"\r\r?\n' },
    { send: '\x03' }, { expect: PROMPT },
    { send: 'cat\r' }, { send: 'typed line\r' }, { expect: line('typed line') + line('typed line') },
    { send: '\x04' }, { expect: PROMPT },
    { send: 'sleep 100 &\r' }, { expect: '\\[1\\] \\d+' },
    { send: 'kill %1; wait %1; echo status $?\r' }, { expect: 'Terminated\r\r?\n' + line('status 143') + PROMPT },
    { send: '\x04' },
  ]);
  t.true(r.ok, `step ${r.failed_step} failed; transcript:\n${r.transcript}`);
  t.is(r.status, 0, 'the shell exits 0 at ^D');
});

test('one boot runs a module session: insmod, the device node, lsmod, rmmod', async (t) => {
  if (!have_python) { t.log('python3 with pty is not available: skipped'); t.pass(); return; }
  const r = await drive([
    { expect: PROMPT },
    { send: 'insmod /lib/modules/fdcap.ko soft_pac=1 && echo loaded\r' }, { expect: line('loaded') },
    { send: 'lsmod\r' }, { expect: 'fdcap +4096 +0' },
    { send: 'ls -l /dev/fdcap\r' }, { expect: 'crw-rw-rw- 1 root root 10, \\d+ .* /dev/fdcap' },
    { send: 'rmmod fdcap; lsmod | grep -c fdcap\r' }, { expect: line('0') },
    { send: 'dmesg | grep -c "fdcap: unloaded"\r' }, { expect: line('1') },
    { send: 'exit 3\r' },
  ]);
  t.true(r.ok, `step ${r.failed_step} failed; transcript:\n${r.transcript}`);
  t.is(r.status, 3);
});
