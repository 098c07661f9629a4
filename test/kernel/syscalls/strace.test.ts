import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { strace_attach, quote } from '../../../kernel/syscalls/trace.ts';

test("strace's format: decoded flags, quoted buffers cut at 32 bytes, errors with errno names", async (t) => {
  const k = boot();
  const lines: string[] = [];
  strace_attach(k, (l) => lines.push(l));
  await run_inline(k, async (libc) => {
    const fd = (await libc.open('/etc/passwd', libc.O_RDONLY | libc.O_CLOEXEC)) as number;
    const buf = libc.malloc(4096);
    await libc.read(fd, buf, 4096);
    await libc.open('/nope', libc.O_RDONLY);
    await libc.write(1, 'hi\n');
    libc.getpid();
    await libc.close(fd);
    return 7;
  });
  const text = lines.join('\n');
  t.regex(text, /^openat\(AT_FDCWD, "\/etc\/passwd", O_RDONLY\|O_CLOEXEC\) += 3$/m);
  t.regex(text, /^read\(3, "root:x:0:0:root:\/root:\/bin\/sh\\nno"\.\.\., 4096\) += \d+$/m);
  t.regex(text, /^openat\(AT_FDCWD, "\/nope", O_RDONLY\) += -1 ENOENT \(No such file or directory\)$/m);
  t.regex(text, /^write\(1, "hi\\n", 3\) += 3$/m);
  t.regex(text, /^getpid\(\) += 1$/m);
  t.regex(text, /^close\(3\) += 0$/m);
  t.regex(text, /^exit_group\(7\) += \?$/m);
  t.regex(text, /^\+\+\+ exited with 7 \+\+\+$/m);
});

test('strace quoting escapes like strace', (t) => {
  t.is(quote(new Uint8Array([0x41, 10, 9, 0, 0x22, 0x5c, 0xff]), false), '"A\\n\\t\\0\\"\\\\\\377"');
  t.is(quote(new TextEncoder().encode('abc'), true), '"abc"...');
});

test('a death by signal is reported as strace does', async (t) => {
  const k = boot();
  const lines: string[] = [];
  strace_attach(k, (l) => lines.push(l));
  await run_inline(k, (libc) => { libc.peek_u8(0); return 0; });
  t.is(lines[lines.length - 1], '+++ killed by SIGSEGV +++');
});
