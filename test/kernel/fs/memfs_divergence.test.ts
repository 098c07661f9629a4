/**
 * Where memfs (the storage under tmpfs) would not give Linux's answer, privos's VFS does. Each
 * test runs the scenario on a plain memfs Volume — showing memfs's own result, which is not
 * Linux's — and on privos, which must give the Linux result (errno or count). If the VFS layer
 * ever delegated the rule back to memfs, the privos half would fail.
 */
import test from 'ava';
import { Volume } from 'memfs';
import { ERRNO_NAMES } from '../../../kernel/include/uapi/errno.ts';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

/** memfs: a value, or the error code it throws. */
function memfs(fn: (v: InstanceType<typeof Volume>) => unknown): unknown {
  const v = new Volume();
  v.mkdirSync('/a/sub', { recursive: true }); v.mkdirSync('/full'); v.writeFileSync('/full/x', 'x');
  v.writeFileSync('/f', 'F'); v.mkdirSync('/empty'); v.mkdirSync('/d2');
  try { return fn(v); } catch (e) { return (e as { code?: string }).code; }
}

/** privos: the same setup in /t, then body's result (an errno name when it returns -1). */
async function privos(body: (l: Libc) => Promise<number> | number, uid = 0): Promise<number | string> {
  const k = boot();
  let out: number | string = 'not run';
  await run_inline(k, async (l) => {
    await l.mkdir('/t', 0o777); await l.chdir('/t');
    await l.mkdir('a', 0o755); await l.mkdir('a/sub', 0o755); await l.mkdir('full', 0o755); await l.mkdir('empty', 0o755); await l.mkdir('d2', 0o755);
    for (const [p, c] of [['full/x', 'x'], ['f', 'F']]) { const fd = await l.open(p, l.O_CREAT | l.O_WRONLY, 0o644); await l.write(fd, c); await l.close(fd); }
    if (uid) await l.setuid(uid);
    const r = await body(l);
    out = r === -1 ? ERRNO_NAMES[l.errno] : r;
  });
  return out;
}

test('read on an O_WRONLY fd: memfs reads, Linux says EBADF', async (t) => {
  t.is(memfs((v) => v.readSync(v.openSync('/f', 'w'), Buffer.alloc(4), 0, 4, 0)), 0);
  t.is(await privos(async (l) => l.read(await l.open('f', l.O_WRONLY), l.malloc(4), 4)), 'EBADF');
});

test('write on an O_RDONLY fd: memfs writes, Linux says EBADF', async (t) => {
  t.is(memfs((v) => v.writeSync(v.openSync('/f', 'r'), 'x')), 1);
  t.is(await privos(async (l) => l.write(await l.open('f', l.O_RDONLY), 'x')), 'EBADF');
});

test('rename(2) of a directory over a non-empty directory: ENOTEMPTY', async (t) => {
  t.is(memfs((v) => v.renameSync('/a', '/full')), undefined);
  t.is(await privos((l) => l.rename('a', 'full')), 'ENOTEMPTY');
});

test('rename(2) of a directory into its own subtree: EINVAL', async (t) => {
  t.not(memfs((v) => v.renameSync('/a', '/a/sub/deeper')), 'EINVAL'); // memfs moves it (or says ENOENT), never EINVAL
  t.is(await privos((l) => l.rename('a', 'a/sub/deeper')), 'EINVAL');
});

test('rename(2) of a file over a directory: EISDIR', async (t) => {
  t.is(memfs((v) => v.renameSync('/f', '/empty')), undefined);
  t.is(await privos((l) => l.rename('f', 'empty')), 'EISDIR');
});

test('rename(2) of a directory over a file: ENOTDIR', async (t) => {
  t.is(memfs((v) => v.renameSync('/d2', '/f')), undefined);
  t.is(await privos((l) => l.rename('d2', 'f')), 'ENOTDIR');
});

test('rename(2) over one of two hard links: the surviving link has nlink 1', async (t) => {
  t.is(memfs((v) => { v.writeFileSync('/h1', 'A'); v.linkSync('/h1', '/h2'); v.writeFileSync('/c', 'C'); v.renameSync('/c', '/h2'); return v.statSync('/h1').nlink; }), 2);
  t.is(await privos(async (l) => {
    await l.close(await l.open('h1', l.O_CREAT | l.O_WRONLY, 0o644)); await l.link('h1', 'h2');
    await l.close(await l.open('c', l.O_CREAT | l.O_WRONLY, 0o644)); await l.rename('c', 'h2');
    const st = l.malloc(256); await l.stat('h1', st); return l.parse_stat(st).nlink;
  }), 1);
});

