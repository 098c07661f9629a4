import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { AT_PAGESZ, AT_RANDOM, AT_UID, AT_ENTRY, AT_HWCAP, USER_TEXT_BASE } from '../../../kernel/fs/exec.ts';

test('exec lays out argc, argv, envp and auxv on the stack as the ELF loader does', async (t) => {
  const k = boot();
  await run_inline(k, (libc, argv, envp) => {
    const sp = libc.initial_sp;
    t.is(sp % 16, 0, 'the ABI wants a 16-byte aligned stack at entry');
    t.is(libc.peek_u64(sp), argv.length + 1, 'argc (inline, then the extra args)');
    t.is(libc.cstr(libc.peek_u64(sp + 8)), 'inline');
    t.is(libc.peek_u64(sp + 8 * (argv.length + 2)), 0, 'argv is NULL-terminated');
    t.true(envp.includes('HOME=/root'));
    t.is(libc.getauxval(AT_PAGESZ), 4096);
    t.is(libc.getauxval(AT_UID), 0);
    t.is(libc.getauxval(AT_ENTRY), USER_TEXT_BASE);
    t.true(libc.getauxval(AT_RANDOM) > sp, '16 random bytes above the vectors');
    t.is(libc.getauxval(AT_HWCAP), 0, 'no PAC hwcaps on x86_64');
  }, ['extra']);
  await run_inline(boot({ arch: 'arm64' }), (libc) => {
    t.is(libc.getauxval(AT_HWCAP), 2 ** 30 + 2 ** 31, 'HWCAP_PACA | HWCAP_PACG on arm64');
  });
});

test('syslog(2) reads the kernel ring buffer; clearing needs root', async (t) => {
  const k = boot();
  await run_inline(k, (libc) => {
    const buf = libc.malloc(1 << 17);
    const n = libc.klogctl(3, buf, 1 << 17) as number;
    t.true(n > 0);
    t.regex(new TextDecoder().decode(libc.peek(buf, n)), /Linux version 6\.18\.0-privos/);
    t.is(libc.klogctl(10, 0, 0), 1 << 17);
    t.is(libc.klogctl(99, 0, 0), -1); t.is(libc.errno, libc.EINVAL);
  });
  await run_inline(k, (libc) => { t.is(libc.klogctl(5, 0, 0), -1); t.is(libc.errno, libc.EPERM); }, [], 1000);
});

test('a task that spends its slice yields at its next syscall to others that can run', async (t) => {
  const k = boot();
  const order: string[] = [];
  const spin = async (libc: import('../../../libc/index.ts').Libc, tag: string): Promise<number> => {
    for (let i = 0; i < 40000; i++) {
      const r = libc.getpid();
      if (typeof r !== 'number') await r; // the slice (3 ms of modeled cycles) ran out: yield
      if (i % 4000 === 0) order.push(tag);
    }
    return 0;
  };
  await run_inline(k, async (libc) => {
    const child = await libc.fork((c) => spin(c, 'C'));
    await spin(libc, 'P');
    await libc.waitpid(child, 0, 0);
  });
  const s = order.join('');
  t.regex(s, /C.*P.*C|P.*C.*P/, `the two CPU-bound tasks interleave: ${s}`);
});
