/**
 * prlimit(1) (util-linux): get or set a process's resource limits with prlimit64(2).
 *   prlimit [--pid PID] [--RESOURCE[=LIMITS]]... [COMMAND [ARG]...]
 * LIMITS is `soft:hard`, `soft:` (hard kept), `:hard` (soft kept) or `value` (both), each a
 * number or `unlimited`. With COMMAND the limits are set on prlimit itself, which then execs
 * COMMAND (found on PATH) and so hands them down; with --pid they are set on that process;
 * a resource given without LIMITS, or none at all, prints the table. The kernel's rules apply
 * (raising a hard limit needs CAP_SYS_RESOURCE, NOFILE stops at fs.nr_open): a refusal is
 * "prlimit: failed to set the NOFILE resource limit: Operation not permitted", status 1.
 * https://man7.org/linux/man-pages/man1/prlimit.1.html
 */
import type { Libc } from '../../libc/index.ts';
import { err, out } from '../coreutils/common.ts';

/** The resources: long option, short option, name, description, units (RLIMIT_* = index). */
const RES: readonly (readonly [string, string, string, string, string])[] = [
  ['cpu', 't', 'CPU', 'CPU time', 'seconds'], ['fsize', 'f', 'FSIZE', 'max file size', 'bytes'],
  ['data', 'd', 'DATA', 'max data size', 'bytes'], ['stack', 's', 'STACK', 'max stack size', 'bytes'],
  ['core', 'c', 'CORE', 'max core file size', 'bytes'], ['rss', 'm', 'RSS', 'max resident set size', 'bytes'],
  ['nproc', 'u', 'NPROC', 'max number of processes', 'processes'], ['nofile', 'n', 'NOFILE', 'max number of open files', 'files'],
  ['memlock', 'l', 'MEMLOCK', 'max locked-in-memory address space', 'bytes'], ['as', 'v', 'AS', 'address space limit', 'bytes'],
  ['locks', 'x', 'LOCKS', 'max number of file locks held', 'locks'], ['sigpending', 'i', 'SIGPENDING', 'max number of pending signals', 'signals'],
  ['msgqueue', 'q', 'MSGQUEUE', 'max bytes in POSIX mqueues', 'bytes'], ['nice', 'e', 'NICE', 'max nice prio allowed to raise', ''],
  ['rtprio', 'r', 'RTPRIO', 'max real-time priority', ''], ['rttime', 'y', 'RTTIME', 'timeout for real-time tasks', 'microsecs'],
];

/** One resource asked for: its number and, when setting, the soft and hard values (null: kept; -1: unlimited). */
interface Want { res: number; set: boolean; soft: number | null; hard: number | null }

const USAGE = 'Usage: prlimit [--pid PID] [--RESOURCE[=soft:hard]]... [COMMAND [ARG]...]';

/** A limit value: a decimal number or `unlimited`/`infinity` (-1); NaN when neither. */
function value(s: string): number {
  if (s === 'unlimited' || s === 'infinity') return -1;
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

/** `soft:hard`, `soft:`, `:hard` or `value`; null when malformed. */
function limits(res: number, s: string): Want | null {
  const at = s.indexOf(':');
  const soft = at < 0 ? value(s) : at === 0 ? null : value(s.slice(0, at));
  const hard = at < 0 ? soft : at === s.length - 1 ? null : value(s.slice(at + 1));
  if (Number.isNaN(soft) || Number.isNaN(hard) || (soft === null && hard === null)) return null;
  return { res, set: true, soft, hard };
}

/** Parses the options up to COMMAND: the wanted resources, the pid and where COMMAND starts; a message when bad. */
function parse(argv: string[]): { wants: Want[]; pid: number; cmd: number } | string {
  const wants: Want[] = [];
  let pid = 0, i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-p' || a === '--pid' || a.startsWith('--pid=')) {
      const v = a.startsWith('--pid=') ? a.slice(6) : argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) return `invalid PID argument: '${v ?? ''}'`;
      pid = Number(v);
      continue;
    }
    const long = a.startsWith('--'), eq = a.indexOf('=');
    const name = long ? a.slice(2, eq < 0 ? undefined : eq) : a.slice(1, 2);
    const r = RES.findIndex(([l, s]) => (long ? l === name : s === name));
    if (r < 0) return `unrecognized option '${a}'\n${USAGE}`;
    const arg = long ? (eq < 0 ? null : a.slice(eq + 1)) : (a.length > 2 ? a.slice(2) : null);
    const w = arg === null ? { res: r, set: false, soft: null, hard: null } : limits(r, arg);
    if (!w) return `failed to parse ${RES[r][2]} limit`;
    wants.push(w);
  }
  return { wants, pid, cmd: i };
}

