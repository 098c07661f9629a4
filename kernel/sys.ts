/**
 * Identity and system information syscalls (kernel/sys.c, kernel/printk/printk.c syslog).
 */
import { randomFillSync } from 'node:crypto';
import { EACCES, EFAULT, EINVAL, EPERM, ESRCH } from './include/uapi/errno.ts';
import { CAP_SETGID, CAP_SETUID, CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_SYSLOG } from './include/uapi/capability.ts';
import {
  MAX_NICE, MIN_NICE, PRIO_PGRP, PRIO_PROCESS, PRIO_USER, RLIM_NLIMITS, RLIMIT_NICE, RLIMIT_NOFILE,
} from './include/uapi/resource.ts';
import { capable } from './capability.ts';
import { copy_to_user, copy_from_user } from './mm/uaccess.ts';
import { yield_cpu } from './sched/core.ts';
import type { Cred, Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import type { SysRet } from './fs/fs_types.ts';
import { group_leader } from './sched/signal.ts';
import { sys_then } from './sched/wait.ts';
import { USER_NULL, user_ptr_add, type UserPtr } from './include/linux/compiler_types.ts';

export const UTS_RELEASE = '6.18.0-privos';
export const UTS_VERSION = '#1 SMP PREEMPT_DYNAMIC privos';

export function sys_getpid(t: Task): number { return t.tgid; }
export function sys_gettid(t: Task): number { return t.pid; }
export function sys_getppid(t: Task): number {
  const leader = t.kernel.tasks.get(t.tgid) ?? t;
  return leader.parent && leader.parent.alive ? leader.parent.tgid : 0;
}
export function sys_getuid(t: Task): number { return t.cred.uid; }
export function sys_geteuid(t: Task): number { return t.cred.euid; }
export function sys_getgid(t: Task): number { return t.cred.gid; }
export function sys_getegid(t: Task): number { return t.cred.egid; }

/**
 * commit_creds()'s dumpable rule: a change of the effective or fs ids makes the process
 * non-dumpable (suid_dumpable 0), so a former root process stays closed to its new uid.
 */
export function commit_creds(t: Task, old: Cred): void {
  const c = t.cred;
  if (t.mm && (c.euid !== old.euid || c.egid !== old.egid || c.fsuid !== old.fsuid || c.fsgid !== old.fsgid)) t.mm.dumpable = false;
}

/** A task by pid, zombies included until reaped (find_task_by_vpid), or null. */
function find_process(t: Task, pid: number): Task | null {
  return t.kernel.tasks.get(pid) ?? null;
}

/** Does a process group with id pgrp exist in session sid? */
function pgrp_in_session(t: Task, pgrp: number, sid: number): boolean {
  for (const x of t.kernel.tasks.values()) if (x.alive && x.pgrp === pgrp && x.session === sid) return true;
  return false;
}

/** Moves every thread of p's process into process group pgrp (change_pid(PIDTYPE_PGID)). */
function set_pgrp(p: Task, pgrp: number): void {
  for (const x of p.kernel.tasks.values()) if (x.tgid === p.tgid) x.pgrp = pgrp;
}

/**
 * setpgid(2): pid 0 is the caller, pgid 0 is pid. The target is the caller or a child that has
 * not exec'd, in the caller's session, not a session leader; the group must exist in that
 * session unless it is the target's own new group.
 */
export function sys_setpgid(t: Task, pid: number, pgid: number): number {
  const me = group_leader(t);
  if (!pid) pid = me.pid;
  if (!pgid) pgid = pid;
  if (pgid < 0) return -EINVAL;
  const p = find_process(t, pid);
  if (!p) return -ESRCH;
  if (p.pid !== p.tgid) return -EINVAL;
  if (p.parent && p.parent.tgid === me.tgid) {
    if (p.session !== me.session) return -EPERM;
    if (!p.forknoexec) return -EACCES;
  } else if (p !== me) return -ESRCH;
  if (p.session === p.pid) return -EPERM; // a session leader stays in its group
  if (pgid !== pid && !pgrp_in_session(t, pgid, me.session)) return -EPERM;
  set_pgrp(p, pgid);
  return 0;
}

/** getpgid(2): pid 0 is the caller. */
export function sys_getpgid(t: Task, pid: number): number {
  const p = pid ? find_process(t, pid) : t;
  return p ? p.pgrp : -ESRCH;
}

export function sys_getpgrp(t: Task): number { return t.pgrp; }

/** getsid(2): pid 0 is the caller. */
export function sys_getsid(t: Task, pid: number): number {
  const p = pid ? find_process(t, pid) : t;
  return p ? p.session : -ESRCH;
}

/**
 * setsid(2): a new session and process group led by the caller, with no controlling
 * terminal; EPERM when a process group with the caller's pid already exists.
 */
export function sys_setsid(t: Task): number {
  const me = group_leader(t);
  for (const x of t.kernel.tasks.values()) if (x.alive && x.pgrp === me.pid) return -EPERM;
  for (const x of t.kernel.tasks.values()) {
    if (x.tgid !== me.tgid) continue;
    x.session = x.pgrp = me.pid;
    x.tty = null;
  }
  return me.pid;
}

/** setuid(2): root sets all ids; others may only set the effective id to the real or saved one. */
export function sys_setuid(t: Task, uid: number): number {
  const c = t.cred, old = c.clone();
  if (uid === 0xffffffff) return -EINVAL;
  if (capable(t, CAP_SETUID)) { c.uid = c.euid = c.suid = c.fsuid = uid; }
  else if (uid === c.uid || uid === c.suid) { c.euid = c.fsuid = uid; }
  else return -EPERM;
  commit_creds(t, old);
  return 0;
}

export function sys_setgid(t: Task, gid: number): number {
  const c = t.cred, old = c.clone();
  if (gid === 0xffffffff) return -EINVAL;
  if (capable(t, CAP_SETGID)) { c.gid = c.egid = c.sgid = c.fsgid = gid; }
  else if (gid === c.gid || gid === c.sgid) { c.egid = c.fsgid = gid; }
  else return -EPERM;
  commit_creds(t, old);
  return 0;
}

const enc = new TextEncoder();

/** uname(2): struct new_utsname, six fields of 65 bytes. */
export function sys_newuname(t: Task, ubuf: UserPtr): number {
  const b = new Uint8Array(65 * 6);
  const machine = t.kernel.arch.name === 'arm64' ? 'aarch64' : 'x86_64';
  ['Linux', 'privos', UTS_RELEASE, UTS_VERSION, machine, '(none)'].forEach((s, i) => b.set(enc.encode(s).subarray(0, 64), i * 65));
  return copy_to_user(t, ubuf, b, 0, b.length) ? -EFAULT : 0;
}

export function sys_sched_yield(t: Task): SysRet {
  return t.kernel.nr_running > 1 ? sys_then(t, yield_cpu(t), () => 0) : 0;
}

/** set_tid_address(2): where exit writes 0 and wakes a futex waiter (mm_release). */
export function sys_set_tid_address(t: Task, tidptr: UserPtr): number {
  t.clear_child_tid = tidptr;
  return t.pid;
}

/** getrandom(2): GRND_NONBLOCK=1, GRND_RANDOM=2, GRND_INSECURE=4. */
export function sys_getrandom(t: Task, ubuf: UserPtr, count: number, flags: number): number {
  if (flags & ~7 || (flags & 6) === 6) return -EINVAL;
  // count is a size_t: a "negative" value is a huge one; Linux caps a call at MAX_RW_COUNT.
  const n = Math.min(count < 0 ? Number.MAX_SAFE_INTEGER : count, 0x7ffff000);
  const b = new Uint8Array(Math.min(n, 65536));
  let done = 0;
  while (done < n) {
    const c = Math.min(n - done, b.length);
    randomFillSync(b, 0, c);
    if (copy_to_user(t, user_ptr_add(ubuf, done), b, 0, c)) return done || -EFAULT;
    done += c;
  }
  return done;
}

// syslog(2) actions (include/linux/syslog.h)
export const SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_CLEAR = 5, SYSLOG_ACTION_SIZE_UNREAD = 9, SYSLOG_ACTION_SIZE_BUFFER = 10;

/** syslog(2) — the glibc name is klogctl. Reads the whole ring (READ_ALL) or sizes it. */
export function sys_syslog(t: Task, type: number, ubuf: UserPtr, len: number): number {
  const log = t.kernel.log;
  switch (type) {
    case 0: case 1: return 0; // close, open
    case SYSLOG_ACTION_READ_ALL: {
      if (len < 0) return -EINVAL;
      if (!ubuf && len) return -EINVAL;
      const all = enc.encode(log.text());
      const part = all.subarray(Math.max(0, all.length - len));
      return copy_to_user(t, ubuf, part, 0, part.length) ? -EFAULT : part.length;
    }
    case 4: case SYSLOG_ACTION_CLEAR: {
      if (!capable(t, CAP_SYSLOG)) return -EPERM;
      log.clear();
      return 0;
    }
    case SYSLOG_ACTION_SIZE_UNREAD: return enc.encode(log.text()).length;
    case SYSLOG_ACTION_SIZE_BUFFER: return 1 << 17;
    case 6: case 7: case 8: return 0;
    default: return -EINVAL;
  }
}

const RLIM_INFINITY = 2 ** 64 - 1;
/** /proc/sys/fs/nr_open */
const NR_OPEN = 1048576;

type Rlimit = { cur: number; max: number };

function read_rlimit(t: Task, ptr: UserPtr): Rlimit | number {
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  if (copy_from_user(t, b, 0, ptr, 16)) return -EFAULT;
  const get = (o: number): number => {
    const hi = dv.getUint32(o + 4, true), lo = dv.getUint32(o, true);
    return hi === 0xffffffff && lo === 0xffffffff ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + lo;
  };
  return { cur: get(0), max: get(8) };
}

function write_rlimit(t: Task, ptr: UserPtr, r: Rlimit): number {
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  const put = (o: number, v: number): void => {
    if (v >= Number.MAX_SAFE_INTEGER || v === RLIM_INFINITY) { dv.setUint32(o, 0xffffffff, true); dv.setUint32(o + 4, 0xffffffff, true); }
    else { dv.setUint32(o, v % 2 ** 32, true); dv.setUint32(o + 4, Math.floor(v / 2 ** 32), true); }
  };
  put(0, r.cur); put(8, r.max);
  return copy_to_user(t, ptr, b, 0, 16) ? -EFAULT : 0;
}

/**
 * check_prlimit_permission(): another process's limits need its real, effective and saved
 * uid and gid all equal to the caller's real ones, or CAP_SYS_RESOURCE. Reading counts too.
 */
function check_prlimit_permission(t: Task, target: Task): number {
  if (target === t) return 0;
  const c = t.cred, tc = target.cred;
  const id_match = c.uid === tc.euid && c.uid === tc.suid && c.uid === tc.uid &&
    c.gid === tc.egid && c.gid === tc.sgid && c.gid === tc.gid;
  return id_match || capable(t, CAP_SYS_RESOURCE) ? 0 : -EPERM;
}

/** do_prlimit(): the checks on the resource and the new value, then the swap. */
function do_prlimit(t: Task, target: Task, resource: number, next: Rlimit | null): Rlimit | number {
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  if (next) {
    if (next.cur > next.max) return -EINVAL;
    if (resource === RLIMIT_NOFILE && next.max > NR_OPEN) return -EPERM;
  }
  const old = target.rlim[resource];
  if (next && next.max > old.max && !capable(t, CAP_SYS_RESOURCE)) return -EPERM;
  if (next) target.rlim[resource] = next;
  return old;
}

/** prlimit64(2): EFAULT (new value), ESRCH, EPERM (permission), then do_prlimit's errors. */
export function sys_prlimit64(t: Task, pid: number, resource: number, new_ptr: UserPtr, old_ptr: UserPtr): number {
  let next: Rlimit | null = null;
  if (new_ptr) {
    const r = read_rlimit(t, new_ptr);
    if (typeof r === 'number') return r;
    next = r;
  }
  const target = pid === 0 ? t : t.kernel.tasks.get(pid);
  if (!target || !target.alive) return -ESRCH;
  const perm = check_prlimit_permission(t, target);
  if (perm) return perm;
  const old = do_prlimit(t, target, resource, next);
  if (typeof old === 'number') return old;
  return old_ptr ? write_rlimit(t, old_ptr, old) : 0;
}

export const sys_getrlimit = (t: Task, res: number, ptr: UserPtr): number => sys_prlimit64(t, 0, res, USER_NULL, ptr);
export const sys_setrlimit = (t: Task, res: number, ptr: UserPtr): number => sys_prlimit64(t, 0, res, ptr, USER_NULL);

// ---- nice: getpriority/setpriority (kernel/sys.c) ----

/** The processes `which`/`who` names (PRIO_PGRP: privos has no process groups, so the caller's family is not modelled; pgrp 0 is the caller). */
function prio_targets(t: Task, which: number, who: number): Task[] | number {
  const k = t.kernel;
  const leaders = (): Task[] => [...k.tasks.values()].filter((x) => x.alive && x.pid === x.tgid);
  switch (which) {
    case PRIO_PROCESS: case PRIO_PGRP: {
      if (who === 0) return [t];
      const p = k.tasks.get(who);
      return p && p.alive && (which === PRIO_PROCESS || p.tgid === who) ? [p] : [];
    }
    case PRIO_USER: {
      const uid = who === 0 ? t.cred.uid : who >>> 0;
      return leaders().filter((x) => x.cred.uid === uid);
    }
    default: return -EINVAL;
  }
}

/** nice_to_rlimit(): 19..-20 as 1..40, the scale RLIMIT_NICE and the raw getpriority use. */
const nice_to_rlimit = (nice: number): number => 20 - nice;

/** can_nice(): lowering nice needs RLIMIT_NICE room or CAP_SYS_NICE. */
export function can_nice(t: Task, p: Task, nice: number): boolean {
  return nice_to_rlimit(nice) <= p.rlim[RLIMIT_NICE].cur || capable(t, CAP_SYS_NICE);
}

/** set_one_prio(): the target's real or effective uid must be the caller's euid, or CAP_SYS_NICE. */
function set_one_prio(t: Task, p: Task, nice: number): number {
  const c = t.cred, pc = p.cred;
  if (pc.uid !== c.euid && pc.euid !== c.euid && !capable(t, CAP_SYS_NICE)) return -EPERM;
  if (nice < p.nice && !can_nice(t, p, nice)) return -EACCES;
  p.nice = nice;
  return 0;
}

/** setpriority(2): the last error wins; ESRCH when nothing matched. */
export function sys_setpriority(t: Task, which: number, who: number, niceval: number): number {
  const targets = prio_targets(t, which, who);
  if (typeof targets === 'number') return targets;
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, niceval));
  let error = -ESRCH;
  for (const p of targets) error = set_one_prio(t, p, nice);
  return error;
}

