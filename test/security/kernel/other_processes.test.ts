/**
 * Issue 11 item 7: a process acting on another one passes Linux's permission rules. The
 * expectations are what this machine's kernel answers to the same C program run as nobody
 * against a root process (and against one of nobody's own): kill/tgkill EPERM but kill(-1) 0,
 * prlimit64 EPERM before any resource check, getpriority allowed, setpriority EPERM (and EACCES
 * for lowering one's own nice), /proc/PID status/stat/cmdline/comm readable, maps/environ
 * EACCES at open, cwd/root/fd/N EACCES at readlink, fd/ EACCES at opendir.
 */
import test from 'ava';
import type { Kernel } from '../../../kernel/kernel.ts';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

const RLIMIT_NOFILE = 7, PRIO_PROCESS = 0, PRIO_USER = 2;

/** Runs `body` as uid 1000 while a root process (not init) sleeps; returns the root pid too. */
async function against_root(k: Kernel, body: (l: Libc, victim: number) => Promise<void>): Promise<number> {
  let victim = 0, done = false;
  const root = run_inline(k, async (l) => {
    const child = await l.fork(async (c) => { while (!done) await c.usleep(5000); return 0; });
    victim = child;
    while (!done) await l.usleep(5000);
    const ws = l.malloc(4);
    await l.waitpid(child, ws, 0);
    return l.WIFEXITED(l.peek_i32(ws)) ? 0 : 1;
  });
  while (!victim) await new Promise((r) => setTimeout(r, 2));
  const user = await run_inline(k, async (l) => { try { await body(l, victim); } finally { done = true; } }, [], 1000);
  return (await root).status * 256 + user.status;
}

function errno_of(l: Libc, r: unknown): number { return r === -1 ? l.errno : 0; }

async function open_errno(l: Libc, path: string): Promise<number> {
  const fd = await l.open(path, l.O_RDONLY);
  if (fd < 0) return l.errno;
  await l.close(fd);
  return 0;
}

async function readlink_errno(l: Libc, path: string): Promise<number> {
  const b = l.malloc(256);
  return errno_of(l, await l.readlink(path, b, 256));
}

test('uid 1000 cannot signal a root process: kill and tgkill EPERM, kill(-1) 0 and harmless', async (t) => {
  const k = boot();
  const st = await against_root(k, async (l, victim) => {
    t.is(errno_of(l, l.kill(victim, 0)), l.EPERM);
    t.is(errno_of(l, l.kill(victim, l.SIGKILL)), l.EPERM);
    t.is(errno_of(l, l.syscall(l.SYS.tgkill, victim, victim, l.SIGKILL)), l.EPERM);
    t.is(l.kill(-1, l.SIGKILL), 0); // Linux: only errors other than EPERM are reported
    t.is(errno_of(l, l.kill(999999, 0)), l.ESRCH);
    t.true(k.tasks.get(victim)!.alive);
  });
  t.is(st, 0, 'the root processes lived and exited normally');
});

test('uid 1000 cannot read or change a root process\'s limits (the attack: lowering its RLIMIT_NOFILE)', async (t) => {
  const k = boot();
  await against_root(k, async (l, victim) => {
    const r = l.malloc(16);
    l.poke_u64(r, 3); l.poke_u64(r + 8, 3);
    t.is(errno_of(l, l.prlimit(victim, RLIMIT_NOFILE, r, 0)), l.EPERM);
    t.is(k.tasks.get(victim)!.rlim[RLIMIT_NOFILE].cur, 1024);
    t.is(errno_of(l, l.prlimit(victim, RLIMIT_NOFILE, 0, r)), l.EPERM);   // reading too
    t.is(errno_of(l, l.prlimit(victim, 99, 0, r)), l.EPERM);              // before EINVAL
    t.is(errno_of(l, l.prlimit(999999, RLIMIT_NOFILE, 0, r)), l.ESRCH);
    // One's own child (same uid and gid triplets) is fine.
    const child = await l.fork(async (c) => { await c.usleep(50000); return 0; });
    t.is(l.prlimit(child, RLIMIT_NOFILE, r, 0), 0);
    t.is(errno_of(l, l.prlimit(child, 99, 0, r)), l.EINVAL);
  });
});

test('threads share their process\'s limits (signal_struct)', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const r = l.malloc(16);
    l.poke_u64(r, 50); l.poke_u64(r + 8, 4096);
    const th = l.pthread_create(async (c) => { c.setrlimit(RLIMIT_NOFILE, r); return 0; });
    t.is(await l.pthread_join(th), 0);
    const o = l.malloc(16);
    l.getrlimit(RLIMIT_NOFILE, o);
    t.is(l.peek_u64(o), 50);
  });
});

