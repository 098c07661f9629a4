import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import type { Libc, SiginfoChld } from '../../../libc/index.ts';

const status_of = async (libc: Libc, pid: number, options: number): Promise<number> => {
  const p = libc.malloc(8);
  const r = await libc.waitpid(pid, p, options);
  const s = r > 0 ? libc.peek_i32(p) : r === 0 ? -2 : -1;
  libc.free(p);
  return s;
};

test('setpgid, getpgid, getpgrp, setsid and getsid follow Linux, errors included', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const me = libc.getpid() as number;
    t.is(libc.getsid(0), me, 'the first program leads its own session');
    t.is(libc.getpgrp(), me);
    t.is(libc.setsid(), -1); t.is(libc.errno, libc.EPERM, 'a process group leader cannot setsid');
    t.is(libc.setpgid(0, 0), -1); t.is(libc.errno, libc.EPERM, 'a session leader cannot change group');
    t.is(libc.setpgid(0, -1), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.getpgid(99999), -1); t.is(libc.errno, libc.ESRCH);
    t.is(libc.setpgid(99999, 0), -1); t.is(libc.errno, libc.ESRCH);
    const fds = libc.malloc(8);
    libc.pipe(fds);
    const rd = libc.peek_i32(fds), wr = libc.peek_i32(fds + 4);
    const child = await libc.fork(async (c) => {
      await c.close(wr);
      await c.read(rd, new Uint8Array(1), 1); // the parent has moved us meanwhile
      t.not(c.getpgrp(), me);
      t.is(c.setsid(), -1, 'leads its own group now'); t.is(c.errno, c.EPERM);
      return 0;
    });
    t.is(libc.setpgid(child, child), 0, 'the parent moves its child into a new group');
    t.is(libc.getpgid(child), child);
    t.is(libc.setpgid(child, 4242), -1); t.is(libc.errno, libc.EPERM, 'no such group in the session');
    await libc.close(rd); await libc.close(wr);
    t.is(await status_of(libc, child, 0), 0);
    const c2 = await libc.fork(async (c) => {
      t.is(c.setsid(), c.getpid(), 'a non-leader makes a session');
      t.is(c.getsid(0), c.getpid()); t.is(c.getpgrp(), c.getpid());
      return 0;
    });
    t.is(await status_of(libc, c2, 0), 0);
    // exec ends PF_FORKNOEXEC: setpgid on the child is then EACCES.
    const c3 = await libc.fork(async (c) => { await c.execve('/bin/cat', ['cat'], []); return 127; });
    for (let i = 0; i < 20; i++) await libc.nanosleep(1e6);
    t.is(libc.setpgid(c3, c3), -1); t.is(libc.errno, libc.EACCES);
    t.is(await status_of(libc, c3, 0), 0, 'cat met the end of its (empty) input');
  });
});

test('SIGSTOP really stops a process until SIGCONT; wait4 reports stop (0x7f) and continue (0xffff)', async (t) => {
  const k = boot();
  let ticks = 0;
  await run_inline(k, async (libc) => {
    const child = await libc.fork(async (c) => { for (;;) { ticks++; await c.nanosleep(1e5); } });
    while (ticks < 3) await libc.nanosleep(1e6);
    t.is(await libc.kill(child, libc.SIGSTOP), 0);
    const s = await status_of(libc, child, libc.WUNTRACED);
    t.is(s, (libc.SIGSTOP << 8) | 0x7f);
    t.true(libc.WIFSTOPPED(s)); t.is(libc.WSTOPSIG(s), libc.SIGSTOP);
    t.is(await status_of(libc, child, libc.WUNTRACED | libc.WNOHANG), -2, 'a stop is reported once');
    const frozen = ticks;
    for (let i = 0; i < 10; i++) await libc.nanosleep(1e6);
    t.is(ticks, frozen, 'nothing of a stopped process runs');
    const stat = await libc.open(`/proc/${child}/stat`, libc.O_RDONLY);
    const b = new Uint8Array(200);
    const n = await libc.read(stat, b, 200);
    t.regex(new TextDecoder().decode(b.subarray(0, n)), /\) T /, '/proc shows state T');
    t.is(await libc.kill(child, libc.SIGCONT), 0);
    const c = await status_of(libc, child, libc.WCONTINUED);
    t.is(c, 0xffff); t.true(libc.WIFCONTINUED(c));
    while (ticks === frozen) await libc.nanosleep(1e6);
    t.pass('it runs again after SIGCONT');
    await libc.kill(child, libc.SIGTERM);
    t.is(await status_of(libc, child, 0), libc.SIGTERM);
  });
});

