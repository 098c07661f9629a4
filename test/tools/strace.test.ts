// strace parity (issue 13 §4): `privos strace` against real `strace -f` on this machine, the same
// scenario as C (strace_fork.c) and as a privos program (progs/strace_fork.ts).
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { result_text } from '../../kernel/syscalls/trace.ts';
import { boot } from '../../tools/machine.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const privos = (...args: string[]) => spawnSync(process.execPath, ['bin/privos.js', ...args], { cwd: root, encoding: 'utf8', input: '' });
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const EXPR = 'trace=write,wait4,exit_group';

/**
 * The parent's and the child's lines in order, the child's pid as CHILD, unfinished/resumed
 * halves joined (who runs first after fork differs between runs), and the alignment spaces
 * before ` = ` dropped. Lines without a [pid N] prefix are the parent's.
 */
function per_process(trace: string): { parent: string[]; child: string[] } {
  const child = /si_pid=(\d+)/.exec(trace)?.[1] ?? '?';
  const out = { parent: [] as string[], child: [] as string[] }, open = new Map<string, string>();
  // strace's own "Process N attached" notice can land in the middle of a traced line.
  const lines = trace.replace(/strace: Process \d+ attached\n?/g, '').split('\n');
  for (const raw of lines.filter((l) => l && !l.startsWith('strace: ') && !l.startsWith('execve('))) {
    const m = /^\[pid +(\d+)\] (.*)$/.exec(raw);
    const who = m && m[1] === child ? 'child' : 'parent';
    let text = m ? m[2] : raw;
    if (text.endsWith(' <unfinished ...>')) { open.set(who, text.slice(0, -' <unfinished ...>'.length)); continue; }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed) text = open.get(who)! + resumed[1];
    out[who].push(text.replace(/ +=/, ' =').replaceAll(new RegExp(`\\b${child}\\b`, 'g'), 'CHILD'));
  }
  // If the child exited before the parent entered wait4, SIGCHLD is shown first: put it after.
  const sig = out.parent.findIndex((l) => l.startsWith('--- SIGCHLD')), wait = out.parent.findIndex((l) => l.startsWith('wait4('));
  if (sig >= 0 && wait > sig) out.parent.splice(wait, 0, ...out.parent.splice(sig, 1));
  return out;
}

test.serial('fork, write, _exit, wait4, SIGCHLD: the same lines as real strace -f', (t) => {
  if (!have('cc') || !have('strace')) { t.log('no cc or strace here: skipped'); t.pass(); return; }
  const dir = mkdtempSync(`${tmpdir()}/privos-strace-`);
  execFileSync('cc', ['-O0', '-o', `${dir}/sc`, fileURLToPath(new URL('./strace_fork.c', import.meta.url))]);
  const real = spawnSync('strace', ['-f', '-e', EXPR, `${dir}/sc`], { encoding: 'utf8' });
  if (real.status !== 0) { t.log(`strace cannot trace here (${real.stderr.trim()}): skipped`); t.pass(); return; }
  const mine = privos('strace', '-e', EXPR, 'test/tools/progs/strace_fork.ts');
  t.is(mine.status, 0, mine.stderr);
  t.is(mine.stdout, real.stdout);
  const want = real.stderr, got = mine.stderr;
  t.deepEqual(per_process(got), per_process(want));
  t.is(per_process(want).parent.length, 5, 'wait4, SIGCHLD, write, exit_group, +++');
  // Once the child is reaped the lines lose their prefix and align at column 40, byte for byte.
  const tail = (s: string): string[] => s.trimEnd().split('\n').slice(-3);
  t.deepEqual(tail(got), tail(want));
});

test.serial('the first program has its execve line; ERESTARTSYS and siblings are named, not unknown errnos', (t) => {
  const e = privos('strace', '-e', 'trace=execve', '/bin/echo', 'hi');
  t.regex(e.stderr, /^execve\("\/bin\/echo", \["\/bin\/echo", "hi"\], 0x[0-9a-f]+ \/\* 3 vars \*\/\) = 0$/m);
  const k = boot();
  const nr = k.arch.syscall_names.indexOf('read');
  t.is(result_text(k, nr, -512), '? ERESTARTSYS (To be restarted if SA_RESTART is set)');
  t.is(result_text(k, nr, -516), '? ERESTART_RESTARTBLOCK (Interrupted by signal)');
  t.is(result_text(k, nr, -514), '? ERESTARTNOHAND (To be restarted if no handler)');
  t.is(result_text(k, nr, -2), '-1 ENOENT (No such file or directory)');
});

