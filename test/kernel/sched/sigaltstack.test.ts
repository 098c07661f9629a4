/**
 * sigaltstack(2)'s lifetime rules the conformance cases cannot show from one program: the
 * alternate stack is inherited by fork, not by a thread sharing the memory (CLONE_VM), and
 * execve clears it.
 */
import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import type { Libc } from '../../../libc/index.ts';

const SZ = 65536;

async function set_alt(l: Libc, stk: number): Promise<number> {
  const ss = l.malloc(24);
  l.poke_u64(ss, stk); l.poke_u32(ss + 8, 0); l.poke_u32(ss + 12, 0); l.poke_u64(ss + 16, SZ);
  return l.sigaltstack(ss, 0);
}
async function alt_size(l: Libc): Promise<number> {
  const o = l.malloc(24);
  await l.sigaltstack(0, o);
  return l.peek_u64(o + 16);
}

test('sigaltstack: kept across fork, dropped by execve', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    t.is(await set_alt(l, l.malloc(SZ)), 0);
    const fds = l.malloc(8); await l.pipe(fds);
    const c = await l.fork(async (cl) => {
      if (await alt_size(cl) !== SZ) return 1;
      await cl.dup2(cl.peek_i32(fds), 0); await cl.close(cl.peek_i32(fds + 4));
      await cl.execve('/bin/cat', ['cat'], []);
      return 2;
    }) as number;
    await l.close(l.peek_i32(fds));
    const task = k.tasks.get(c)!;
    while (task.comm !== 'cat') await l.nanosleep(1e6);
    t.is(task.sas_ss_size, 0, 'execve cleared the alternate stack');
    t.is(task.sas_ss_flags, l.SS_DISABLE);
    await l.close(l.peek_i32(fds + 4));
    const st = l.malloc(4); await l.waitpid(c, st, 0);
    t.is(l.WEXITSTATUS(l.peek_i32(st)), 0);
    t.is(await alt_size(l), SZ, 'the parent keeps its own');
  });
});

test('sigaltstack: a CLONE_VM thread starts without one', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    await set_alt(l, l.malloc(SZ));
    const stack = l.malloc(SZ);
    const flags = l.CLONE_VM | l.CLONE_FS | l.CLONE_FILES | l.CLONE_SIGHAND | l.CLONE_THREAD;
    let seen = -1;
    await l.clone(async (cl) => { seen = await alt_size(cl); return 0; }, stack + SZ, flags);
    while (seen < 0) await l.nanosleep(1e6);
    t.is(seen, 0);
  });
});
