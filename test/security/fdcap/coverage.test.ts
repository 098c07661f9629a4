/**
 * fdcap's hook coverage is derived from the syscall declarations (issue 11 §1): every
 * implemented syscall, on both architectures, with an argument that names fds refuses the raw
 * number of a protected fd at each such argument — in a register, in a struct pollfd, an fd_set,
 * an SCM_RIGHTS message, or a close_range range — and sys_call_table is overwritten exactly at
 * the syscalls whose declarations involve fds.
 */
import test from 'ava';
import { hook_spec } from '../../../kernel/modules/fdcap/hooks.ts';
import { FD_NEW_ARGS, FD_USE_ARGS } from '../../../kernel/syscalls/syscall_def.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { insmod, machine, sh } from './helpers.ts';

const COVERAGE = new URL('./progs/coverage.ts', import.meta.url).href;

/** [name, nr, kinds] of every implemented syscall of k's arch with an fd-using argument. */
function fd_syscalls(k: Kernel): [string, number, string[]][] {
  const out: [string, number, string[]][] = [];
  k.syscall_defs.forEach((d, nr) => {
    const fmts = k.syscall_args[nr]?.map((a) => a.fmt) ?? [];
    if (d && fmts.some((a) => FD_USE_ARGS.includes(a))) out.push([d.name, nr, fmts]);
  });
  return out;
}

/** The sys_call_table entries, by number. */
const entries = (k: Kernel): number[] => k.arch.syscall_names.map((_, nr) => k.cpu.read_addr(k.sys_call_table + nr * 8));

for (const arch of ['arm64', 'x86_64'] as const) {
  test(`${arch}: a raw protected fd is refused by every fd argument of every implemented syscall`, async (t) => {
    const m = machine(arch);
    const k = m.k;
    const specs = fd_syscalls(k);
    const names = specs.map((s) => s[0]);
    for (const n of ['read', 'close', 'close_range', 'ppoll', 'pselect6', 'finit_module', 'epoll_ctl', 'sendmsg', 'mmap', 'fcntl', 'openat', 'renameat']) {
      t.true(names.includes(n), `${n} takes an fd`);
    }
    if (arch === 'x86_64') for (const n of ['poll', 'select', 'dup2', 'sendfile']) t.true(names.includes(n), `${n} takes an fd`);
    const before = entries(k);
    t.is(await insmod(m, 'max_failures=0', ...(arch === 'x86_64' ? ['soft_pac=1'] : [])), 0);
    t.is(await sh(m, COVERAGE, JSON.stringify(specs)), 0);
    // The table: hooked exactly where a declaration uses or hands out fds.
    const after = entries(k);
    k.syscall_defs.forEach((d, nr) => {
      const fmts = k.syscall_args[nr]?.map((a) => a.fmt) ?? [];
      const fds = !!d && (d.ret_fd === true || fmts.some((a) => FD_USE_ARGS.includes(a) || FD_NEW_ARGS.includes(a)));
      t.is(after[nr] !== before[nr], fds, `${k.arch.syscall_names[nr]} hooked iff it involves fds`);
    });
    const lines = m.out().split('\n').filter((l) => /#\d+ r=/.test(l));
    let calls = 0;
    for (const [name, , kinds] of specs) {
      kinds.forEach((kind, pos) => {
        if (!FD_USE_ARGS.includes(kind as never)) return;
        calls++;
        t.true(lines.includes(`${name}#${pos} r=-1 errno=9 failed=+1`), `${name} argument ${pos} (${kind}): ${lines.find((l) => l.startsWith(`${name}#${pos} `))}`);
        t.regex(k.log.text(), new RegExp(`fdcap: pid \\d+ \\(coverage\\.ts\\) ${name}: fd \\d+ token`), name);
      });
    }
    t.is(lines.length, calls);
    t.log(`${arch}: ${specs.length} syscalls, ${calls} fd arguments, each refused`);
  });
}

test('a syscall declared tomorrow is hooked by its declaration alone', (t) => {
  const fn = (): number => 0;
  const spec = hook_spec({ name: 'pidfd_getfd', fn, args: ['fd', 'fd', 'hex'], ret_fd: true });
  t.deepEqual(spec?.fds, [0, 1]);
  t.true(spec?.ret_fd);
  t.deepEqual(hook_spec({ name: 'io_uring_like', fn, args: ['atfd', 'pollfds', 'uint'] })?.fds, [0]);
  t.is(hook_spec({ name: 'io_uring_like', fn, args: ['atfd', 'pollfds', 'uint'] })?.pollfds, 1);
  t.is(hook_spec({ name: 'getpid', fn }), null, 'no fds, no hook');
  t.is(hook_spec({ name: 'kill', fn, args: ['int', 'signal'] }), null);
});