test('SIGTSTP stops by default, a handler catches it instead; SIGKILL ends a stopped process', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const orphan = await libc.fork(async (c) => { await c.nanosleep(3e6); return 5; });
    await libc.kill(orphan, libc.SIGTSTP);
    t.is(await status_of(libc, orphan, libc.WUNTRACED), 5 << 8, 'SIGTSTP is discarded in an orphaned group (ours: we lead the session)');
    const child = await libc.fork(async (c) => { for (;;) await c.nanosleep(1e6); });
    libc.setpgid(child, child); // a job: a group whose parent is in another group of the session
    await libc.nanosleep(1e6);
    await libc.kill(child, libc.SIGTSTP);
    t.is(await status_of(libc, child, libc.WUNTRACED), (libc.SIGTSTP << 8) | 0x7f);
    await libc.kill(child, libc.SIGTERM); // stays pending while stopped
    for (let i = 0; i < 5; i++) await libc.nanosleep(1e6);
    t.is(await status_of(libc, child, libc.WNOHANG), -2, 'still stopped, not killed by SIGTERM');
    await libc.kill(child, libc.SIGKILL);
    t.is(await status_of(libc, child, 0), libc.SIGKILL);
    let caught = 0;
    const c2 = await libc.fork(async (c) => {
      c.signal(c.SIGTSTP, () => { caught++; });
      await c.nanosleep(5e6);
      return caught;
    });
    await libc.nanosleep(1e6);
    await libc.kill(c2, libc.SIGTSTP);
    t.is(await status_of(libc, c2, libc.WUNTRACED), 1 << 8, 'the handler ran, the process exited normally');
  });
});

test('waitid reports exited, stopped and continued children in siginfo; WNOWAIT leaves them', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const child = await libc.fork(async (c) => { await c.nanosleep(2e6); return 7; });
    await libc.kill(child, libc.SIGSTOP);
    const info: SiginfoChld = { si_signo: 0, si_code: 0, si_pid: 0, si_uid: 0, si_status: 0 };
    t.is(await libc.waitid(libc.P_PID, child, info, libc.WSTOPPED), 0);
    t.deepEqual(info, { si_signo: libc.SIGCHLD, si_code: libc.CLD_STOPPED, si_pid: child, si_uid: 0, si_status: libc.SIGSTOP });
    await libc.kill(child, libc.SIGCONT);
    t.is(await libc.waitid(libc.P_ALL, 0, info, libc.WCONTINUED), 0);
    t.is(info.si_code, libc.CLD_CONTINUED); t.is(info.si_status, libc.SIGCONT);
    t.is(await libc.waitid(libc.P_PID, child, info, libc.WEXITED | libc.WNOWAIT), 0);
    t.is(info.si_code, libc.CLD_EXITED); t.is(info.si_status, 7);
    t.is(await libc.waitid(libc.P_PGID, 0, info, libc.WEXITED), 0, 'still there after WNOWAIT');
    t.is(info.si_pid, child);
    t.is(await libc.waitid(libc.P_ALL, 0, info, libc.WEXITED | libc.WNOHANG), -1); t.is(libc.errno, libc.ECHILD);
    t.is(await libc.waitid(libc.P_ALL, 0, info, libc.WNOHANG), -1); t.is(libc.errno, libc.EINVAL, 'no event asked for');
    t.is(await libc.waitid(libc.P_PID, 0, info, libc.WEXITED), -1); t.is(libc.errno, libc.EINVAL);
    const c2 = await libc.fork(async (c) => { await c.nanosleep(5e6); return 0; });
    t.is(await libc.waitid(libc.P_PID, c2, info, libc.WEXITED | libc.WNOHANG), 0);
    t.is(info.si_pid, 0, 'WNOHANG with nothing to report zeroes the siginfo');
    await libc.kill(c2, libc.SIGKILL);
    t.is(await libc.waitid(libc.P_PID, c2, info, libc.WEXITED), 0);
    t.is(info.si_code, libc.CLD_KILLED); t.is(info.si_status, libc.SIGKILL);
  });
});

test('kill(0), kill(-pgid) and wait4(-pgid) address process groups', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const kids: number[] = [];
    for (let i = 0; i < 2; i++) {
      kids.push(await libc.fork(async (c) => { for (;;) await c.nanosleep(1e6); }));
      libc.setpgid(kids[i], kids[0]);
    }
    const other = await libc.fork(async (c) => { await c.nanosleep(3e6); return 3; });
    t.is(await libc.kill(-kids[0], libc.SIGTERM), 0);
    t.is(await status_of(libc, -kids[0], 0), libc.SIGTERM);
    t.is(await status_of(libc, -kids[0], 0), libc.SIGTERM);
    t.is(await libc.kill(-kids[0], 0), -1); t.is(libc.errno, libc.ESRCH, 'the group is gone');
    t.is(await status_of(libc, other, 0), 3 << 8, 'the process outside the group was left alone');
    t.is(await libc.kill(-0x80000000, 0), -1); t.is(libc.errno, libc.ESRCH);
    const c3 = await libc.fork(async (c) => {
      c.signal(c.SIGUSR1, () => undefined);
      await c.kill(0, c.SIGUSR1); // our whole group: the parent too
      return 0;
    });
    let got = 0;
    libc.signal(libc.SIGUSR1, () => { got++; });
    t.is(await status_of(libc, c3, 0), 0);
    t.is(got, 1, 'kill(0, sig) reached the caller group, parent included');
  });
});
