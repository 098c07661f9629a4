/** procfs: the registration API (entries added after boot appear at once), /proc/PID of other tasks, kallsyms. */
import test from 'ava';
import { proc_create, remove_proc_entry } from '../../../kernel/fs/proc/generic.ts';
import { devtmpfs_create_node } from '../../../kernel/fs/devfs/devtmpfs.ts';
import { cdev_add, MKDEV } from '../../../kernel/fs/devfs/char_dev.ts';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

async function cat(l: Libc, path: string): Promise<string | null> {
  const fd = await l.open(path, l.O_RDONLY);
  if (fd < 0) return null;
  const b = l.malloc(1 << 16); let out = '', n: number;
  while ((n = await l.read(fd, b, 1 << 16)) > 0) out += Buffer.from(l.peek(b, n)).toString();
  await l.close(fd);
  return out;
}

test('proc_create after boot: a new entry appears, reads what show() returns for the reader, and goes away', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    t.is(await cat(l, '/proc/privos_test'), null);
    proc_create(k, 'privos_test', (task) => `fdcap 16384 0 - Live 0x0000000000000000\nreader ${task.pid}\n`);
    t.is(await cat(l, '/proc/privos_test'), `fdcap 16384 0 - Live 0x0000000000000000\nreader ${l.getpid()}\n`);
    t.true((await l.listdir('/proc') as string[]).includes('privos_test'));
    proc_create(k, 'driver/fdcap/stats', () => 'x=1\n');
    t.is(await cat(l, '/proc/driver/fdcap/stats'), 'x=1\n');
    remove_proc_entry(k, 'privos_test');
    t.is(await cat(l, '/proc/privos_test'), null);
  });
});

test('/proc/PID of another task: status, cmdline, fd links; gone after exit', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const fds = l.malloc(8);
    await l.pipe(fds);
    const r = l.peek_i32(fds), w = l.peek_i32(fds + 4);
    const child = await l.fork(async (c) => { await c.close(w); await c.read(r, c.malloc(4), 1); return 7; });
    await l.usleep(20000); // let the child run until it sleeps in read(2)
    const status = await cat(l, `/proc/${child}/status`);
    t.regex(status!, new RegExp(`^Pid:\\t${child}$`, 'm'));
    t.regex(status!, new RegExp(`^PPid:\\t${l.getpid()}$`, 'm'));
    t.regex(status!, /^State:\tS \(sleeping\)$/m);
    const link = l.malloc(256);
    const n = await l.readlink(`/proc/${child}/fd/${r}`, link, 256);
    t.regex(Buffer.from(l.peek(link, n)).toString(), /^pipe:\[\d+\]$/);
    t.true((await l.listdir('/proc') as string[]).includes(String(child)));
    await l.write(w, 'x');
    const ws = l.malloc(4);
    await l.waitpid(child, ws, 0);
    t.is(l.WEXITSTATUS(l.peek_i32(ws)), 7);
    t.is(await cat(l, `/proc/${child}/status`), null);
    t.is(ERRNO_NAMES_ENOENT(l.errno), true);
  });
});
const ERRNO_NAMES_ENOENT = (e: number): boolean => e === 2;

test('/proc/kallsyms: addresses for root, zeros for others (kptr_restrict)', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const root = await cat(l, '/proc/kallsyms');
    t.regex(root!, /^ffffffff[0-9a-f]{8} T \S+/m);
    await l.setuid(1000);
    const user = await cat(l, '/proc/kallsyms');
    t.notRegex(user!, /^ffffffff/m);
    t.regex(user!, /^0000000000000000 T \S+/m);
  });
});

test('devtmpfs_create_node after boot: /dev/NAME opens the registered driver', async (t) => {
  const k = boot();
  cdev_add(k, MKDEV(10, 200), { read: () => 0, write: (_f, _t, _b, count) => count });
  devtmpfs_create_node(k, 'mydev', MKDEV(10, 200), 0o666);
  await run_inline(k, async (l) => {
    const fd = await l.open('/dev/mydev', l.O_RDWR);
    t.true(fd >= 3);
    t.is(await l.write(fd, 'abc'), 3);
    t.true((await l.listdir('/dev') as string[]).includes('mydev'));
  });
});