test.serial('-e trace=%file, -c and -o', (t) => {
  const dir = mkdtempSync(`${tmpdir()}/privos-strace-`);
  const f = privos('strace', '-e', 'trace=%file', '-o', `${dir}/out`, '/bin/cat', '/etc/hostname', '/nope');
  t.is(f.status, 1);
  t.is(f.stdout, 'privos\n');
  t.is(f.stderr, 'cat: /nope: No such file or directory\n', 'the trace went to the file');
  const lines = readFileSync(`${dir}/out`, 'utf8').trimEnd().split('\n');
  t.deepEqual(lines.map((l) => l.replace(/^1 {5}/, '').replace(/ +=/, ' =')), [
    'execve("/bin/cat", ["/bin/cat", "/etc/hostname", "/nope"], ' + /0x[0-9a-f]+/.exec(lines[0])![0] + ' /* 3 vars */) = 0',
    // (with -o FILE every line starts with the pid, as strace -f -o does)
    'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
    'openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)',
    '+++ exited with 1 +++',
  ]);
  const c = privos('strace', '-c', '/bin/echo', 'hi');
  t.is(c.stdout, 'hi\n');
  t.regex(c.stderr, /^% time {5}seconds {2}usecs\/call {5}calls {4}errors syscall\n-{6} -{11} -{11} -{9} -{9} -{16}\n/);
  t.regex(c.stderr, /^ *[\d.]+ +[\d.]+ +\d+ +1 +write$/m);
  t.regex(c.stderr, /^100\.00 +[\d.]+ +\d+ +\d+ +\d* *total$/m);
});

test.serial('sendmsg/recvmsg (msghdr, SCM_RIGHTS), sockaddr of each family, MSG_* and socklen: the same lines as real strace', (t) => {
  if (!have('cc') || !have('strace')) { t.log('no cc or strace here: skipped'); t.pass(); return; }
  const dir = mkdtempSync(`${tmpdir()}/privos-strace-`);
  execFileSync('cc', ['-O0', '-o', `${dir}/sn`, fileURLToPath(new URL('./strace_net.c', import.meta.url))]);
  const real = spawnSync('strace', ['-e', 'trace=%net', `${dir}/sn`], { encoding: 'utf8' });
  if (real.status !== 0) { t.log(`strace cannot trace here (${real.stderr.trim()}): skipped`); t.pass(); return; }
  const mine = privos('strace', '-e', 'trace=%net', 'test/tools/progs/strace_net.ts');
  t.is(mine.status, 0, mine.stderr);
  // The port the kernel picks for an IPv6 bind to port 0 differs; everything else is byte for byte.
  const norm = (s: string): string[] => s.replace(/sin6_port=htons\([1-9]\d*\)/g, 'sin6_port=htons(PORT)').trimEnd().split('\n');
  t.deepEqual(norm(mine.stderr), norm(real.stderr));
  t.true(mine.stderr.includes('cmsg_type=SCM_RIGHTS, cmsg_data=[5]}]'), 'the fd recvmsg installed is shown');
});

/** The child's lines of an strace -f run: halves joined, pids, alignment and the time left normalized. */
function child_lines(trace: string): string[] {
  const child = /kill\((\d+), SIGSTOP/.exec(trace)?.[1] ?? '?';
  const out: string[] = [];
  let open = '';
  for (const raw of trace.split('\n')) {
    const m = /^\[pid +(\d+)\] (.*)$/.exec(raw);
    if (!m || m[1] !== child || m[2].startsWith('--- stopped by')) continue; // (strace sees the stop itself through ptrace)
    let text = m[2];
    if (text.endsWith(' <unfinished ...>')) { open = text.slice(0, -' <unfinished ...>'.length); continue; }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed) text = open + resumed[1];
    out.push(text.replace(/ +=/, ' =').replace(/si_pid=\d+/g, 'si_pid=P').replace(/\{tv_sec=0, tv_nsec=\d+\}\) =/, '{REMAINING}) ='));
  }
  return out;
}

test.serial('restart_block: a stopped and continued nanosleep resumes through restart_syscall; a handler makes it EINTR even with SA_RESTART', (t) => {
  if (!have('cc') || !have('strace')) { t.log('no cc or strace here: skipped'); t.pass(); return; }
  const dir = mkdtempSync(`${tmpdir()}/privos-strace-`);
  execFileSync('cc', ['-O0', '-o', `${dir}/rs`, fileURLToPath(new URL('./restart_sleep.c', import.meta.url))]);
  const expr = 'trace=clock_nanosleep,restart_syscall,kill';
  const real = spawnSync('strace', ['-f', '-e', expr, `${dir}/rs`], { encoding: 'utf8' });
  if (real.status !== 0) { t.log(`strace cannot trace here (${real.stderr.trim()}): skipped`); t.pass(); return; }
  const mine = privos('strace', '-f', '-e', expr, 'test/tools/progs/restart_sleep.ts');
  t.is(mine.stdout, '7\n', 'the handler made the second sleep fail with EINTR');
  t.is(mine.stdout, real.stdout);
  t.deepEqual(child_lines(mine.stderr), child_lines(real.stderr));
  t.true(child_lines(mine.stderr).includes('restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0'));
});

test('a stop signal shows strace -f\'s group-stop line after the signal, before the parent\'s CLD_STOPPED', (t) => {
  const r = privos('strace', '-e', 'trace=none', '/bin/sh', '-c', 'sleep 1 & kill -STOP $!; kill -CONT $!; wait');
  t.is(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('---'));
  const stop = lines.findIndex((l) => /^\[pid +2\] --- SIGSTOP \{/.test(l));
  t.true(stop >= 0, r.stderr);
  t.regex(lines[stop + 1], /^\[pid +2\] --- stopped by SIGSTOP ---$/);
  t.regex(lines[stop + 2], /si_code=CLD_STOPPED, si_pid=2,/);
});