/** Reads, then (when asked) writes one limit of pid; 0, or the errno and what failed. */
function apply(libc: Libc, pid: number, w: Want, rl: number): [number, string] {
  if ((libc.prlimit(pid, w.res, 0, rl) as number) < 0) return [libc.errno, 'get'];
  if (!w.set) return [0, ''];
  const put = (off: number, v: number | null): void => {
    if (v === null) return; // kept: the value just read stays
    if (v < 0) { libc.poke_u32(rl + off, 0xffffffff); libc.poke_u32(rl + off + 4, 0xffffffff); } else libc.poke_u64(rl + off, v);
  };
  put(0, w.soft); put(8, w.hard);
  return (libc.prlimit(pid, w.res, rl, 0) as number) < 0 ? [libc.errno, 'set'] : [0, ''];
}

/** One limit as the table shows it. */
function shown(libc: Libc, addr: number): string {
  return libc.peek_u32(addr) === 0xffffffff && libc.peek_u32(addr + 4) === 0xffffffff ? 'unlimited' : String(libc.peek_u64(addr));
}

async function table(libc: Libc, pid: number, res: number[], rl: number): Promise<number> {
  const rows = [['RESOURCE', 'DESCRIPTION', 'SOFT', 'HARD', 'UNITS']];
  for (const r of res) {
    if ((libc.prlimit(pid, r, 0, rl) as number) < 0) { await err(libc, `prlimit: failed to get the ${RES[r][2]} resource limit: ${libc.strerror(libc.errno)}`); return 1; }
    rows.push([RES[r][2], RES[r][3], shown(libc, rl), shown(libc, rl + 8), RES[r][4]]);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  await out(libc, rows.map((row) => row.map((c, i) => (i < 2 || i === 4 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' ').trimEnd() + '\n').join(''));
  return 0;
}

/** execvp: COMMAND as a path, or looked up on PATH; the shell's statuses when it cannot run. */
async function exec(libc: Libc, args: string[], envp: string[]): Promise<number> {
  const cmd = args[0];
  const path = envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/bin:/usr/bin';
  let e = libc.ENOENT;
  for (const p of cmd.includes('/') ? [cmd] : path.split(':').map((d) => `${d || '.'}/${cmd}`)) {
    await libc.execve(p, args, envp);
    if (libc.errno !== libc.ENOENT) e = libc.errno;
  }
  await err(libc, `prlimit: failed to execute ${cmd}: ${libc.strerror(e)}`);
  return e === libc.ENOENT ? 127 : 126;
}

export default async function main(libc: Libc, argv: string[], envp: string[]): Promise<number> {
  const p = parse(argv);
  if (typeof p === 'string') { await err(libc, `prlimit: ${p}`); return 1; }
  const rl = libc.malloc(16);
  for (const w of p.wants) {
    const [e, what] = apply(libc, p.pid, w, rl);
    if (e) { await err(libc, `prlimit: failed to ${what} the ${RES[w.res][2]} resource limit: ${libc.strerror(e)}`); return 1; }
  }
  if (p.cmd < argv.length) return exec(libc, argv.slice(p.cmd), envp);
  const shown_res = p.wants.filter((w) => !w.set).map((w) => w.res);
  if (shown_res.length || !p.wants.length) return table(libc, p.pid, shown_res.length ? shown_res : RES.map((_, i) => i), rl);
  return 0;
}
