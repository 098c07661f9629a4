/**
 * hostfs: a host directory mounted into the emulated tree — real files are served, and writes
 * reach the host on fsync(2) and on close, not before.
 */
import test from 'ava';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, symlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount_hostfs } from '../../../kernel/fs/hostfs.ts';
import { ERRNO_NAMES } from '../../../kernel/include/uapi/errno.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

function host_dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'privos-hostfs-'));
  writeFileSync(join(d, 'hello.txt'), 'from the host\n');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'inner'), 'inner');
  symlinkSync('hello.txt', join(d, 'link'));
  return d;
}

test('mount_hostfs serves host files, lists them, and follows host symlinks', async (t) => {
  const d = host_dir();
  const k = boot();
  t.is(mount_hostfs(k, d, '/mnt/host'), 0);
  await run_inline(k, async (l) => {
    const fd = await l.open('/mnt/host/hello.txt', l.O_RDONLY);
    t.true(fd >= 3);
    const b = l.malloc(64);
    const n = await l.read(fd, b, 64);
    t.is(Buffer.from(l.peek(b, n)).toString(), 'from the host\n');
    t.deepEqual((await l.listdir('/mnt/host') as string[]).sort(), ['.', '..', 'hello.txt', 'link', 'sub']);
    const st = l.malloc(256);
    t.is(await l.stat('/mnt/host/link', st), 0);
    t.is(l.parse_stat(st).size, 14);
    t.is(await l.lstat('/mnt/host/link', st), 0);
    t.is(l.parse_stat(st).mode & 0o170000, 0o120000);
    t.is(await l.open('/mnt/host/missing', l.O_RDONLY), -1);
    t.is(ERRNO_NAMES[l.errno], 'ENOENT');
  });
  const mounts = await new Promise<string>((res) => void run_inline(k, async (l) => {
    const fd = await l.open('/proc/mounts', l.O_RDONLY); const b = l.malloc(4096); const n = await l.read(fd, b, 4096);
    res(Buffer.from(l.peek(b, n)).toString());
  }));
  t.regex(mounts, new RegExp(`^${d} /mnt/host hostfs rw`, 'm'));
  rmSync(d, { recursive: true, force: true });
});

test('writes reach the host at fsync and at close, not before', async (t) => {
  const d = host_dir();
  const k = boot();
  t.is(mount_hostfs(k, d, '/srv'), 0);
  await run_inline(k, async (l) => {
    const fd = await l.open('/srv/new.txt', l.O_CREAT | l.O_WRONLY, 0o640);
    t.true(existsSync(join(d, 'new.txt')), 'create is mirrored at once');
    await l.write(fd, 'persisted');
    t.is(readFileSync(join(d, 'new.txt'), 'utf8'), '', 'not yet written back');
    t.is(await l.fsync(fd), 0);
    t.is(readFileSync(join(d, 'new.txt'), 'utf8'), 'persisted');
    await l.write(fd, ' more');
    t.is(readFileSync(join(d, 'new.txt'), 'utf8'), 'persisted');
    await l.close(fd);
    t.is(readFileSync(join(d, 'new.txt'), 'utf8'), 'persisted more');
    t.is(statSync(join(d, 'new.txt')).mode & 0o777, 0o640);
    // Namespace changes are mirrored after the VFS checked Linux's rules.
    t.is(await l.mkdir('/srv/made', 0o755), 0);
    t.true(statSync(join(d, 'made')).isDirectory());
    t.is(await l.rename('/srv/new.txt', '/srv/made/moved.txt'), 0);
    t.is(readFileSync(join(d, 'made', 'moved.txt'), 'utf8'), 'persisted more');
    t.is(await l.rename('/srv/made', '/srv/sub'), -1);
    t.is(ERRNO_NAMES[l.errno], 'ENOTEMPTY');
    t.is(await l.unlink('/srv/sub'), -1);
    t.is(ERRNO_NAMES[l.errno], 'EISDIR');
    t.is(await l.unlink('/srv/made/moved.txt'), 0);
    t.false(existsSync(join(d, 'made', 'moved.txt')));
    t.is(await l.rmdir('/srv/made'), 0);
    t.false(existsSync(join(d, 'made')));
    const fd2 = await l.open('/srv/hello.txt', l.O_WRONLY | l.O_TRUNC);
    await l.write(fd2, 'rewritten');
    await l.close(fd2);
  });
  t.is(readFileSync(join(d, 'hello.txt'), 'utf8'), 'rewritten');
  rmSync(d, { recursive: true, force: true });
});

test('mount(2) with type hostfs (root only), and umount2', async (t) => {
  const d = host_dir();
  const k = boot();
  await run_inline(k, async (l) => {
    await l.mkdir('/mnt2', 0o755);
    t.is(await l.mount(d, '/mnt2', 'hostfs', 0, 0), 0);
    t.is(await l.access('/mnt2/sub/inner', 4), 0);
    t.is(await l.mount('/definitely/not/here', '/mnt2', 'hostfs', 0, 0), -1);
    t.is(ERRNO_NAMES[l.errno], 'ENOENT');
    t.is(await l.umount('/mnt2'), 0);
    t.is(await l.access('/mnt2/sub/inner', 4), -1);
    await l.setuid(1000);
    t.is(await l.mount(d, '/mnt2', 'hostfs', 0, 0), -1);
    t.is(ERRNO_NAMES[l.errno], 'EPERM');
  });
  rmSync(d, { recursive: true, force: true });
});