test('unlink(2) of a directory: EISDIR', async (t) => {
  t.not(memfs((v) => v.unlinkSync('/empty')), 'EISDIR'); // memfs says EPERM (or removes it)
  t.is(await privos((l) => l.unlink('empty')), 'EISDIR');
});

test("root's DAC override: uid 0 opens a 0444 file for writing", async (t) => {
  t.is(memfs((v) => { v.writeFileSync('/ro', 'r', { mode: 0o444 }); return typeof v.openSync('/ro', 'w'); }), 'EACCES');
  t.is(await privos(async (l) => {
    await l.close(await l.open('ro', l.O_CREAT | l.O_WRONLY, 0o444));
    const fd = await l.open('ro', l.O_WRONLY);
    return fd < 0 ? -1 : l.write(fd, 'root');
  }), 4);
  // …and a non-root user does not get it.
  t.is(await privos(async (l) => l.open('/etc/hostname', l.O_WRONLY), 1000), 'EACCES');
});

test('fd numbers are privos\'s own (lowest free), not memfs\'s', async (t) => {
  t.true((memfs((v) => v.openSync('/f', 'r')) as number) > 0x7ffff000); // memfs counts down from 2^31
  t.is(await privos(async (l) => l.open('f', l.O_RDONLY)), 3);
  t.is(await privos(async (l) => { const a = await l.open('f', l.O_RDONLY); await l.open('f', l.O_RDONLY); await l.close(a); return l.open('f', l.O_RDONLY); }), 3);
});

test('O_PATH: memfs opens an ordinary fd, Linux gives an fd on which read is EBADF', async (t) => {
  t.is(memfs((v) => v.readSync(v.openSync('/f', 0o10000000), Buffer.alloc(4), 0, 4, 0)), 1);
  t.is(await privos(async (l) => l.read(await l.open('f', l.O_PATH), l.malloc(4), 4)), 'EBADF');
});

test('O_APPEND, O_TRUNC, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC on privos give Linux results', async (t) => {
  t.is(await privos(async (l) => { const fd = await l.open('f', l.O_WRONLY | l.O_APPEND); await l.lseek(fd, 0, l.SEEK_SET); await l.write(fd, 'Z'); const st = l.malloc(256); await l.stat('f', st); return l.parse_stat(st).size; }), 2);
  t.is(await privos(async (l) => { await l.open('f', l.O_RDONLY | l.O_TRUNC); const st = l.malloc(256); await l.stat('f', st); return l.parse_stat(st).size; }), 0);
  t.is(await privos((l) => l.open('f', l.O_CREAT | l.O_EXCL | l.O_WRONLY, 0o644)), 'EEXIST');
  t.is(await privos((l) => l.open('f', l.O_RDONLY | l.O_DIRECTORY)), 'ENOTDIR');
  t.is(await privos(async (l) => { await l.symlink('f', 'lnk'); return l.open('lnk', l.O_RDONLY | l.O_NOFOLLOW); }), 'ELOOP');
  t.is(await privos(async (l) => l.fcntl(await l.open('f', l.O_RDONLY | l.O_CLOEXEC), l.F_GETFD)), 1);
});

test('holes read as zeros and an unlinked file stays readable through its fd', async (t) => {
  t.is(await privos(async (l) => {
    const fd = await l.open('h', l.O_CREAT | l.O_RDWR, 0o644); await l.pwrite(fd, 'X', 1, 10);
    const b = l.malloc(16); l.poke(b, new Uint8Array(16).fill(7)); await l.pread(fd, b, 11, 0);
    return l.peek(b, 11).reduce((s, c, i) => s + (i < 10 ? c : 0), 0);
  }), 0);
  t.is(await privos(async (l) => {
    const fd = await l.open('f', l.O_RDONLY); await l.unlink('f');
    return l.read(fd, l.malloc(8), 8);
  }), 1);
});
