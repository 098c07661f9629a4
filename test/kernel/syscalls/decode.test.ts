/**
 * The declared arguments do the decoding (issue 15 item 2): each SyscallDef argument names its C
 * type, the table wraps the handler with a decoder made from it once at boot, and strace, fdcap
 * and the fuzzer read the print formats from the same declarations.
 */
import test from 'ava';
import { boot } from '../../../tools/machine.ts';
import { arg_spec, arg_specs, decode_arg, syscall_decoder } from '../../../kernel/syscalls/decode.ts';
import { ALL_SYSCALLS, check_syscall_defs } from '../../../kernel/syscalls/registry.ts';
import type { ArgDecl, SyscallDef, SyscallFn } from '../../../kernel/syscalls/syscall_def.ts';
import type { Task } from '../../../kernel/sched/task.ts';
import type { UserPtr } from '../../../kernel/include/linux/compiler_types.ts';
import { hook_spec } from '../../../kernel/modules/fdcap/hooks.ts';

test('a declaration is a format (default C type), a C type (implied format), or both', (t) => {
  t.deepEqual(arg_spec('fd'), { type: 'int', fmt: 'fd' });
  t.deepEqual(arg_spec('unsigned int fd'), { type: 'unsigned int', fmt: 'fd' });
  t.deepEqual(arg_spec('size_t'), { type: 'size_t', fmt: 'uint' });
  t.deepEqual(arg_spec('uint'), { type: 'unsigned int', fmt: 'uint' });
  t.deepEqual(arg_spec('loff_t'), { type: 'loff_t', fmt: 'int' });
  t.deepEqual(arg_spec('path'), { type: 'pointer', fmt: 'path' });
  t.deepEqual(arg_spec('int hex'), { type: 'int', fmt: 'hex' });
});

test('__SC_CAST: int sign-extends the low 32 bits, unsigned int zero-extends, 64-bit types pass', (t) => {
  t.is(decode_arg('int', 2 ** 32 + 3), 3);
  t.is(decode_arg('int', 0xffffff9c), -100);
  t.is(decode_arg('unsigned int', -1), 0xffffffff);
  t.is(decode_arg('size_t', -1), -1);
  t.is(decode_arg('loff_t', 2 ** 40), 2 ** 40);
  t.is(decode_arg('pointer', 2 ** 46 + 8), 2 ** 46 + 8);
});

const seen: number[][] = [];
function sys_probe(_t: Task, a: number, b: number, c: number, d: UserPtr, e: number, f: number): number {
  seen.push([a, b, c, d, e, f]);
  return 0;
}

test('the table function decodes each register as declared before the handler sees it', (t) => {
  const def: SyscallDef = { name: 'probe', fn: sys_probe, args: ['int', 'unsigned int fd', 'size_t', 'ptr', 'long', 'int hex'] };
  const fn = syscall_decoder(def, arg_specs(def));
  t.not(fn, def.fn as SyscallFn);
  seen.length = 0;
  fn(null as unknown as Task, 2 ** 32 - 1, -2, -3, 2 ** 40, -(2 ** 40), 2 ** 33 + 7);
  t.deepEqual(seen, [[-1, 2 ** 32 - 2, -3, 2 ** 40, -(2 ** 40), 7]]);
});

test('a syscall whose arguments are all 64-bit gets no wrapper: the handler is the table entry', (t) => {
  const def: SyscallDef = { name: 'probe', fn: sys_probe, args: ['ptr', 'size_t', 'hex'] };
  t.is(syscall_decoder(def, arg_specs(def)), def.fn as SyscallFn);
  const none: SyscallDef = { name: 'probe', fn: sys_probe };
  t.is(syscall_decoder(none, arg_specs(none)), none.fn as SyscallFn);
});

test('every registered declaration is well-formed; a bad one fails the boot-time check', (t) => {
  t.notThrows(() => check_syscall_defs(ALL_SYSCALLS));
  const bad = { name: 'read', fn: sys_probe, args: ['unsigned fd' as ArgDecl] };
  t.throws(() => check_syscall_defs([bad]), { message: /read: bad argument declaration unsigned fd/ });
  const seven = { name: 'read', fn: sys_probe, args: Array<ArgDecl>(7).fill('int') };
  t.throws(() => check_syscall_defs([seven]), { message: /more than 6/ });
});

test('read is SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count); fdcap and strace read its formats', (t) => {
  const k = boot({ arch: 'x86_64' });
  const nr = k.arch.syscall_names.indexOf('read');
  t.deepEqual(k.syscall_args[nr], [{ type: 'unsigned int', fmt: 'fd' }, { type: 'pointer', fmt: 'buf_out' }, { type: 'size_t', fmt: 'uint' }]);
  t.deepEqual(hook_spec(k.syscall_defs[nr]!)?.fds, [0]);
  // The table's entry is the wrapper (the __x64_sys_read of kallsyms), not the handler itself.
  const entry = k.kallsyms.function_at(k.kallsyms.kallsyms_lookup_name('__x64_sys_read'));
  t.not(entry, k.syscall_defs[nr]!.fn as SyscallFn);
  // getpid declares nothing: its entry is sys_getpid itself (nothing added to the hot path).
  const gp = k.arch.syscall_names.indexOf('getpid');
  t.is(k.kallsyms.function_at(k.kallsyms.kallsyms_lookup_name('__x64_sys_getpid')), k.syscall_defs[gp]!.fn as SyscallFn);
});