test('priorities: getpriority of anyone, setpriority only one\'s own (EPERM), lowering nice needs RLIMIT_NICE (EACCES)', async (t) => {
  const k = boot();
  await against_root(k, async (l, victim) => {
    const getp = (w: number, who: number): number => l.syscall(l.SYS.getpriority, w, who) as number;
    const setp = (w: number, who: number, n: number): number => l.syscall(l.SYS.setpriority, w, who, n) as number;
    t.is(getp(PRIO_PROCESS, victim), 20);
    t.is(errno_of(l, setp(PRIO_PROCESS, victim, 5)), l.EPERM);
    t.is(k.tasks.get(victim)!.nice, 0);
    t.is(setp(PRIO_PROCESS, 0, 5), 0);
    t.is(errno_of(l, setp(PRIO_PROCESS, 0, 2)), l.EACCES);
    t.is(getp(PRIO_PROCESS, 0), 15);
    t.is(setp(PRIO_PROCESS, 0, 100), 0);   // clamped to 19
    t.is(getp(PRIO_PROCESS, 0), 1);
    t.is(getp(PRIO_USER, 0), 1);
    t.is(errno_of(l, setp(PRIO_USER, 0, 3)), l.EACCES);
    t.is(errno_of(l, getp(PRIO_PROCESS, 999999)), l.ESRCH);
    t.is(errno_of(l, getp(7, 0)), l.EINVAL);
  });
});

test('CPU affinity: anyone may read a root process\'s mask, only the owner or CAP_SYS_NICE may set it', async (t) => {
  const k = boot();
  await against_root(k, async (l, victim) => {
    const m = l.malloc(8);
    const getaff = (pid: number, len: number): number => l.syscall(l.SYS.sched_getaffinity, pid, len, m) as number;
    const setaff = (pid: number, len: number): number => l.syscall(l.SYS.sched_setaffinity, pid, len, m) as number;
    t.is(getaff(victim, 8), 8); // cpumask_size() for one CPU
    t.is(l.peek_u8(m), 1);
    t.is(errno_of(l, setaff(victim, 8)), l.EPERM);
    t.is(setaff(0, 8), 0);
    t.is(errno_of(l, getaff(0, 4)), l.EINVAL);
    l.poke_u64(m, 0);
    t.is(errno_of(l, setaff(0, 8)), l.EINVAL); // no online CPU in the mask
    t.is(errno_of(l, getaff(999999, 8)), l.ESRCH);
  });
});

test('/proc/PID of a root process: status/stat/cmdline/comm readable; maps, environ, cwd, root, fd/ closed (EACCES)', async (t) => {
  const k = boot();
  await against_root(k, async (l, victim) => {
    for (const f of ['status', 'stat', 'cmdline', 'comm']) t.is(await open_errno(l, `/proc/${victim}/${f}`), 0, f);
    for (const f of ['maps', 'environ']) t.is(await open_errno(l, `/proc/${victim}/${f}`), l.EACCES, f);
    for (const f of ['cwd', 'root', 'fd/0']) t.is(await readlink_errno(l, `/proc/${victim}/${f}`), l.EACCES, f);
    t.is(await open_errno(l, `/proc/${victim}/fd`), l.EACCES);
    t.is(await l.listdir(`/proc/${victim}/fd`), -1);
    // Its own child: all open.
    const child = await l.fork(async (c) => { await c.usleep(50000); return 0; });
    for (const f of ['maps', 'environ', 'fd']) t.is(await open_errno(l, `/proc/${child}/${f}`), 0, f);
    for (const f of ['cwd', 'root', 'fd/0']) t.is(await readlink_errno(l, `/proc/${child}/${f}`), 0, f);
    const st = l.malloc(256);
    t.is(await l.stat(`/proc/${child}/environ`, st), 0);
    t.is(l.parse_stat(st).uid, 1000); // task_dump_owner: the task's euid
  });
});

test('a root process that setuid(1000)s is not dumpable: another uid-1000 process still cannot look inside', async (t) => {
  const k = boot();
  let victim = 0, done = false;
  const root = run_inline(k, async (l) => {
    t.is(await l.setuid(1000), 0);
    victim = l.getpid() as number;
    // Itself (same thread group): maps, fd/ and cwd stay open to it, but environ (0400, now
    // owned by root) does not: Linux answers the same (checked on this machine).
    t.is(await open_errno(l, '/proc/self/environ'), l.EACCES);
    t.is(await open_errno(l, '/proc/self/maps'), 0);
    t.is(await open_errno(l, '/proc/self/fd'), 0);
    t.is(await readlink_errno(l, '/proc/self/cwd'), 0);
    while (!done) await l.usleep(5000);
  });
  while (!victim) await new Promise((r) => setTimeout(r, 2));
  await run_inline(k, async (l) => {
    t.is(await open_errno(l, `/proc/${victim}/environ`), l.EACCES);
    t.is(await open_errno(l, `/proc/${victim}/maps`), l.EACCES);
    t.is(await readlink_errno(l, `/proc/${victim}/cwd`), l.EACCES);
    const st = l.malloc(256);
    t.is(await l.stat(`/proc/${victim}/status`, st), 0);
    t.is(l.parse_stat(st).uid, 0); // task_dump_owner: root when not dumpable
    t.is(await l.kill(victim, 0), 0); // signals follow the uids, not dumpability
    done = true;
  }, [], 1000);
  await root;
});
