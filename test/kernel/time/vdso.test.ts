/**
 * The vDSO (kernel/time/vsyscall.ts, libc/vdso.ts): every process has [vvar] and [vdso], the
 * auxiliary vector says where, and clock_gettime of the clocks [vvar] publishes enters no kernel
 * (no syscall entry is charged; RDTSC is) yet agrees with the syscall; [vvar] cannot be
 * written or made writable; a forked child reads the clock the same way.
 */
import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { AT_SYSINFO_EHDR, VDSO_SEQ } from '../../../kernel/include/vdso/datapage.ts';
import { C } from '../../../kernel/time/cost.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

const syscalls = (k: Kernel): number => k.entry_paths.enter.count;

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: clock_gettime of REALTIME/MONOTONIC/BOOTTIME/TAI/_RAW/_COARSE is no syscall and agrees with the syscall`, async (t) => {
    const k = boot({ arch });
    await run_inline(k, (libc) => {
      const ts = libc.malloc(16);
      for (const clk of [0, 1, 4, 5, 6, 7, 11]) {
        const before = libc.raw(libc.SYS.clock_gettime, clk, ts) as number;
        t.is(before, 0);
        const sys_ns = libc.peek_u64(ts) * 1e9 + libc.peek_u64(ts + 8);
        const n0 = syscalls(k), r0 = k.cpu.breakdown[C.rdtsc];
        const v = libc.clock_ns(clk) as number;
        t.is(libc.clock_gettime(clk, ts), 0);
        const v2 = libc.peek_u64(ts) * 1e9 + libc.peek_u64(ts + 8);
        t.is(syscalls(k), n0, `clock ${clk}: no syscall entered`);
        t.is(k.cpu.breakdown[C.rdtsc] - r0, 2 * k.cpu.profile.cost.rdtsc, `clock ${clk}: two counter reads charged`);
        libc.raw(libc.SYS.clock_gettime, clk, ts);
        const after = libc.peek_u64(ts) * 1e9 + libc.peek_u64(ts + 8);
        // In order with the syscall's reads before and after (doubles near 1.8e18 ns are exact to 256 ns).
        t.true(sys_ns - 512 <= v && v <= v2 + 512 && v2 <= after + 512, `clock ${clk}: ${sys_ns} ≤ ${v} ≤ ${v2} ≤ ${after}`);
      }
      // Clocks [vvar] does not publish still go to the kernel.
      const n0 = syscalls(k);
      t.true((libc.clock_ns(libc.CLOCK_PROCESS_CPUTIME_ID) as number) >= 0);
      t.is(libc.clock_gettime(99, ts), -1);
      t.is(libc.errno, libc.EINVAL);
      t.is(syscalls(k), n0 + 2);
    });
  });
}

test('the auxiliary vector points at [vdso] (an ELF header); [vvar] below it is read-only and cannot be made writable', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const ehdr = libc.getauxval(AT_SYSINFO_EHDR);
    t.true(ehdr > 0);
    t.deepEqual([...libc.peek(ehdr, 4)], [0x7f, 0x45, 0x4c, 0x46]);
    const vvar = ehdr - 4096;
    t.is(libc.peek_u32(vvar + VDSO_SEQ) % 2, 0, 'the seq count is even: the data is published');
    const fd = await libc.open('/proc/self/maps', libc.O_RDONLY) as number, buf = libc.malloc(4096);
    const n = await libc.read(fd, buf, 4096) as number;
    const maps = new TextDecoder().decode(libc.peek(buf, n));
    t.regex(maps, new RegExp(`^${vvar.toString(16)}-${ehdr.toString(16)} r--p 00000000 00:00 0 +\\[vvar\\]$`, 'm'));
    t.regex(maps, new RegExp(`^${ehdr.toString(16)}-${(ehdr + 4096).toString(16)} r-xp 00000000 00:00 0 +\\[vdso\\]$`, 'm'));
    t.is(libc.mprotect(vvar, 4096, libc.PROT_READ | libc.PROT_WRITE), -1);
    t.is(libc.errno, libc.EACCES);
    // A store into [vvar] is a segfault, not a change of another process's clock.
    const pid = await libc.fork((c) => { c.poke_u32(vvar, 1); return 0; });
    const st = libc.malloc(4);
    t.is(await libc.waitpid(pid, st, 0), pid);
    t.true(libc.WIFSIGNALED(libc.peek_i32(st)));
    t.is(libc.WTERMSIG(libc.peek_i32(st)), libc.SIGSEGV);
    t.is(libc.peek_u32(vvar + VDSO_SEQ) % 2, 0);
  });
});

test('a forked child reads the clock through the vDSO too', async (t) => {
  const k = boot();
  await run_inline(k, async (libc) => {
    const p = libc.malloc(8);
    const pid = await libc.fork((c) => {
      const n0 = syscalls(k), a = c.clock_ns(c.CLOCK_MONOTONIC) as number;
      c.poke_u32(p, syscalls(k) - n0);
      return a > 0 ? 0 : 1;
    });
    const st = libc.malloc(4);
    t.is(await libc.waitpid(pid, st, 0), pid);
    t.is(libc.WEXITSTATUS(libc.peek_i32(st)), 0);
    t.is(libc.peek_u32(p), 0, 'no syscall for the child\'s clock read');
  });
});
