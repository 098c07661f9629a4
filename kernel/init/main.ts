/**
 * start_kernel (init/main.c): builds the machine (memory, page tables, CPU), the kernel's own
 * address space, the symbol table and sys_call_table, the root file system and the console,
 * then starts user programs (kernel_init → run_init_process).
 */
import { type ArchName } from '../arch/arch.ts';
import { arch_by_name } from '../arch/arches.ts';
import { Cpu, type CpuFeatures, MODE_KERNEL, MODE_USER } from '../arch/cpu.ts';
import { apple_m1 } from '../arch/arm64/profile_apple_m1.ts';
import { arm64_entry_keys } from '../arch/arm64/entry.ts';
import { x86_entry_keys } from '../arch/x86/entry_64.ts';
import { skylake_pti } from '../arch/x86/profile_skylake.ts';
import { do_filp_open, init_chdir } from '../fs/open.ts';
import { FilesStruct } from '../fs/fdtable.ts';
import type { File } from '../fs/fs_types.ts';
import { mem_devices_init } from '../fs/devfs/mem.ts';
import { tty_init } from '../fs/devfs/tty.ts';
import { tty_vt_init } from '../drivers/tty/tty_io.ts';
import { hvc_init } from '../fs/devfs/hvc_console.ts';
import { privbox_init } from '../privbox/piot.ts';
import { ptrauth_init } from '../arch/arm64/pointer_auth.ts';
import { type Crt0, type HostImage, type UserMain, open_exec, start_image } from '../fs/exec.ts';
import { type LoadedImage, load_image } from '../fs/binfmt_image.ts';
import { ShmemSbInfo, shmem_default_max_blocks, tmpfs_mount } from '../fs/tmpfs.ts';
import { fs_init } from '../fs/fs_init.ts';
import { AT_FDCWD, O_RDWR } from '../include/uapi/fcntl.ts';
import { type ConsoleIo, Kernel } from '../kernel.ts';
import { Kallsyms } from '../modules/kallsyms.ts';
import { proc_modules_init } from '../modules/main.ts';
import { PhysMem, PAGE_SIZE } from '../mm/page_alloc.ts';
import { PageTable, PERM_KX, PERM_R } from '../mm/pgtable.ts';
import { TextRegion } from '../mm/text.ts';
import { KERNEL_TEXT, KERNEL_TEXT_SIZE, KernelVm } from '../mm/vmalloc.ts';
import { KERN_INFO, KERN_NOTICE, KERN_ERR, LogBuffer } from '../printk.ts';
import { switch_to } from '../sched/core.ts';
import { UserUnwind, do_exit, do_group_exit } from '../sched/exit.ts';
import { alloc_task, default_rlimits, set_task_runner } from '../sched/fork.ts';
import { ENTRY_BOX, ENTRY_EXEC, type UserEntry } from '../include/uapi/cpu_door.ts';
import { cpu_door } from '../arch/door.ts';
import { describe_user_value, user_crash } from '../arch/traps.ts';
import { FsStruct, type Task } from '../sched/task.ts';
import { SIGSEGV } from '../include/uapi/signal.ts';
import { build_sys_call_table } from '../syscalls/table.ts';
import { ALL_SYSCALLS, check_syscall_defs } from '../syscalls/registry.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { CostProfile } from '../time/cost.ts';
import { UTS_RELEASE } from '../sys.ts';
import { kcov_init } from '../kcov.ts';
import { KCOV_INSTRUMENTED } from '../kcov_build.ts';
import { default_image, type RootfsBuilder, type RootImage, unpack_rootfs } from './initramfs.ts';
import { vdso_init } from '../time/vsyscall.ts';

export interface BootOptions {
  arch?: ArchName;
  /** Cost profile (default: skylake with PTI on x86_64, apple-m1 on arm64). */
  profile?: CostProfile;
  /** Emulated physical memory in bytes (default 128 MiB). */
  mem_bytes?: number;
  features?: Partial<CpuFeatures>;
  console?: ConsoleIo;
  image?: RootImage;
  crt0?: Crt0;
  /** Builds the root image's programs and modules (tools/machine.ts passes the linker). */
  build?: RootfsBuilder;
  /** Extra syscall definitions (tests, experiments); one named like a kernel syscall replaces it. */
  extra_syscalls?: readonly SyscallDef[];
  /** Echo the kernel log to this sink as it is written. */
  log_echo?: (line: string) => void;
  /**
   * Boot the kcov-instrumented build (tools/machine.ts loads it; docs/kcov.md). The kernel
   * itself only reads it to say so when it is not that build.
   */
  kcov?: boolean;
}

/** A console that discards output and has no input (tests replace it). */
export const null_console: ConsoleIo = { write: () => undefined, read: async () => null };

