/**
 * Nothing in the kernel is a module-level global: state lives on the Kernel, Task or Module
 * (typed keys, include/linux/ext_state.ts), so two machines in one host process never share it
 * and a test's machine starts where a fresh boot does. The few module-level bindings kept are
 * listed here, each with why it is not machine state.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ALLOWED: Record<string, string> = {
  'kernel/modules/main.ts:ts_loader': "whether tsx's hooks are registered in this host process (once, for the first TypeScript module the compiled kernel loads)",
  'kernel/modules/main.ts:cjs_linker': "the CLI bundle's linker of .cjs module files (a function pointer set once at its start)",
  'kernel/modules/main.ts:load_seq': 'host-process-wide on purpose: makes each module load a distinct ES module instance',
  'kernel/net/socket.ts:net_families': 'the protocol family table, filled once at import by sock_register (as Linux fills net_families[] at init)',
  'kernel/net/ipv4/udp.ts:host_ops': 'a function table set once at import (udp_set_host_ops), read-only after',
  'kernel/sched/fork.ts:run_user': 'the binfmt hook set once at import by binfmt_image (a function pointer, as search_binary_handler finds formats)',
  'kernel/net/ipv4/af_inet.ts:owner': 'per-socket association kept beside the socket (a WeakMap keyed by the sock, gone with it)',
  'kernel/futex.ts:queues': 'per-kernel hash buckets keyed by the Kernel object (WeakMap: gone with the machine)',
  'kernel/futex.ts:mmshared': 'per-mm futex key object keyed by the mm (WeakMap)',
  'kernel/futex.ts:waiting': 'per-task futex_q keyed by the Task (WeakMap); Task.ext is copied at fork, this must not be',
  'kernel/futex.ts:key_obj': 'out-parameter of get_futex_key within one synchronous call (no allocation on the hot path)',
  'kernel/futex.ts:key_off': 'out-parameter of get_futex_key within one synchronous call',
  'kernel/fs/readdir.ts:kbuf': 'scratch buffer of one synchronous getdents64 call, grown on demand, never held across a sleep',
  'kernel/fs/readdir.ts:kdv': 'view of kbuf',
  'kernel/net/ipv4/tcp_bridge.ts:spare': "host-side send buffer recycled between Node socket writes (the host's memory, not the guest's)",
  'kernel/fs/inode_fill.ts:fillers': 'per-inode filler of a file made I_NEW (a WeakMap keyed by the inode, gone with it)',
  'kernel/net/ipv4/tcp_bridge.ts:lent': 'the host-side buffer lent to the Node write in progress (as spare)',
  'kernel/net/ipv4/tcp_bridge.ts:view': 'the last view of spare handed to a send (same-sized sends reuse it; host memory)',
  'kernel/fs/image_code_cache.ts:unsaved': 'image scripts of this host process whose V8 code cache is written at its exit (host files, not machine state)',
  'kernel/fs/binfmt_image.ts:compiled': 'host-process cache of compiled image scripts keyed by content hash (immutable entries)',
  'kernel/fs/binfmt_image.ts:realm_owner': 'realm → machine association keyed by the realm object (WeakMap)',
  'kernel/fs/binfmt_image.ts:rejection_hook': "the host process's one unhandled-rejection hook, installed once",
  'kernel/fs/image_sig.ts:key': "the toolchain's image-signing key, read once from the host's cache directory (the trusted keyring)",
  'kernel/fs/image_sig.ts:hashed': 'host-process cache of image code known to hash to its header hash (a pure function of the text)',
  'kernel/fs/image_sig.ts:load_pass': 'the user-op pass, a function pointer the linker sets once at import',
  'kernel/fs/image_sig.ts:passed': 'host-process cache of unsigned code after the user-op pass, keyed by content hash (a pure function)',
  'kernel/arch/arm64/pauth.ts:T_MT': 'QARMA-64 lookup tables built lazily once (constants)',
  'kernel/arch/arm64/pauth.ts:T_BK': 'QARMA-64 table (constant once built)',
  'kernel/arch/arm64/pauth.ts:T_RF': 'QARMA-64 table (constant once built)',
  'kernel/arch/arm64/pauth.ts:T_TI': 'QARMA-64 table (constant once built)',
  'kernel/arch/arm64/pauth.ts:T_TW': 'QARMA-64 table (constant once built)',
  'kernel/arch/arm64/pauth.ts:SB': 'QARMA-64 S-box table (constant once built)',
  'kernel/arch/arm64/pauth.ts:SBI': 'QARMA-64 inverse S-box (constant once built)',
  'kernel/arch/arm64/pauth.ts:rh': 'QARMA-64 result registers of one synchronous computation (no BigInt per call)',
  'kernel/arch/arm64/pauth.ts:rl': 'as rh',
  'kernel/arch/arm64/pauth.ts:key_hi_seen': 'one-entry cache of the last key schedule (pure function of the key)',
  'kernel/arch/arm64/pauth.ts:key_lo_seen': 'as key_hi_seen',
  'kernel/arch/arm64/pauth.ts:LAYOUTS': 'memo of pointer layouts per configuration (pure function)',
  'kernel/kcov.ts:kcov_kernels': 'per-kernel cover counts keyed by the Kernel (WeakMap)',
  'kernel/kcov.ts:owner': 'the machine whose current task the instrumented hook serves (the hook is one function for all machines)',
  'kernel/kcov_trace.ts:mem': "the running task's kcov area, cached where __sanitizer_cov_trace_pc reads it (per-CPU state, as current->kcov_area)",
  'kernel/kcov_trace.ts:pages': 'as mem',
  'kernel/kcov_trace.ts:size': 'as mem',
  'kernel/kcov_trace.ts:counts': "privos cover's block counters of the machine being covered (per-CPU, as mem)",
  'kernel/kcov_trace.ts:counts_base': 'as counts',
  'kernel/kcov_trace.ts:cmp_mem': "the running task's KCOV_TRACE_CMP area (per-CPU, as mem)",
  'kernel/kcov_trace.ts:cmp_pages': 'as cmp_mem',
  'kernel/kcov_trace.ts:cmp_size': 'as cmp_mem',
  'kernel/privbox/sfi_image.ts:relinkers': 'host-process registry: how to relink an image with another SFI build',
  'kernel/privbox/privbox.ts:running_task': 'pending: the gate’s fast-path hint moves to the Kernel with the PrivBox rework',
  'kernel/privbox/privbox.ts:running_box': 'pending: as running_task',
};

function ts_files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? ts_files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const COLLECTION = /^new (Map|Set|WeakMap|WeakSet|Array)\b/;
const READONLY = /^(Readonly|readonly )/;

/**
 * Whether a module-level binding is mutable state: every `let`/`var` (each declarator of a
 * list), and a `const` holding a collection — a Map/Set/WeakMap/WeakSet/Array, an array literal
 * or a Record-typed object literal — unless its type says Readonly (or it is `as const`).
 * Operation tables (`const fops: FileOperations = {…}`) are structs, like Linux's
 * `static const struct file_operations`, not collections. Typed-array buffers are audited by
 * buffers_audit.test.ts.
 */