/** getpriority(2): the highest priority as 40..1 (glibc turns it into a nice value); no permission needed. */
export function sys_getpriority(t: Task, which: number, who: number): number {
  const targets = prio_targets(t, which, who);
  if (typeof targets === 'number') return targets;
  if (targets.length === 0) return -ESRCH;
  return Math.max(...targets.map((p) => nice_to_rlimit(p.nice)));
}

export const sys_syscalls: readonly SyscallDef[] = [
  { name: 'getpid', fn: sys_getpid },
  { name: 'gettid', fn: sys_gettid },
  { name: 'getppid', fn: sys_getppid },
  { name: 'getuid', fn: sys_getuid },
  { name: 'geteuid', fn: sys_geteuid },
  { name: 'getgid', fn: sys_getgid },
  { name: 'getegid', fn: sys_getegid },
  { name: 'setuid', fn: sys_setuid, args: ['unsigned int'] },
  { name: 'setgid', fn: sys_setgid, args: ['unsigned int'] },
  { name: 'setpgid', fn: sys_setpgid, args: ['int', 'int'] },
  { name: 'getpgid', fn: sys_getpgid, args: ['int'] },
  { name: 'getpgrp', fn: sys_getpgrp },
  { name: 'getsid', fn: sys_getsid, args: ['int'] },
  { name: 'setsid', fn: sys_setsid },
  { name: 'uname', fn: sys_newuname, args: ['ptr'] },
  { name: 'sched_yield', fn: sys_sched_yield },
  { name: 'set_tid_address', fn: sys_set_tid_address, args: ['ptr'] },
  { name: 'getrandom', fn: sys_getrandom, args: ['ptr', 'size_t', 'unsigned int hex'] },
  { name: 'syslog', fn: sys_syslog, args: ['int', 'ptr', 'int'], support: 'partial', note: 'READ (2) and READ_CLEAR (4) read all without consuming' },
  { name: 'prlimit64', fn: sys_prlimit64, args: ['int', 'unsigned int', 'ptr', 'ptr'], support: 'partial', note: 'limits are stored; RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_FSIZE, RLIMIT_NICE and RLIMIT_CPU (checked at the user-op ticks of instrumented images, every 2^16 ops) are enforced' },
  { name: 'getpriority', fn: sys_getpriority, args: ['int', 'int'], support: 'partial', note: 'no process groups: PRIO_PGRP names one process (who 0: the caller)' },
  { name: 'setpriority', fn: sys_setpriority, args: ['int', 'int', 'int'], support: 'partial', note: 'the nice value is stored and shown in /proc/PID/stat; it does not change the time slice; no process groups (PRIO_PGRP names one process)' },
  { name: 'getrlimit', fn: sys_getrlimit, args: ['unsigned int', 'ptr'] },
  { name: 'setrlimit', fn: sys_setrlimit, args: ['unsigned int', 'ptr'] },
];
