/**
 * inotify's per-user limits and queue bound (fs.inotify.* sysctls) — the parts the conformance
 * cases cannot compare with the host, where other processes of the same user hold instances.
 */
import test from 'ava';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

async function echo(l: Libc, path: string, text: string): Promise<number> {
  const fd = await l.open(path, l.O_WRONLY) as number;
  const r = await l.write(fd, text) as number;
  await l.close(fd);
  return r;
}

test('max_user_instances: the 129th instance of one user is EMFILE; closing one frees a slot; other users are counted apart', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    await l.setuid(1000);
    const fds: number[] = [];
    for (let i = 0; i < 128; i++) fds.push(await l.inotify_init1(0) as number);
    t.true(fds.every((fd) => fd >= 0));
    t.is(await l.inotify_init1(0), -1);
    t.is(l.errno, l.EMFILE);
    await l.close(fds[0]);
    t.true(await l.inotify_init1(0) as number >= 0);
    return 0;
  });
  await run_inline(k, async (l) => { t.true(await l.inotify_init() as number >= 0); return 0; }, [], 1001);
});

test('max_user_watches: a watch past the limit is ENOSPC; rm_watch, IN_ONESHOT and deleting the inode give watches back', async (t) => {
  await run_inline(boot(), async (l) => {
    t.is(await echo(l, '/proc/sys/fs/inotify/max_user_watches', '3\n'), 2);
    const inn = await l.inotify_init1(l.IN_NONBLOCK) as number;
    for (const n of ['a', 'b', 'c', 'd']) await l.close(await l.open(`/tmp/${n}`, l.O_CREAT | l.O_RDWR, 0o644) as number);
    const a = await l.inotify_add_watch(inn, '/tmp/a', l.IN_MODIFY) as number;
    await l.inotify_add_watch(inn, '/tmp/b', l.IN_MODIFY | l.IN_ONESHOT);
    await l.inotify_add_watch(inn, '/tmp/c', l.IN_MODIFY);
    t.is(await l.inotify_add_watch(inn, '/tmp/a', l.IN_ATTRIB), a, 'changing an existing watch takes no new one');
    t.is(await l.inotify_add_watch(inn, '/tmp/d', l.IN_MODIFY), -1);
    t.is(l.errno, l.ENOSPC);
    await l.inotify_rm_watch(inn, a);
    t.true(await l.inotify_add_watch(inn, '/tmp/d', l.IN_MODIFY) as number > 0);
    const fd = await l.open('/tmp/b', l.O_WRONLY) as number; await l.write(fd, 'x'); await l.close(fd); // the one-shot watch fires and goes
    t.true(await l.inotify_add_watch(inn, '/tmp/a', l.IN_MODIFY) as number > 0);
    await l.unlink('/tmp/c'); // its watch goes with the inode (IN_DELETE_SELF, IN_IGNORED)
    t.true(await l.inotify_add_watch(inn, '/tmp/b', l.IN_MODIFY) as number > 0);
    return 0;
  });
});

test('max_queued_events bounds the queue: past it one IN_Q_OVERFLOW (wd -1) is queued, once', async (t) => {
  await run_inline(boot(), async (l) => {
    await echo(l, '/proc/sys/fs/inotify/max_queued_events', '4\n');
    const inn = await l.inotify_init1(l.IN_NONBLOCK) as number;
    await l.mkdir('/tmp/q', 0o755);
    await l.inotify_add_watch(inn, '/tmp/q', l.IN_CREATE);
    for (let i = 0; i < 10; i++) await l.close(await l.open(`/tmp/q/f${i}`, l.O_CREAT | l.O_RDWR, 0o644) as number);
    const b = l.malloc(4096);
    const n = await l.read(inn, b, 4096) as number;
    const recs: [number, number][] = [];
    for (let o = 0; o < n; o += 16 + l.peek_i32(b + o + 12)) recs.push([l.peek_i32(b + o), l.peek_i32(b + o + 4)]);
    t.deepEqual(recs, [[1, l.IN_CREATE], [1, l.IN_CREATE], [1, l.IN_CREATE], [1, l.IN_CREATE], [-1, l.IN_Q_OVERFLOW]]);
    return 0;
  });
});
