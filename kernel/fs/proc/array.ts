/**
 * /proc/PID/status and /proc/PID/stat (fs/proc/array.c), from the task's own fields.
 */
import type { Task } from '../../sched/task.ts';
import type { MmStruct, VmArea } from '../../mm/mm_types.ts';
import { PAGE_SIZE } from '../../mm/page_alloc.ts';
import { MAP_GROWSDOWN, MAP_SHARED, PROT_WRITE } from '../../include/uapi/mman.ts';
import { TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_STOPPED, EXIT_ZOMBIE } from '../../sched/task.ts';

const USER_HZ = 100;

export function task_state(t: Task): [string, string] {
  if (t.exit_state & EXIT_ZOMBIE) return ['Z', 'zombie'];
  if (t.exit_state) return ['X', 'dead'];
  if (t.state === TASK_RUNNING) return ['R', 'running'];
  if (t.state === TASK_INTERRUPTIBLE) return ['S', 'sleeping'];
  if (t.state === TASK_STOPPED) return ['T', 'stopped'];
  return ['D', 'disk sleep'];
}

export function task_ppid(t: Task): number {
  const leader = t.kernel.tasks.get(t.tgid) ?? t;
  return leader.parent && leader.parent.alive ? leader.parent.tgid : 0;
}

function threads(t: Task): number {
  let n = 0;
  for (const x of t.kernel.tasks.values()) if (x.tgid === t.tgid && x.alive) n++;
  return n || 1;
}

