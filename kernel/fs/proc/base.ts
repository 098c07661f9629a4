/**
 * /proc/PID (fs/proc/base.c, fs/proc/fd.c, fs/proc/task_mmu.c): status, stat, cmdline, comm,
 * maps, environ, cwd, root, and fd/ with one symlink per open descriptor. Entries are built
 * on each lookup, so they always show the task as it is now.
 */
import { EACCES, ENOENT, ESRCH } from '../../include/uapi/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../../include/uapi/stat.ts';
import type { Kernel } from '../../kernel.ts';
import { MAP_SHARED, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../include/uapi/mman.ts';
import { access_remote_vm } from '../../mm/memory.ts';
import { PAGE_SIZE } from '../../mm/page_alloc.ts';
import { MAX_ARG_STRLEN } from '../exec.ts';
import type { Task } from '../../sched/task.ts';
import { PseudoDentry, type Dentry, type File } from '../fs_types.ts';
import { proc_pid_stat, proc_pid_status } from './array.ts';
import { AnonInode } from '../anon_inodes.ts';
import { O_CLOEXEC } from '../../include/uapi/fcntl.ts';
import { proc_sb, type ProcDirEntry, type ProcShow } from './generic.ts';
import { generic_permission } from '../namei.ts';
import { ptrace_may_access, PTRACE_MODE_READ_FSCREDS } from '../../ptrace.ts';
import { same_thread_group } from '../../capability.ts';

/** access_process_vm(): reads another task's memory through its own page tables. */
export function access_process_vm(k: Kernel, target: Task, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, len));
  if (!target.mm || len <= 0 || addr < 0) return out.subarray(0, 0);
  return out.subarray(0, access_remote_vm(k.cpu, target.mm, addr, out));
}

/** What /proc/PID/fd/N points at: a path, or an anonymous object's "type:[ino]". */
export function fd_link_target(f: File): string {
  const sb = f.f_inode.i_sb.s_type;
  if (sb === 'pipefs') return `pipe:[${f.f_inode.i_ino}]`;
  if (sb === 'sockfs') return `socket:[${f.f_inode.i_ino}]`;
  if (f.f_inode instanceof AnonInode) return `anon_inode:${f.f_inode.name}`;
  if (f.f_dentry) return f.f_dentry.path();
  return `anon_inode:[${sb}]`;
}

/**
 * What following /proc/PID/fd/N reaches (proc_fd_link): the file's dentry, even unlinked; a
 * pipe's inode (opening it opens another end of that pipe, as fifo_open does); sockets and
 * anonymous inodes cannot be opened again (sock_no_open, no_open: ENXIO).
 */
function fd_jump(f: File): Dentry {
  return f.f_dentry ?? new PseudoDentry(fd_link_target(f), f.f_inode, f.f_inode.i_sb.s_type !== 'pipefs');
}

/**
 * /proc/PID/fdinfo/N (seq_show in fs/proc/fd.c): position, flags (O_CLOEXEC from the fd table),
 * mount, inode, then what the file type adds (f_op->show_fdinfo). privos has no mount ids:
 * mnt_id shows the file system's device number.
 */
function proc_fdinfo(target: Task, fd: number, f: File): string {
  const flags = f.f_flags | (target.files.close_on_exec[fd] ? O_CLOEXEC : 0);
  return `pos:\t${f.f_pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${f.f_inode.i_sb.s_dev}\nino:\t${f.f_inode.i_ino}\n` + (f.f_op.show_fdinfo?.(f) ?? '');
}

const hex = (n: number, w = 8): string => n.toString(16).padStart(w, '0');

