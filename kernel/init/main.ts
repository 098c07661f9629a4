/**
 * start_kernel (init/main.c): builds the machine (memory, page tables, CPU), the kernel's own
 * address space, the symbol table and sys_call_table, the root file system and the console,
 * then starts user programs (kernel_init → run_init_process).
 */
import { type ArchName } from '../arch/arch.ts';
import { arch_by_name } from '../arch/arches.ts';
import { Cpu, type CpuFeatures, MODE_KERNEL } from '../arch/cpu.ts';
import { apple_m1 } from '../arch/arm64/profile_apple_m1.ts';
import { arm64_entry_keys } from '../arch/arm64/entry.ts';
import { x86_entry_keys } from '../arch/x86/entry_64.ts';
import { skylake_pti } from '../arch/x86/profile_skylake.ts';
import { do_filp_open } from '../fs/open.ts';
import { FilesStruct } from '../fs/fdtable.ts';
import { mem_devices_init } from '../fs/devfs/mem.ts';
import { tty_init } from '../fs/devfs/tty.ts';
import { hvc_init } from '../fs/devfs/hvc_console.ts';
import { privbox_init } from '../privbox/piot.ts';
import { ptrauth_init } from '../arch/arm64/pointer_auth.ts';
import { type Crt0, type UserMain, load_module_main, open_exec, start_image } from '../fs/exec.ts';
import { tmpfs_mount } from '../fs/tmpfs.ts';
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
import { ExecReplace, TaskExit, do_group_exit, W_EXITCODE } from '../sched/exit.ts';
import { alloc_task, default_rlimits, set_task_runner, type UserEntry } from '../sched/fork.ts';
import { FsStruct, type Task } from '../sched/task.ts';
import { SIGSEGV } from '../include/uapi/signal.ts';
import { build_sys_call_table } from '../syscalls/table.ts';
import { ALL_SYSCALLS } from '../syscalls/registry.ts';
import type { SyscallDef } from '../syscalls/syscall_def.ts';
import type { CostProfile } from '../time/cost.ts';
import { UTS_RELEASE } from '../sys.ts';
import { default_image, type RootImage, unpack_rootfs } from './initramfs.ts';

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
  /** Extra syscall definitions (tests, experiments). */
  extra_syscalls?: readonly SyscallDef[];
  /** Echo the kernel log to this sink as it is written. */
  log_echo?: (line: string) => void;
}

/** A console that discards output and has no input (tests replace it). */
export const null_console: ConsoleIo = { write: () => undefined, read: async () => null };

export function start_kernel(opts: BootOptions = {}): Kernel {
  const arch = arch_by_name(opts.arch ?? 'x86_64');
  const profile = opts.profile ?? (arch.name === 'arm64' ? apple_m1 : skylake_pti);
  const phys = new PhysMem(opts.mem_bytes ?? 128 << 20);
  const kroot = phys.alloc_page();
  const kpt = new PageTable(phys, arch.pte, kroot);
  // Populate every kernel-half top-level slot now so that each new mm shares all later kernel mappings.
  for (let i = 256; i < 512; i++) kpt.ensure(-(2 ** 47) + (i - 256) * 2 ** 39);
  const features: CpuFeatures = { smap: true, smep: true, spap: false, ...opts.features };
  const cpu = new Cpu(arch, phys, kpt, profile, features);
  cpu.set_mode(MODE_KERNEL);
  const kvm = new KernelVm(cpu, kpt);
  const ktext = new TextRegion(KERNEL_TEXT, KERNEL_TEXT_SIZE, (a) => kvm.map_pages(a, 1, PERM_R | PERM_KX));
  const kallsyms = new Kallsyms();
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
  build_sys_call_table(k, [...ALL_SYSCALLS, ...(opts.extra_syscalls ?? [])]);
  k.printk(KERN_INFO, `sys_call_table: ${k.nr_syscalls} entries, ${k.syscall_defs.filter(Boolean).length} implemented`);
  k.root = tmpfs_mount(0o755);
  unpack_rootfs(k.root, opts.image ?? default_image());
  mem_devices_init(k);
  hvc_init(k);
  tty_init(k);
  fs_init(k);
  privbox_init(k);
  ptrauth_init(k); // per-process PAuth keys drawn at exec (arm64; fdcap's software PAC on x86_64)
  proc_modules_init(k);
  k.printk(KERN_INFO, 'Freeing unused kernel memory; Run /sbin/init as init process');
  return k;
}