const hex64 = (hi: number, lo: number): string => (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

/** The signal sets of sigaction handlers: ignored and caught (collect_sigign_sigcatch). */
function sig_masks(t: Task): [string, string] {
  let ign_lo = 0, ign_hi = 0, cgt_lo = 0, cgt_hi = 0;
  t.sighand.action.forEach((a, sig) => {
    if (sig === 0 || sig > 64) return;
    const bit = 1 << ((sig - 1) % 32), hi = sig > 32;
    if (a.handler === 1) { if (hi) ign_hi |= bit; else ign_lo |= bit; } else if (a.handler > 1) { if (hi) cgt_hi |= bit; else cgt_lo |= bit; }
  });
  return [hex64(ign_hi, ign_lo), hex64(cgt_hi, cgt_lo)];
}

export function vm_size_kb(t: Task): number {
  let bytes = 0;
  for (const v of t.mm?.vmas ?? []) bytes += v.end - v.start;
  return bytes >> 10;
}

const kB = (pages: number): string => `${String(pages * (PAGE_SIZE >> 10)).padStart(8)} kB`;

/** Resident pages of each kind, and the page-table pages that map them (a walk of the tables). */
function mm_counters(mm: MmStruct): { anon: number; file: number; pte: number } {
  let anon = 0, file = 0;
  const tables = new Set<number>();
  for (const v of mm.vmas) {
    for (let a = v.start; a < v.end; a += PAGE_SIZE) {
      if (mm.pt.pfn_of(a) < 0) continue;
      if (v.file) file++; else anon++;
      // One last-level table per 2 MiB, one directory per 1 GiB, one per 512 GiB.
      tables.add(Math.floor(a / 2 ** 21)); tables.add(-1 - Math.floor(a / 2 ** 30)); tables.add(-(2 ** 40) - Math.floor(a / 2 ** 39));
    }
  }
  return { anon, file, pte: tables.size };
}

/** task_mem(): the Vm* and Rss* lines (sizes in kB). */
export function task_mem(mm: MmStruct): string[] {
  const size = (pred: (v: VmArea) => boolean): number => mm.vmas.filter(pred).reduce((s, v) => s + (v.end - v.start) / PAGE_SIZE, 0);
  const total = mm.total_vm(), c = mm_counters(mm), rss = c.anon + c.file;
  mm.hiwater_vm = Math.max(mm.hiwater_vm, total);
  mm.hiwater_rss = Math.max(mm.hiwater_rss, rss);
  const stack = size((v) => (v.flags & MAP_GROWSDOWN) !== 0);
  const data = size((v) => (v.prot & PROT_WRITE) !== 0 && !(v.flags & (MAP_SHARED | MAP_GROWSDOWN)));
  const exe = size((v) => v.name === '[text]');
  return [`VmPeak:\t${kB(mm.hiwater_vm)}`, `VmSize:\t${kB(total)}`, `VmLck:\t${kB(0)}`, `VmPin:\t${kB(0)}`,
    `VmHWM:\t${kB(mm.hiwater_rss)}`, `VmRSS:\t${kB(rss)}`, `RssAnon:\t${kB(c.anon)}`, `RssFile:\t${kB(c.file)}`,
    `RssShmem:\t${kB(0)}`, `VmData:\t${kB(data)}`, `VmStk:\t${kB(stack)}`, `VmExe:\t${kB(exe)}`, `VmLib:\t${kB(0)}`,
    `VmPTE:\t${kB(c.pte)}`, `VmSwap:\t${kB(0)}`];
}

export function proc_pid_status(t: Task): string {
  const c = t.cred, [st, name] = task_state(t), [ign, cgt] = sig_masks(t);
  let maxfd = 0;
  if (t.files) for (const [fd] of t.files.open_fds()) maxfd = fd;
  const fdsize = Math.max(64, 2 ** Math.ceil(Math.log2(maxfd + 1)));
  return [
    `Name:\t${t.comm}`, `Umask:\t${(t.fs?.umask ?? 0o22).toString(8).padStart(4, '0')}`, `State:\t${st} (${name})`,
    `Tgid:\t${t.tgid}`, `Ngid:\t0`, `Pid:\t${t.pid}`, `PPid:\t${task_ppid(t)}`, `TracerPid:\t0`,
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}`, `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}`,
    `FDSize:\t${fdsize}`, `Groups:\t${c.groups.join(' ')}${c.groups.length ? ' ' : ''}`,
    ...(t.mm ? task_mem(t.mm) : []), `Threads:\t${threads(t)}`,
    `SigQ:\t0/0`, `SigPnd:\t${hex64(t.pending_hi, t.pending_lo)}`, `ShdPnd:\t${hex64(0, 0)}`, `SigBlk:\t${hex64(t.blocked_hi, t.blocked_lo)}`,
    `SigIgn:\t${ign}`, `SigCgt:\t${cgt}`, `CapInh:\t0000000000000000`,
    `CapPrm:\t${c.euid === 0 ? '000001ffffffffff' : '0000000000000000'}`, `CapEff:\t${c.euid === 0 ? '000001ffffffffff' : '0000000000000000'}`,
    `Seccomp:\t0`, `voluntary_ctxt_switches:\t0`, `nonvoluntary_ctxt_switches:\t0`, '',
  ].join('\n');
}

/** do_task_stat(): the 52 fields of /proc/PID/stat. Times are in USER_HZ ticks of the task's cycles. */
export function proc_pid_stat(t: Task): string {
  const hz = t.kernel.cpu.profile.hz;
  const ticks = (cycles: number): number => Math.floor(cycles / hz * USER_HZ);
  const [st] = task_state(t);
  const vsize = vm_size_kb(t) * 1024;
  const mm = t.mm;
  const f = [t.pid, `(${t.comm})`, st, task_ppid(t), t.pgrp, t.session, /* tty_nr */ t.tty?.dev ?? 0, /* tpgid */ t.tty?.pgrp || -1, /* flags */ 4194304,
    0, 0, 0, 0, ticks(t.utime), ticks(t.stime), 0, 0, /* priority */ 20 + t.nice, /* nice */ t.nice, threads(t), 0,
    Math.floor(t.start_time / 1e7), vsize, /* rss */ 0, /* rsslim */ '18446744073709551615', /* startcode, endcode */ 0, 0,
    mm?.start_stack ?? 0, /* kstkesp, kstkeip, signal, blocked, sigignore, sigcatch, wchan, nswap, cnswap */ 0, 0, 0, 0, 0, 0, 0, 0, 0,
    t.exit_signal, /* processor, rt_priority, policy, blkio, guest, cguest */ 0, 0, 0, 0, 0, 0,
    /* start_data, end_data */ 0, 0, mm?.start_brk ?? 0, mm?.arg_start ?? 0, mm?.arg_end ?? 0, mm?.env_start ?? 0, mm?.env_end ?? 0, t.exit_code];
  return f.join(' ') + '\n';
}