/** show_map_vma() */
export function proc_pid_maps(t: Task): string {
  const out: string[] = [];
  for (const v of t.mm?.vmas ?? []) {
    const perms = (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + (v.prot & PROT_EXEC ? 'x' : '-') + (v.flags & MAP_SHARED ? 's' : 'p');
    // A file mapping shows its device, inode and path (d_path now, " (deleted)" if unlinked).
    const f = v.file;
    const dev = f ? `${hex(f.dev >>> 20, 2)}:${hex(f.dev & 0xfffff, 2)} ${f.ino}` : '00:00 0';
    const head = `${hex(v.start)}-${hex(v.end)} ${perms} ${hex(v.pgoff)} ${dev}`;
    const name = (f ? f.name : '') || (v.name === '[text]' && t.mm!.exe_file ? t.mm!.exe_file : v.name);
    out.push(name ? head.padEnd(73) + name : head + ' ');
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

const u64 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true) + new DataView(b.buffer, b.byteOffset).getUint32(o + 4, true) * 2 ** 32;

/** A NUL-terminated string (with its NUL) from another task, read page by page (strnlen_user). */
function read_cstring(k: Kernel, t: Task, ptr: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let total = 0; total < MAX_ARG_STRLEN;) {
    const chunk = access_process_vm(k, t, ptr + total, PAGE_SIZE - ((ptr + total) % PAGE_SIZE));
    const end = chunk.indexOf(0);
    if (end >= 0) { parts.push(chunk.subarray(0, end + 1)); break; }
    if (chunk.length === 0) break;
    parts.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(parts);
}

/**
 * The NUL-separated argv (which = 0) or envp (which = 1) strings, read through the pointer
 * vectors at the initial stack (argc, argv[], NULL, envp[], NULL): independent of where exec
 * placed the strings themselves.
 */
function vector_strings(k: Kernel, t: Task, which: 0 | 1): Uint8Array {
  const mm = t.mm;
  if (!mm || !mm.start_stack) return new Uint8Array(0);
  const argc = u64(access_process_vm(k, t, mm.start_stack, 8), 0);
  let at = mm.start_stack + 8 + (which ? (argc + 1) * 8 : 0);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 4096; i++, at += 8) {
    if (which === 0 && i >= argc) break;
    const pb = access_process_vm(k, t, at, 8);
    if (pb.length < 8) break;
    const ptr = u64(pb, 0);
    if (!ptr) break;
    parts.push(read_cstring(k, t, ptr));
  }
  return Buffer.concat(parts);
}

/** proc_fd_access_allowed() / mm_access(): ptrace_may_access(PTRACE_MODE_READ_FSCREDS). */
function may_inspect(reader: Task, target: Task): boolean {
  return ptrace_may_access(reader, target, PTRACE_MODE_READ_FSCREDS) === 0;
}

/** The text of a file that needs may_inspect at open (maps, environ), or -EACCES. */
function guarded(target: Task, show: ProcShow): ProcShow {
  return (t) => (may_inspect(t, target) ? show(t) : -EACCES);
}

/** A link that needs may_inspect to be read (cwd, root, fd/N: proc_pid_get_link), or -EACCES. */
function guarded_link(target: Task, fn: (t: Task) => string | number): (t: Task) => string | number {
  return (t) => (may_inspect(t, target) ? fn(t) : -EACCES);
}

/** The object of a magic link, for a task allowed to inspect the target (proc_pid_get_link): EACCES otherwise. */
function guarded_jump(target: Task, fn: () => Dentry | number | null): (t: Task) => Dentry | number | null {
  return (t) => (may_inspect(t, target) ? fn() : -EACCES);
}

/** proc_fd_permission(): the mode bits, or the process's own threads. */
function proc_fd_permission(target: Task): NonNullable<ProcDirEntry['permission']> {
  return (t, mask, inode) => (generic_permission(t, inode, mask) === 0 || same_thread_group(t, target) ? 0 : -EACCES);
}

const PID_INO_BASE = 0x40000000;
const pid_ino = (pid: number, i: number): number => PID_INO_BASE + pid * 64 + i;

export function proc_pid_entry(k: Kernel, target: Task): ProcDirEntry {
  const pid = target.pid, task = target;
  const file = (name: string, i: number, show: ProcShow, mode = 0o444): ProcDirEntry => ({ name, mode: S_IFREG | mode, show, ino: pid_ino(pid, i), task });
  const link = (name: string, i: number, fn: (t: Task) => string | number): ProcDirEntry => ({ name, mode: S_IFLNK | 0o777, link: guarded_link(target, fn), ino: pid_ino(pid, i), task });
  const gone = (): boolean => !k.tasks.has(pid);
  const entries: ProcDirEntry[] = [
    file('status', 1, () => (gone() ? -ESRCH : proc_pid_status(target))),
    file('stat', 2, () => (gone() ? -ESRCH : proc_pid_stat(target))),
    file('cmdline', 3, () => vector_strings(k, target, 0)),
    file('comm', 4, () => target.comm + '\n', 0o644),
    file('maps', 5, guarded(target, () => proc_pid_maps(target))),
    file('environ', 6, guarded(target, () => vector_strings(k, target, 1)), 0o400),
    { ...link('cwd', 7, () => target.fs.pwd.path()), jump: guarded_jump(target, () => target.fs.pwd) },
    { ...link('root', 8, () => target.fs.root.path()), jump: guarded_jump(target, () => target.fs.root) },
    link('exe', 11, guarded_link(target, () => target.mm?.exe_file || -ENOENT)),
    {
      name: 'fd', mode: S_IFDIR | 0o500, ino: pid_ino(pid, 9), children: new Map(), task,
      permission: proc_fd_permission(target),
      dyn: {
        list: () => (target.files ? [...target.files.open_fds()].map(([fd]) => String(fd)) : []),
        lookup: (_t, name) => {
          if (!/^\d+$/.test(name) || !target.files) return null;
          const f = target.files.fcheck(Number(name));
          if (!f) return null;
          return { name, mode: S_IFLNK | 0o700, link: guarded_link(target, () => fd_link_target(f)), jump: guarded_jump(target, () => fd_jump(f)), ino: pid_ino(pid, 10) + Number(name) * 4096, task };
        },
      },
    },
    {
      name: 'fdinfo', mode: S_IFDIR | 0o555, ino: pid_ino(pid, 11), children: new Map(),
      dyn: {
        list: () => (target.files ? [...target.files.open_fds()].map(([fd]) => String(fd)) : []),
        lookup: (_t, name) => {
          if (!/^\d+$/.test(name) || !target.files) return null;
          const fd = Number(name), f = target.files.fcheck(fd);
          if (!f) return null;
          return { name, mode: S_IFREG | 0o444, show: (t) => (may_inspect(t, target) ? proc_fdinfo(target, fd, f) : -EACCES), ino: pid_ino(pid, 12) + fd * 4096 };
        },
      },
    },
  ];
  return { name: String(pid), mode: S_IFDIR | 0o555, children: new Map(entries.map((e) => [e.name, e])), ino: pid_ino(pid, 0), task };
}

/** Hooks /proc/PID into the proc root (proc_pid_lookup, proc_pid_readdir). */
export function proc_base_init(k: Kernel): void {
  const root = proc_sb(k).root;
  root.dyn = {
    lookup: (_t, name) => {
      if (!/^\d+$/.test(name)) return null;
      const target = k.tasks.get(Number(name));
      return target && target.alive ? proc_pid_entry(k, target) : null;
    },
    list: () => [...k.tasks.values()].filter((t) => t.alive && t.pid === t.tgid).map((t) => String(t.pid)),
  };
}
