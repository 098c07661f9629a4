/**
 * The real/effective/saved/fs id syscalls of kernel/sys.c: setreuid, setregid, setresuid,
 * setresgid, getresuid, getresgid, setfsuid, setfsgid (setuid/setgid are in sys.ts). -1 leaves
 * an id unchanged; an unprivileged task may only move among the ids it already has; privilege
 * is CAP_SETUID/CAP_SETGID (an effective uid of 0, see capability.ts). The fs id follows the
 * effective one. https://man7.org/linux/man-pages/man2/setresuid.2.html
 */
import { CAP_SETGID, CAP_SETUID } from './include/uapi/capability.ts';
import { EFAULT, EPERM } from './include/uapi/errno.ts';
import { capable } from './capability.ts';
import { put_user_u32 } from './mm/uaccess.ts';
import type { Cred, Task } from './sched/task.ts';
import type { SyscallDef } from './syscalls/syscall_def.ts';
import { commit_creds } from './sys.ts';
import type { UserPtr } from './include/linux/compiler_types.ts';

const NOCHANGE = 0xffffffff;

/** One id family of struct cred: the uid fields or the gid fields. */
interface Ids { r: number; e: number; s: number; fs: number }
const uids = (c: Cred): Ids => ({ r: c.uid, e: c.euid, s: c.suid, fs: c.fsuid });
const gids = (c: Cred): Ids => ({ r: c.gid, e: c.egid, s: c.sgid, fs: c.fsgid });
function store(c: Cred, gid: boolean, v: Ids): void {
  if (gid) { c.gid = v.r; c.egid = v.e; c.sgid = v.s; c.fsgid = v.fs; } else { c.uid = v.r; c.euid = v.e; c.suid = v.s; c.fsuid = v.fs; }
}

/** __sys_setreuid() / __sys_setregid() */
function do_setre(t: Task, gid: boolean, r: number, e: number): number {
  const old = t.cred.clone(), o = gid ? gids(old) : uids(old);
  const priv = capable(t, gid ? CAP_SETGID : CAP_SETUID);
  if (r !== NOCHANGE && r !== o.r && r !== o.e && !priv) return -EPERM;
  if (e !== NOCHANGE && e !== o.r && e !== o.e && e !== o.s && !priv) return -EPERM;
  const n: Ids = { ...o };
  if (r !== NOCHANGE) n.r = r;
  if (e !== NOCHANGE) n.e = e;
  // The saved id follows the effective one when the real id is set or the effective one moves off it.
  if (r !== NOCHANGE || (e !== NOCHANGE && e !== o.r)) n.s = n.e;
  n.fs = n.e;
  store(t.cred, gid, n);
  commit_creds(t, old);
  return 0;
}

/** __sys_setresuid() / __sys_setresgid() */
function do_setres(t: Task, gid: boolean, r: number, e: number, s: number): number {
  const old = t.cred.clone(), o = gid ? gids(old) : uids(old);
  if ((r === NOCHANGE || r === o.r) && (e === NOCHANGE || (e === o.e && e === o.fs)) && (s === NOCHANGE || s === o.s)) return 0;
  const fresh = (v: number): boolean => v !== NOCHANGE && v !== o.r && v !== o.e && v !== o.s;
  if ((fresh(r) || fresh(e) || fresh(s)) && !capable(t, gid ? CAP_SETGID : CAP_SETUID)) return -EPERM;
  const n: Ids = { ...o };
  if (r !== NOCHANGE) n.r = r;
  if (e !== NOCHANGE) n.e = e;
  if (s !== NOCHANGE) n.s = s;
  n.fs = n.e;
  store(t.cred, gid, n);
  commit_creds(t, old);
  return 0;
}

/** getresuid()/getresgid(): three put_user()s in order, the first fault ends it. */
function do_getres(t: Task, v: Ids, ur: UserPtr, ue: UserPtr, us: UserPtr): number {
  return put_user_u32(t, ur, v.r) || put_user_u32(t, ue, v.e) || put_user_u32(t, us, v.s);
}

/** __sys_setfsuid() / __sys_setfsgid(): returns the old fs id whether or not it changed. */
function do_setfs(t: Task, gid: boolean, id: number): number {
  const old = t.cred.clone(), o = gid ? gids(old) : uids(old);
  if (id === NOCHANGE) return o.fs;
  if (id === o.r || id === o.e || id === o.s || id === o.fs || capable(t, gid ? CAP_SETGID : CAP_SETUID)) {
    store(t.cred, gid, { ...o, fs: id });
    commit_creds(t, old);
  }
  return o.fs;
}

export const sys_setreuid = (t: Task, r: number, e: number): number => do_setre(t, false, r, e);
export const sys_setregid = (t: Task, r: number, e: number): number => do_setre(t, true, r, e);
export const sys_setresuid = (t: Task, r: number, e: number, s: number): number => do_setres(t, false, r, e, s);
export const sys_setresgid = (t: Task, r: number, e: number, s: number): number => do_setres(t, true, r, e, s);
export const sys_getresuid = (t: Task, r: UserPtr, e: UserPtr, s: UserPtr): number => do_getres(t, uids(t.cred), r, e, s);
export const sys_getresgid = (t: Task, r: UserPtr, e: UserPtr, s: UserPtr): number => do_getres(t, gids(t.cred), r, e, s);
export const sys_setfsuid = (t: Task, id: number): number => do_setfs(t, false, id);
export const sys_setfsgid = (t: Task, id: number): number => do_setfs(t, true, id);

export const setid_syscalls: readonly SyscallDef[] = [
  { name: 'setreuid', fn: sys_setreuid, args: ['unsigned int', 'unsigned int'] },
  { name: 'setregid', fn: sys_setregid, args: ['unsigned int', 'unsigned int'] },
  { name: 'setresuid', fn: sys_setresuid, args: ['unsigned int', 'unsigned int', 'unsigned int'] },
  { name: 'setresgid', fn: sys_setresgid, args: ['unsigned int', 'unsigned int', 'unsigned int'] },
  { name: 'getresuid', fn: sys_getresuid, args: ['ptr', 'ptr', 'ptr'] },
  { name: 'getresgid', fn: sys_getresgid, args: ['ptr', 'ptr', 'ptr'] },
  { name: 'setfsuid', fn: sys_setfsuid, args: ['unsigned int'] },
  { name: 'setfsgid', fn: sys_setfsgid, args: ['unsigned int'] },
];