function mutable(kind: 'let' | 'const', d: ts.VariableDeclaration, sf: ts.SourceFile): boolean {
  if (kind === 'let') return true;
  const type = d.type?.getText(sf) ?? '';
  let init = d.initializer;
  if (!init || READONLY.test(type)) return false;
  if (ts.isAsExpression(init) && init.type.getText(sf) === 'const') return false;
  if (ts.isSatisfiesExpression(init) || ts.isAsExpression(init)) init = init.expression;
  if (ts.isArrayLiteralExpression(init)) return true;
  if (ts.isObjectLiteralExpression(init)) return /^Record</.test(type);
  return COLLECTION.test(init.getText(sf));
}

/** Module-level `let`s and mutable collections of a file, as `file:name`. */
function module_state(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  return sf.statements.flatMap((st) => {
    if (!ts.isVariableStatement(st)) return [];
    const kind = st.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
    return st.declarationList.declarations.filter((d) => mutable(kind, d, sf)).map((d) => `${file}:${d.name.getText(sf)}`);
  });
}

test('kernel/ keeps no module-level mutable state outside the documented allow-list', (t) => {
  const found = ts_files('kernel').filter((f) => !f.startsWith('kernel/include/')).flatMap(module_state);
  t.deepEqual(found.filter((k) => !(k in ALLOWED)), []);
  t.deepEqual(Object.keys(ALLOWED).filter((k) => !found.includes(k)), [], 'allow-list entries that no longer exist');
});
