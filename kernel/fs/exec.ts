/**
 * execve(2) and the privos executable format (fs/exec.c, fs/binfmt_script.c's shape).
 *
 * An executable in the emulated file system is a text file whose first line is
 *   #!privos-module <URL of an ES module>
 * The module's default export is the program's main. Loading replaces the address space:
 * a text area for the program's function addresses, a heap, and a stack laid out as Linux's
 * ELF loader lays it out (argc, argv[], NULL, envp[], NULL, auxv[], strings).
 */
import { sas_ss_reset } from '../sched/sigaltstack.ts';
import { randomFillSync } from 'node:crypto';
import { E2BIG, EACCES, EFAULT } from '../include/uapi/errno.ts';
import { AT_FDCWD } from '../include/uapi/fcntl.ts';
import { S_ISREG } from '../include/uapi/stat.ts';
import { MAP_GROWSDOWN, MAP_PRIVATE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../include/uapi/mman.ts';
import { ACC_R } from '../arch/cpu.ts';
import { handle_mm_fault } from '../mm/memory.ts';
import { VmArea } from '../mm/mm_types.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { TextRegion } from '../mm/text.ts';
import { copy_to_user, get_user_u64, strncpy_from_user } from '../mm/uaccess.ts';
import { ExecReplace, mmput, zap_other_threads } from '../sched/exit.ts';
import { mm_alloc, run_user } from '../sched/fork.ts';
import { type CpuDoor, ENTRY_EXEC, type UserEntry } from '../include/uapi/cpu_door.ts';
import { load_image, type LoadedImage } from './binfmt_image.ts';
import { hostfs_prepare_read } from './hostfs.ts';
import { SIG_DFL, SIG_IGN, SIGKILL } from '../include/uapi/signal.ts';
import type { Task } from '../sched/task.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import { user_path_at, inode_permission, MAY_EXEC } from './namei.ts';
import { shmem_node } from './tmpfs.ts';
import { getname } from './open.ts';
import { KERN_INFO } from '../printk.ts';
import { sfi_variant } from '../privbox/sfi_image.ts';
import { as_user_ptr, USER_NULL, user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';
import { AT_SYSINFO_EHDR } from '../include/vdso/datapage.ts';
import { map_vdso } from '../time/vsyscall.ts';


/** A program of the kernel's own realm (the in-process test harness): its entry, no realm. */
export interface HostImage { entry: UserEntry; realm: null }
/** Where user function addresses live (the program's text segment). */
export const USER_TEXT_BASE = 0x400000;
export const USER_TEXT_SIZE = 64 << 20;
export const USER_HEAP_BASE = 0x10000000;
export const USER_MMAP_BASE = 0x7f0000000000;
export const USER_STACK_TOP = 0x7ffffffff000;
export const USER_STACK_SIZE = 8 << 20;
/** MAX_ARG_STRLEN and the total argv+envp budget (a quarter of the 8 MiB stack). */
export const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
export const ARG_MAX = (8 << 20) / 4;

/** A program's main, as DESIGN.md's contract defines it. */
export type UserMain = (libc: never, argv: string[], envp: string[]) => Promise<number> | number;

/** The C runtime start (crt0's _start) of the kernel's own realm, for the in-process test harness. */
export type Crt0 = (door: CpuDoor, how: number, main: never) => unknown;

// auxv keys (include/uapi/linux/auxvec.h)
export const AT_NULL = 0, AT_PAGESZ = 6, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14;
export const AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31;
/** arm64 HWCAP_PACA | HWCAP_PACG */
const ARM64_HWCAP_PAUTH = 2 ** 30 + 2 ** 31;

/** Reads a NULL-terminated char*[] from user memory (copy_strings' first half). */
function copy_strings(t: Task, uptr: UserPtr): string[] | number {
  const out: string[] = [];
  if (!uptr) return out;
  let total = 0;
  for (let i = 0; ; i++) {
    if (get_user_u64(t, user_ptr_add(uptr, i * 8))) return -EFAULT;
    const p = t.cpu.uval;
    if (p === 0) return out;
    const s = strncpy_from_user(t, as_user_ptr(p), MAX_ARG_STRLEN - 1); // argv[i], read from user memory
    if (typeof s === 'number') return s === -EFAULT ? -EFAULT : -E2BIG;
    total += s.length + 1 + 8;
    if (total > ARG_MAX) return -E2BIG;
    out.push(s);
  }
}

/** The bytes of an executable, checking type and permission (open_exec + kernel_read). */
export function open_exec(t: Task, path: string): string | number {
  const d = user_path_at(t, AT_FDCWD, path, true);
  if (typeof d === 'number') return d;
  const inode = d.d_inode!;
  if (!S_ISREG(inode.i_mode)) return -EACCES;
  const err = inode_permission(t, inode, MAY_EXEC) || hostfs_prepare_read(d);
  if (err) return err;
  return shmem_node(inode)?.getString() ?? '';
}

const enc = new TextEncoder();

/** Builds the initial stack; returns the stack pointer (pointing at argc). */
function create_stack(t: Task, argv: string[], envp: string[], execfn: string, vdso: number): number {
  const k = t.kernel;
  const strs = [...argv, ...envp, execfn].map((s) => enc.encode(s + '\0'));
  // The strings sit at the top in order (argv, envp, then the exec filename), as copy_strings
  // leaves them: arg_start..arg_end and env_start..env_end are contiguous and ascending.
  let sp = USER_STACK_TOP - strs.reduce((n, s) => n + s.length, 0);
  const addrs: number[] = [];
  for (let a = sp, i = 0; i < strs.length; a += strs[i].length, i++) { addrs.push(a); copy_to_user(t, as_user_ptr(a), strs[i], 0, strs[i].length); }
  const rand = new Uint8Array(16);
  randomFillSync(rand);
  sp = Math.floor((sp - 16) / 16) * 16;
  const at_random = sp;
  copy_to_user(t, as_user_ptr(sp), rand, 0, 16); // the new stack: user memory the kernel lays out
  const c = t.cred;
  // ARCH_DLINFO first: where the vDSO is (kernel/time/vsyscall.ts).
  const auxv = [AT_SYSINFO_EHDR, vdso, AT_PAGESZ, PAGE_SIZE, AT_CLKTCK, 100, AT_UID, c.uid, AT_EUID, c.euid, AT_GID, c.gid,
    AT_EGID, c.egid, AT_SECURE, 0, AT_RANDOM, at_random, AT_EXECFN, addrs[addrs.length - 1],
    AT_ENTRY, USER_TEXT_BASE, AT_HWCAP, k.arch.name === 'arm64' ? ARM64_HWCAP_PAUTH : 0, AT_NULL, 0];
  const words = [argv.length, ...addrs.slice(0, argv.length), 0, ...addrs.slice(argv.length, argv.length + envp.length), 0, ...auxv];
  sp = Math.floor((sp - words.length * 8) / 16) * 16;
  const b = new Uint8Array(words.length * 8), dv = new DataView(b.buffer);
  words.forEach((w, i) => { dv.setUint32(i * 8, w % 2 ** 32, true); dv.setUint32(i * 8 + 4, Math.floor(w / 2 ** 32), true); });
  copy_to_user(t, as_user_ptr(sp), b, 0, b.length);
  const mm = t.mm!;
  mm.start_stack = sp;
  mm.arg_start = addrs[0] ?? sp; mm.arg_end = argv.length ? addrs[argv.length - 1] + strs[argv.length - 1].length : mm.arg_start;
  mm.env_start = addrs[argv.length] ?? mm.arg_end; mm.env_end = envp.length ? addrs[argv.length + envp.length - 1] + strs[argv.length + envp.length - 1].length : mm.env_start;
  return sp;
}

/** begin_new_exec + setup_new_exec: the point of no return. */
function exec_mmap(t: Task): void {
  const k = t.kernel;
  const mm = mm_alloc(k);
  if (!mm) throw new RangeError('out of memory at exec');
  // Text pages are present from the moment a function lands in them (the loader maps text).
  mm.text = new TextRegion(USER_TEXT_BASE, USER_TEXT_SIZE, (a) => { handle_mm_fault(k.cpu, mm, a, ACC_R); });
  const text = new VmArea(USER_TEXT_BASE, USER_TEXT_BASE + USER_TEXT_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, '[text]');
  mm.insert_vma(text);
  mm.start_brk = mm.brk = USER_HEAP_BASE;
  mm.mmap_base = USER_MMAP_BASE;
  mm.insert_vma(new VmArea(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_GROWSDOWN, '[stack]'));
  const old = t.mm;
  t.mm = mm;
  k.cpu.mm = mm;
  if (old) mmput(k, old);
}

/**
 * Replaces t's image with `main` (the binfmt's load_binary from the point of no return on).
 * The new image starts when the task runner calls t.user_entry.
 */
export function start_image(t: Task, img: LoadedImage | HostImage, argv: string[], envp: string[], execfn: string): void {
  const k = t.kernel;
  exec_mmap(t);
  const vdso = map_vdso(t, USER_STACK_TOP - USER_STACK_SIZE);
  t.files.close_all(true);
  for (const a of t.sighand.action) if (a.handler !== SIG_IGN) { a.handler = SIG_DFL; a.flags = 0; }
  t.comm = (argv[0] ?? execfn).split('/').pop()!.slice(0, 15);
  const sp = create_stack(t, argv, envp, execfn, vdso);
  t.mm!.exe_file = execfn;
  t.user_sp = sp;
  t.sig_sp = 0;
  sas_ss_reset(t); // execve clears the alternate stack (sigaltstack(2))
  t.image_gen++;
  t.door = null;
  t.mm!.realm = img.realm;
  t.user_entry = img.entry;
  for (const hook of k.exec_hooks) hook(t);
  k.printk(KERN_INFO, `exec: pid ${t.pid} ${execfn}`);
}

/**
 * de_thread(): the point of no return ends every other thread of the process, and the old
 * image's clear_child_tid is forgotten (its memory is about to go). Unlike Linux, a non-leader
 * thread that execs keeps its own tid rather than taking over the leader's pid.
 */
function de_thread(t: Task): void {
  zap_other_threads(t, SIGKILL);
  t.clear_child_tid = USER_NULL;
}

/** execve(2): on success the old image never sees a return (ExecReplace unwinds it). */
export function sys_execve(t: Task, upath: UserPtr, uargv: UserPtr, uenvp: UserPtr): number {
  const path = getname(t, upath);
  if (typeof path === 'number') return path;
  const argv = copy_strings(t, uargv);
  if (typeof argv === 'number') return argv;
  const envp = copy_strings(t, uenvp);
  if (typeof envp === 'number') return envp;
  let text = open_exec(t, path);
  if (typeof text === 'number') return text;
  // An exec from a boxed program stays boxed: the new program's SFI build of the same kind.
  const old = t.mm?.realm;
  if (old?.boxed) text = sfi_variant(t.kernel, text, old.sfi, path);
  if (typeof text === 'number') return text;
  const img = load_image(t.kernel, text, path);
  if (typeof img === 'number') return img;
  if (old?.boxed) img.realm.boxed = true;
  de_thread(t);
  start_image(t, img, argv, envp, path);
  // The new image starts from its entry on a fresh stack once this one has unwound.
  queueMicrotask(() => { if (t.alive) void run_user(t, t.user_entry!, ENTRY_EXEC); });
  throw new ExecReplace(t.pid);
}

export const exec_syscalls: readonly SyscallDef[] = [
  { name: 'execve', fn: sys_execve, args: ['path', 'ptr', 'ptr'], support: 'partial', note: 'executables are privos images (#!privos-image: linked JavaScript run in a realm of its own), not ELF; #! scripts are not interpreted; a non-leader thread that execs keeps its tid (Linux gives it the leader pid)' },
];
