/**
 * `__user` on every handler (issue 15): each parameter a SyscallDef declares a pointer is typed
 * UserPtr in its handler, and nothing else is (tools/user_ptr_check.ts reads the source; the
 * type-level half is user_ptr_types.ts, in the type check). The brand is a type only: the
 * decoder hands the register over unchanged.
 */
import test from 'ava';
import { ALL_SYSCALLS } from '../../../kernel/syscalls/registry.ts';
import { arg_specs, syscall_decoder } from '../../../kernel/syscalls/decode.ts';
import type { SyscallDef } from '../../../kernel/syscalls/syscall_def.ts';
import type { Task } from '../../../kernel/sched/task.ts';
import type { UserPtr } from '../../../kernel/include/linux/compiler_types.ts';
import { def_sites, tree_sources, user_ptr_mismatches } from '../../../tools/user_ptr_check.ts';

const specs = new Map(ALL_SYSCALLS.map((d) => [d.name, arg_specs(d)]));
const pointer = (name: string, i: number): boolean | undefined => {
  const a = specs.get(name)?.[i];
  return a === undefined ? undefined : a.type === 'pointer';
};

test('every registered handler types exactly its declared pointer arguments UserPtr', (t) => {
  const sites = def_sites(tree_sources());
  const found = new Set(sites.map((s) => s.name));
  // The check sees every definition that declares arguments (none escapes by its form).
  t.deepEqual(ALL_SYSCALLS.filter((d) => d.args?.length && !found.has(d.name)).map((d) => d.name), []);
  t.true(ALL_SYSCALLS.filter((d) => specs.get(d.name)!.some((a) => a.type === 'pointer')).length > 100);
  t.deepEqual(user_ptr_mismatches(sites, pointer), []);
});

test('the check catches a pointer typed number, a UserPtr that is no pointer, and a handler it cannot find', (t) => {
  const src = `
    function sys_a(t: Task, fd: number, buf: number, n: number): SysRet { return 0; }
    function sys_b(t: Task, fd: UserPtr, buf: UserPtr, n: number): SysRet { return 0; }
    export const defs: SyscallDef[] = [
      { name: 'read', fn: sys_a, args: ['unsigned int fd', 'buf_out', 'size_t'] },
      { name: 'write', fn: sys_b, args: ['unsigned int fd', 'buf_in', 'size_t'] },
      { name: 'pread64', fn: (t, fd, buf) => 0, args: ['unsigned int fd', 'buf_out', 'size_t', 'loff_t'] },
      { name: 'close', fn: make_handler(), args: ['unsigned int fd'] },
    ];`;
  const bad = user_ptr_mismatches(def_sites(new Map([['x.ts', src]])), pointer);
  t.deepEqual(bad, [
    'x.ts:5 read: argument 1 is declared a pointer but typed number',
    'x.ts:6 write: argument 0 is typed UserPtr but not declared a pointer',
    'x.ts:7 pread64: argument 1 is declared a pointer but typed (none)',
    'x.ts:8 close: handler not found',
  ]);
});

test('the decoder passes a pointer register through unchanged: UserPtr costs nothing at run time', (t) => {
  const seen: number[] = [];
  const sys_probe = (_t: Task, fd: number, buf: UserPtr, n: number): number => { seen.push(fd, buf, n); return 0; };
  const def: SyscallDef = { name: 'read', fn: sys_probe, args: ['unsigned int fd', 'buf_out', 'size_t'] };
  const fn = syscall_decoder(def, arg_specs(def));
  fn(null as unknown as Task, 2 ** 32 + 3, 2 ** 46 + 8, 16, 0, 0, 0);
  t.deepEqual(seen, [3, 2 ** 46 + 8, 16]);
});