export function start_kernel(opts: BootOptions = {}): Kernel {
  const arch = arch_by_name(opts.arch ?? 'x86_64');
  const profile = opts.profile ?? (arch.name === 'arm64' ? apple_m1 : skylake_pti);
  const phys = new PhysMem(opts.mem_bytes ?? 128 << 20);
  const kroot = phys.alloc_page();
  const kpt = new PageTable(phys, arch.pte, kroot);
  // Populate every kernel-half top-level slot now so that each new mm shares all later kernel
  // mappings: one table per slot (the levels below are made as mappings need them).
  for (let i = 256; i < 512; i++) kpt.ensure(-(2 ** 47) + (i - 256) * 2 ** 39, 1);
  const features: CpuFeatures = { smap: true, smep: true, spap: false, ...opts.features };
  const cpu = new Cpu(arch, phys, kpt, profile, features);
  cpu.set_mode(MODE_KERNEL);
  const kvm = new KernelVm(cpu, kpt);
  const ktext = new TextRegion(KERNEL_TEXT, KERNEL_TEXT_SIZE, (a) => kvm.map_pages(a, 1, PERM_R | PERM_KX));
  const kallsyms = new Kallsyms(cpu.kgen);
  kallsyms.add_region(ktext);
  const t0 = process.hrtime.bigint();
  const log = new LogBuffer(() => Number(process.hrtime.bigint() - t0));
  log.echo = opts.log_echo ?? null;
  const k = new Kernel(arch, phys, kpt, cpu, kvm, kallsyms, ktext, log, opts.console ?? null_console);
  k.crt0 = opts.crt0 ?? null;
  const keys = (arch.name === 'arm64' ? arm64_entry_keys : x86_entry_keys)(profile.pti);
  k.entry_paths = { enter: cpu.make_path(keys.enter), exit: cpu.make_path(keys.exit) };
  k.printk(KERN_NOTICE, `Linux version ${UTS_RELEASE} (privos) #1 SMP ${arch.name}`);
  k.printk(KERN_INFO, `Memory: ${(phys.nr_pages * PAGE_SIZE) >> 10}K total, profile ${profile.name}`);
  k.printk(KERN_INFO, arch.name === 'x86_64'
    ? `x86/cpu: SMAP ${features.smap ? 'enabled' : 'disabled'}, SMEP ${features.smep ? 'enabled' : 'disabled'}; page table isolation ${profile.pti ? 'enabled' : 'disabled'}`
    : `CPU features: PAN ${features.smap ? 'enabled' : 'disabled'}, address authentication (QARMA-64)`);
  check_syscall_defs(ALL_SYSCALLS);
  build_sys_call_table(k, [...ALL_SYSCALLS, ...(opts.extra_syscalls ?? [])]);
  k.printk(KERN_INFO, `sys_call_table: ${k.nr_syscalls} entries, ${k.syscall_defs.filter(Boolean).length} implemented`);
  k.root = tmpfs_mount(k, 0o755, 'tmpfs', new ShmemSbInfo(phys, shmem_default_max_blocks(phys)));
  unpack_rootfs(k.root, opts.image ?? default_image(), opts.build ?? null);
  mem_devices_init(k);
  hvc_init(k);
  tty_init(k);
  tty_vt_init(k);
  // PF_FORKNOEXEC ends at exec: a parent may no longer setpgid its child (EACCES).
  k.exec_hooks.push((t) => { t.forknoexec = false; });
  fs_init(k);
  privbox_init(k);
  vdso_init(k); // [vvar]'s clock data, before the first exec maps it
  ptrauth_init(k); // per-process PAuth keys drawn at exec (arm64; fdcap's software PAC on x86_64)
  proc_modules_init(k);
  kcov_init(k);
  if (opts.kcov && !KCOV_INSTRUMENTED) k.printk(KERN_NOTICE, 'kcov: this kernel is not instrumented; no /sys/kernel/debug/kcov');
  k.printk(KERN_INFO, 'Freeing unused kernel memory; Run /sbin/init as init process');
  return k;
}

/**
 * Gives t's fresh fd table its fds 0, 1, 2 (console_on_rootfs): /dev/hvc0..2, the host's own
 * fds 0..2, so the program's stdout and stderr are the host's; or one terminal on all three (a
 * getty's login shell: `privos shell` uses /dev/tty1), which, as t leads its own session,
 * becomes its controlling terminal; or the files the host gave (pipes it holds the other end of).
 */
function console_on_rootfs(t: Task, tty?: string, stdio?: readonly File[]): void {
  t.files = new FilesStruct();
  for (let fd = 0; fd < 3; fd++) {
    const f = stdio ? stdio[fd].get() : do_filp_open(t, AT_FDCWD, tty ?? `/dev/hvc${fd}`, O_RDWR, 0);
    if (typeof f === 'number') throw new Error(`unable to open an initial console: errno ${-f}`);
    t.files.fd_install(t.files.get_unused_fd_flags(false, 1024), f);
  }
}

/** Task ext key: the one-line description of the exception that killed the task's user code. */

/**
 * Enters a task's user code at an image entry (ret_from_fork / start_thread). The door turns
 * every unwind (exit, a fatal signal, execve — whose new image is entered afresh) into its own
 * marker, which crt0 lets pass; anything else escaping user code is the process's crash.
 * Nothing user code returns is awaited or inspected: a realm's promises are its own, and the
 * ones it leaves rejected reach user_crash through the unhandled-rejection hook.
 */