/**
 * Gives t's fresh fd table its fds 0, 1, 2 (console_on_rootfs): /dev/hvc0..2, the host's own
 * fds 0..2, so the program's stdout and stderr are the host's.
 */
function console_on_rootfs(t: Task): void {
  t.files = new FilesStruct();
  for (let fd = 0; fd < 3; fd++) {
    const f = do_filp_open(t, AT_FDCWD, `/dev/hvc${fd}`, O_RDWR, 0);
    if (typeof f === 'number') throw new Error(`unable to open an initial console: errno ${-f}`);
    t.files.fd_install(t.files.get_unused_fd_flags(false, 1024), f);
  }
}

/** Task ext key: the one-line description of the exception that killed the task's user code. */
export const UNCAUGHT = 'uncaught';

/**
 * Runs a task's user code from its entry until it exits, starting a new image after each
 * successful execve; a JS exception escaping user code is a crash (SIGSEGV).
 */
export async function run_user(t: Task, entry: UserEntry): Promise<void> {
  let e = entry;
  for (;;) {
    try {
      switch_to(t, 0);
      const code = await e(t);
      do_group_exit(t, W_EXITCODE(code | 0));
    } catch (err) {
      if (err instanceof ExecReplace && t.user_entry) { e = t.user_entry; continue; }
      if (err instanceof TaskExit || !t.alive) return;
      t.kernel.printk(KERN_ERR, `${t.comm}[${t.pid}]: uncaught exception in user code: ${err instanceof Error ? err.stack : String(err)}`);
      t.ext.set(UNCAUGHT, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      try { do_group_exit(t, SIGSEGV); } catch { return; }
    }
  }
}
set_task_runner(run_user);

export interface SpawnOptions {
  /** A guest path (/bin/hello) or a host module (file URL or path ending in .ts/.js). */
  program: string;
  argv?: string[];
  envp?: string[];
  uid?: number;
  /** The gid (default: the uid). */
  gid?: number;
}

/** Starts a process with the console on fds 0-2 (kernel_init's run_init_process); pid 1 first. */
export async function spawn(k: Kernel, opts: SpawnOptions): Promise<Task> {
  const t = alloc_task(k, null);
  t.comm = 'init';
  t.fs = new FsStruct(k.root, k.root);
  t.rlim = default_rlimits();
  console_on_rootfs(t);
  const c = t.cred, uid = opts.uid ?? 0, gid = opts.gid ?? uid;
  c.uid = c.euid = c.suid = c.fsuid = uid; c.gid = c.egid = c.sgid = c.fsgid = gid;
  let url = opts.program;
  if (opts.program.startsWith('/') && !/\.(ts|js|mjs)$/.test(opts.program)) {
    const r = open_exec(t, opts.program);
    if (typeof r === 'number') throw Object.assign(new Error(`cannot execute ${opts.program}: errno ${-r}`), { errno: -r });
    url = r;
  }
  const main = await load_module_main(url.includes(':') ? url : new URL(url, 'file://').href);
  if (typeof main === 'number') throw Object.assign(new Error(`${opts.program}: not a privos program (no default export main)`), { errno: -main });
  const argv = opts.argv ?? [opts.program];
  start_image(t, main as UserMain, argv, opts.envp ?? ['PATH=/bin:/sbin:/usr/bin', 'HOME=/root', 'TERM=xterm'], opts.program);
  void run_user(t, t.user_entry!);
  return t;
}