export function run_user(t: Task, entry: UserEntry, how: number): void {
  const gen = t.image_gen;
  switch_to(t, MODE_USER);
  const door = cpu_door(t);
  let r: unknown;
  try {
    r = entry(door, how === ENTRY_EXEC && t.mm?.realm?.boxed ? ENTRY_BOX : how);
  } catch (err) {
    user_threw(t, gen, door.is_unwind(err) || err instanceof UserUnwind, err);
    return;
  }
  // A program of the kernel's own realm (the test harness): its crt0's promise is a host one.
  if (t.mm?.realm === null && r instanceof Promise) {
    r.then(undefined, (err: unknown) => user_threw(t, gen, door.is_unwind(err) || err instanceof UserUnwind, err));
  }
}

/** User code of t's image `gen` threw err: a crash, unless it is an unwind or the image is gone. */
function user_threw(t: Task, gen: number, unwind: boolean, err: unknown): void {
  if (unwind || !t.alive || t.image_gen !== gen) return;
  user_crash(t, describe_user_value(err));
}
set_task_runner(run_user);

export interface SpawnOptions {
  /** The program: a guest path (/bin/hello) whose image is loaded, or a name for `image`/`main`. */
  program: string;
  /** An image's text to run instead of reading `program` (tools/machine links host files so). */
  image?: string;
  /**
   * A main of the kernel's own realm, run with a libc through a door like any program: the
   * in-process test harness (run_inline). Only host code can pass one.
   */
  main?: UserMain;
  argv?: string[];
  envp?: string[];
  uid?: number;
  /** The gid (default: the uid). */
  gid?: number;
  /** Transparent PrivBox boxing (`--privbox`; needs an image of an SFI build): main runs in a box. */
  boxed?: boolean;
  /** The terminal for fds 0-2 (default the host's fds through /dev/hvc0..2; `privos shell` uses /dev/tty1). */
  tty?: string;
  /**
   * Open files for fds 0, 1 and 2 instead of a terminal (the library's captured stdio,
   * fs/host_pipe.ts); the process takes its own reference on each.
   */
  stdio?: readonly [File, File, File];
  /** The working directory (default /), entered with the process's credentials. */
  cwd?: string;
}

/** A spawn failure with its errno (ENOENT, EACCES, ENOEXEC, …), the call that failed and its path. */
function spawn_error(path: string, errno: number, syscall = 'execve'): Error {
  const what = syscall === 'execve' ? 'cannot execute' : `cannot ${syscall} to`;
  return Object.assign(new Error(`${what} ${path}: errno ${errno}`), { errno, syscall, path });
}

/** The image a spawn starts: the harness's main, given image text, or the guest file's. */
function spawn_image(k: Kernel, t: Task, opts: SpawnOptions): LoadedImage | HostImage {
  if (opts.main) {
    const crt0 = k.crt0, main = opts.main;
    if (!crt0) throw new Error('no C runtime registered (boot through tools/machine.ts)');
    return { entry: (door, how) => crt0(door, how, main as never), realm: null };
  }
  const text = opts.image ?? open_exec(t, opts.program);
  if (typeof text === 'number') throw spawn_error(opts.program, -text);
  const img = load_image(k, text, opts.program);
  if (typeof img === 'number') throw spawn_error(opts.program, -img);
  return img;
}

/**
 * A process that could not start exits at once, releasing its files (the helper thread's
 * do_exit after a failed exec in kernel/umh.c), so it is neither left runnable nor holding
 * its console or pipes.
 */
function exit_unstarted(t: Task): void {
  try { do_exit(t, 0); } catch (e) { if (!(e instanceof UserUnwind)) throw e; }
}

/** Starts a process with the console on fds 0-2 (kernel_init's run_init_process); pid 1 first. */
export async function spawn(k: Kernel, opts: SpawnOptions): Promise<Task> {
  const t = alloc_task(k, null);
  t.comm = 'init';
  t.fs = new FsStruct(k.root, k.root);
  t.rlim = default_rlimits();
  console_on_rootfs(t, opts.tty, opts.stdio);
  const c = t.cred, uid = opts.uid ?? 0, gid = opts.gid ?? uid;
  c.uid = c.euid = c.suid = c.fsuid = uid; c.gid = c.egid = c.sgid = c.fsgid = gid;
  let img: LoadedImage | HostImage;
  try {
    const err = opts.cwd === undefined ? 0 : init_chdir(t, opts.cwd);
    if (err < 0) throw spawn_error(opts.cwd!, -err, 'chdir');
    img = spawn_image(k, t, opts);
  } catch (e) {
    exit_unstarted(t);
    throw e;
  }
  if (opts.boxed && img.realm) img.realm.boxed = img.realm.sfi !== 'none';
  const argv = opts.argv ?? [opts.program];
  start_image(t, img, argv, opts.envp ?? ['PATH=/bin:/sbin:/usr/bin', 'HOME=/root', 'TERM=xterm'], opts.program);
  run_user(t, t.user_entry!, ENTRY_EXEC);
  return t;
}
