/**
 * The shell's builtins: the POSIX special ones (: . break continue eval exec exit export
 * return set shift trap unset) and cd pwd echo true false read test [ wait jobs fg bg kill type umask ulimit.
 */
import { Job, job_state, shell_status, signal_names, signal_number } from './jobs.ts';
import { type Builtin, ExitShell, LoopCtl, ReturnFn, type Shell, ShellError } from './shell.ts';
import { trap } from './trap.ts';
import { ulimit } from './ulimit.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A job by %N, %+, %%, %-, %string or pid; the current job when spec is absent. */
function find_job(sh: Shell, spec: string | undefined, who: string): Job {
  const jobs = sh.jobs;
  if (!jobs.length && (!spec || spec.startsWith('%'))) throw new ShellError(`${who}: ${spec ?? 'current'}: no such job`, 2);
  if (!spec || spec === '%' || spec === '%%' || spec === '%+') return jobs[jobs.length - 1];
  if (spec === '%-') return jobs[Math.max(0, jobs.length - 2)];
  let j: Job | undefined;
  if (/^%\d+$/.test(spec)) j = jobs.find((x) => x.id === Number(spec.slice(1)));
  else if (spec.startsWith('%')) j = jobs.find((x) => x.text.startsWith(spec.slice(1)));
  else if (/^\d+$/.test(spec)) j = jobs.find((x) => x.procs.some((p) => p.pid === Number(spec)));
  if (!j) throw new ShellError(`${who}: ${spec}: no such job`, 2);
  return j;
}

const cd: Builtin = async (sh, argv) => {
  const lc = sh.lc;
  let dir = argv[1] ?? sh.vars.get('HOME')?.value;
  if (dir === undefined) return 0;
  if (dir === '-') { dir = sh.vars.get('OLDPWD')?.value ?? '.'; }
  if ((await lc.chdir(dir)) < 0) { await sh.err(`cd: can't cd to ${dir}`); return 2; }
  const buf = lc.malloc(4096);
  const n = (await lc.getcwd(buf, 4096)) as number;
  const pwd = n > 0 ? lc.cstr(buf) : dir;
  lc.free(buf);
  sh.setvar('OLDPWD', sh.vars.get('PWD')?.value ?? pwd);
  sh.setvar('PWD', pwd);
  if (argv[1] === '-') await sh.write(1, pwd + '\n');
  return 0;
};

const pwd: Builtin = async (sh) => {
  const buf = sh.lc.malloc(4096);
  const n = (await sh.lc.getcwd(buf, 4096)) as number;
  const s = n > 0 ? sh.lc.cstr(buf) : '';
  sh.lc.free(buf);
  if (n <= 0) { await sh.err(`pwd: ${sh.lc.strerror(sh.lc.errno)}`); return 2; }
  await sh.write(1, s + '\n');
  return 0;
};

/** dash's echo: -n, and the backslash escapes of XSI echo (\n \t \c \\ \0NNN …). */
const echo: Builtin = async (sh, argv) => {
  const args = argv.slice(1);
  let nl = true;
  if (args[0] === '-n') { nl = false; args.shift(); }
  let out = '';
  for (const [i, a] of args.entries()) {
    const cut = a.search(/\\c/);
    const s = (cut >= 0 ? a.slice(0, cut) : a).replace(/\\(0[0-7]{0,3}|[abfnrtv\\])/g, (_m, e: string) => {
      if (e[0] === '0') return String.fromCharCode(parseInt(e.slice(1) || '0', 8));
      return ({ a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' } as Record<string, string>)[e];
    });
    out += (i ? ' ' : '') + s;
    if (cut >= 0) return (await sh.write(1, out)) ? 0 : 1; // \c: no more output, no newline
  }
  return (await sh.write(1, out + (nl ? '\n' : ''))) ? 0 : 1;
};

const exit: Builtin = (sh, argv) => { throw new ExitShell(argv[1] !== undefined ? Number(argv[1]) & 0xff : sh.status); };

const export_: Builtin = async (sh, argv) => {
  if (argv.length === 1 || argv[1] === '-p') {
    for (const [k, v] of [...sh.vars].sort()) if (v.exported) await sh.write(1, `export ${k}='${v.value.replace(/'/g, "'\\''")}'\n`);
    return 0;
  }
  for (const a of argv.slice(1)) {
    const i = a.indexOf('=');
    const name = i < 0 ? a : a.slice(0, i);
    if (!NAME.test(name)) { await sh.err(`export: ${a}: bad variable name`); return 2; }
    sh.setvar(name, i < 0 ? sh.vars.get(name)?.value ?? '' : a.slice(i + 1), true);
    if (i < 0 && !sh.vars.get(name)?.value) sh.vars.get(name)!.exported = true;
  }
  return 0;
};

const unset: Builtin = (sh, argv) => {
  for (const a of argv.slice(1)) if (a !== '-v' && a !== '-f') { sh.vars.delete(a); if (argv[1] === '-f') sh.funcs.delete(a); }
  return 0;
};

const set: Builtin = async (sh, argv) => {
  if (argv.length === 1) {
    for (const [k, v] of [...sh.vars].sort()) await sh.write(1, `${k}='${v.value.replace(/'/g, "'\\''")}'\n`);
    return 0;
  }
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; sh.params = argv.slice(i); return 0; }
    if (!/^[-+][a-z]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      const on = a[0] === '-';
      if (f === 'e') sh.errexit = on; else if (f === 'x') sh.xtrace = on;
      else if (f !== 'm' && f !== 'u' && f !== 'f') { await sh.err(`set: Illegal option ${a[0]}${f}`); return 2; }
    }
  }
  if (i < argv.length) sh.params = argv.slice(i);
  return 0;
};

const shift: Builtin = async (sh, argv) => {
  const n = argv[1] ? Number(argv[1]) : 1;
  if (!(n >= 0) || n > sh.params.length) { await sh.err(`shift: can't shift that many`); return 2; }
  sh.params = sh.params.slice(n);
  return 0;
};

/** read [-r] [-p prompt] NAME…: one line, a byte at a time (the rest of the input is not consumed). */
const read: Builtin = async (sh, argv) => {
  const lc = sh.lc;
  let raw = false, i = 1;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    if (argv[i] === '-r') raw = true;
    else if (argv[i] === '-p') await sh.write(2, argv[++i] ?? '');
  }
  const names = argv.slice(i).length ? argv.slice(i) : ['REPLY'];
  const b = new Uint8Array(1);
  const bytes: number[] = [];
  let eof = false;
  for (;;) {
    const n = (await lc.read(0, b, 1)) as number;
    if (n < 0 && lc.errno === lc.EINTR) return 130;
    if (n <= 0) { eof = true; break; }
    if (b[0] === 10) { if (!raw && bytes[bytes.length - 1] === 92) { bytes.pop(); continue; } break; }
    bytes.push(b[0]);
  }
  let line = new TextDecoder().decode(Uint8Array.from(bytes));
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  const ifs = sh.vars.get('IFS')?.value ?? ' \t\n';
  const ws = `[${ifs.replace(/[\]\\^-]/g, '\\$&')}]`;
  line = line.replace(new RegExp(`^${ws}+`), '');
  for (const [k, name] of names.entries()) {
    if (k === names.length - 1) { sh.setvar(name, line.replace(new RegExp(`${ws}+$`), '')); break; }
    const m = new RegExp(`${ws}+`).exec(line);
    sh.setvar(name, m ? line.slice(0, m.index) : line);
    line = m ? line.slice(m.index + m[0].length) : '';
  }
  return eof && !bytes.length ? 1 : eof ? 1 : 0;
};

/** test / [: files, strings, integers, !, -a, -o, and parentheses-free grouping. */
const test_: Builtin = async (sh, argv) => {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') { await sh.err('[: missing ]'); return 2; }
    args = args.slice(0, -1);
  }
  const lc = sh.lc;
  const st = lc.malloc(256);
  const stat = async (p: string, l = false): Promise<{ mode: number; size: number } | null> =>
    ((l ? await lc.lstat(p, st) : await lc.stat(p, st)) as number) < 0 ? null : lc.parse_stat(st);
  const int = (s: string): number => { if (!/^\s*-?\d+\s*$/.test(s)) throw new ShellError(`test: Illegal number: ${s}`, 2); return Number(s); };
  const unary = async (op: string, a: string): Promise<boolean | undefined> => {
    switch (op) {
      case '-n': return a.length > 0;
      case '-z': return a.length === 0;
      case '-e': return !!(await stat(a));
      case '-f': return ((await stat(a))?.mode ?? 0) >> 12 === 8;
      case '-d': return ((await stat(a))?.mode ?? 0) >> 12 === 4;
      case '-c': return ((await stat(a))?.mode ?? 0) >> 12 === 2;
      case '-p': return ((await stat(a))?.mode ?? 0) >> 12 === 1;
      case '-h': case '-L': return ((await stat(a, true))?.mode ?? 0) >> 12 === 10;
      case '-s': return ((await stat(a))?.size ?? 0) > 0;
      case '-r': return (await lc.access(a, 4)) === 0;
      case '-w': return (await lc.access(a, 2)) === 0;
      case '-x': return (await lc.access(a, 1)) === 0;
      case '-t': return lc.isatty(int(a)) === 1;
    }
    return undefined;
  };
  const binary = (a: string, op: string, b: string): boolean | undefined => {
    switch (op) {
      case '=': case '==': return a === b;
      case '!=': return a !== b;
      case '-eq': return int(a) === int(b);
      case '-ne': return int(a) !== int(b);
      case '-lt': return int(a) < int(b);
      case '-le': return int(a) <= int(b);
      case '-gt': return int(a) > int(b);
      case '-ge': return int(a) >= int(b);
    }
    return undefined;
  };
  const prim = async (a: string[]): Promise<boolean> => {
    if (a[0] === '!' && a.length > 1) return !(await prim(a.slice(1)));
    if (a.length === 0) return false;
    if (a.length === 1) return a[0].length > 0;
    if (a.length === 2) { const r = await unary(a[0], a[1]); if (r === undefined) throw new ShellError(`test: ${a[0]}: unexpected operator`, 2); return r; }
    if (a.length === 3) { const r = binary(a[0], a[1], a[2]); if (r !== undefined) return r; }
    const o = a.indexOf('-o');
    if (o > 0) return (await prim(a.slice(0, o))) || prim(a.slice(o + 1));
    const n = a.indexOf('-a');
    if (n > 0) return (await prim(a.slice(0, n))) && prim(a.slice(n + 1));
    throw new ShellError(`test: ${a[a.length - 1]}: unexpected operator`, 2);
  };
  try { return (await prim(args)) ? 0 : 1; } finally { lc.free(st); }
};

const wait: Builtin = async (sh, argv) => {
  await sh.reap();
  const targets = argv.length > 1 ? argv.slice(1).map((a) => find_job(sh, a, 'wait')) : [...sh.jobs];
  const st = sh.lc.malloc(8);
  let status = 0;
  for (const j of targets) {
    for (const p of j.procs) {
      while (p.wstatus === null || p.stopped) {
        if (p.stopped) break;
        const r = (await sh.lc.waitpid(p.pid, st, 0)) as number;
                // A trapped signal ends wait with 128+SIG; its action runs right after (XCU wait).
        if (r < 0) { if (sh.lc.errno === sh.lc.EINTR) { sh.lc.free(st); return 128 + (sh.pending_traps[0] ?? 2); } p.wstatus = 127 << 8; break; }
        sh.note_status(r, sh.lc.peek_i32(st));
      }
    }
    status = j.stopped ? 128 + 20 : j.status;
    if (j.done) { await sh.report_signal(j); sh.jobs.splice(sh.jobs.indexOf(j), 1); }
  }
  sh.lc.free(st);
  return argv.length > 1 ? status : 0;
};

const jobs: Builtin = async (sh, argv) => {
  await sh.reap();
  const long = argv.includes('-l'), pids = argv.includes('-p');
  const cur = sh.jobs[sh.jobs.length - 1], prev = sh.jobs[sh.jobs.length - 2];
  for (const j of [...sh.jobs]) {
    if (pids) { await sh.write(1, `${j.pgid || j.procs[0].pid}\n`); continue; }
    const mark = j === cur ? '+' : j === prev ? '-' : ' ';
    const state = job_state(j).padEnd(24);
    await sh.write(1, `[${j.id}]${mark}  ${long ? `${j.procs[0].pid} ` : ''}${state}${j.text}${j.done || j.stopped ? '' : ' &'}\n`);
    if (j.done) sh.jobs.splice(sh.jobs.indexOf(j), 1);
  }
  return 0;
};

/** Continues a job (kill(-pgid, SIGCONT)) and marks its stopped processes running. */
async function continue_job(sh: Shell, j: Job): Promise<void> {
  for (const p of j.procs) if (p.stopped) { p.stopped = false; p.wstatus = null; }
  await sh.lc.kill(j.pgid ? -j.pgid : j.procs[0].pid, 18);
}

const fg: Builtin = async (sh, argv) => {
  if (!sh.jobctl) { await sh.err('fg: No job control'); return 2; }
  const j = find_job(sh, argv[1], 'fg');
  await sh.write(1, j.text + '\n');
  await sh.lc.tcsetpgrp(sh.ttyfd, j.pgid);
  await continue_job(sh, j);
  return sh.wait_fg(j);
};

const bg: Builtin = async (sh, argv) => {
  if (!sh.jobctl) { await sh.err('bg: No job control'); return 2; }
  const specs = argv.length > 1 ? argv.slice(1) : [undefined];
  for (const s of specs) {
    const j = find_job(sh, s, 'bg');
    await sh.write(1, `[${j.id}] ${j.text} &\n`);
    await continue_job(sh, j);
  }
  return 0;
};

/** kill [-s SIG | -SIG | -n N] pid|%job… and kill -l [status]. */
const kill: Builtin = async (sh, argv) => {
  const args = argv.slice(1);
  if (args[0] === '-l' || args[0] === '-L') {
    if (args[1]) { const n = Number(args[1]); await sh.write(1, (signal_names()[(n > 128 ? n - 128 : n) - 1] ?? args[1]) + '\n'); return 0; }
    await sh.write(1, signal_names().join(' ') + '\n');
    return 0;
  }
  let sig = 15;
  if (args[0] === '-s' || args[0] === '-n') { sig = signal_number(args[1] ?? ''); args.splice(0, 2); }
  else if (args[0]?.startsWith('-') && args[0] !== '--') { sig = signal_number(args[0].slice(1)); args.shift(); }
  if (args[0] === '--') args.shift();
  if (sig < 0) { await sh.err(`kill: invalid signal number or name: ${argv[1]}`); return 2; }
  if (!args.length) { await sh.err('kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]'); return 2; }
  let status = 0;
  for (const a of args) {
    let pid: number;
    if (a.startsWith('%')) { const j = find_job(sh, a, 'kill'); pid = j.pgid ? -j.pgid : j.procs[0].pid; }
    else if (/^-?\d+$/.test(a)) pid = Number(a);
    else { await sh.err(`kill: invalid process id: ${a}`); status = 2; continue; }
    if ((await sh.lc.kill(pid, sig)) < 0) { await sh.err(`kill: ${a}: ${sh.lc.strerror(sh.lc.errno)}`); status = 1; }
  }
  return status;
};

const dot: Builtin = async (sh, argv) => {
  if (!argv[1]) return 0;
  const path = argv[1].includes('/') ? argv[1] : await sh.find_command(argv[1]);
  const src = typeof path === 'string' ? await sh.read_file(path) : null;
  if (src === null) { await sh.err(`.: cannot open ${argv[1]}: ${sh.lc.strerror(sh.lc.errno || sh.lc.ENOENT)}`); throw new ExitShell(2); }
  return sh.run_text(src);
};

const eval_: Builtin = (sh, argv) => sh.run_text(argv.slice(1).join(' '));

/** exec: replaces the shell with a program, or (no program) keeps its redirections. */
const exec: Builtin = async (sh, argv) => {
  if (argv.length < 2) return 0;
  const st = await sh.exec_program(argv.slice(1), sh.environ());
  throw new ExitShell(st);
};

const type: Builtin = async (sh, argv) => {
  let status = 0;
  for (const n of argv.slice(1)) {
    if (sh.funcs.has(n)) await sh.write(1, `${n} is a shell function\n`);
    else if (sh.builtins.has(n)) await sh.write(1, `${n} is a shell builtin\n`);
    else {
      const p = await sh.find_command(n);
      if (typeof p === 'string') await sh.write(1, `${n} is ${p}\n`); else { await sh.write(1, `${n}: not found\n`); status = 127; }
    }
  }
  return status;
};

const umask: Builtin = async (sh, argv) => {
  if (argv[1]) { sh.lc.umask(parseInt(argv[1], 8)); return 0; }
  const old = sh.lc.umask(0) as number;
  sh.lc.umask(old);
  await sh.write(1, old.toString(8).padStart(4, '0') + '\n');
  return 0;
};

const loopctl = (kind: 'break' | 'continue'): Builtin => (_sh, argv) => { throw new LoopCtl(kind, Number(argv[1] ?? 1)); };

export const BUILTINS = new Map<string, Builtin>([
  [':', () => 0], ['true', () => 0], ['false', () => 1], ['cd', cd], ['pwd', pwd], ['echo', echo], ['exit', exit],
  ['export', export_], ['unset', unset], ['set', set], ['shift', shift], ['read', read], ['test', test_], ['[', test_],
  ['wait', wait], ['jobs', jobs], ['fg', fg], ['bg', bg], ['kill', kill], ['.', dot], ['source', dot], ['eval', eval_],
  ['exec', exec], ['trap', trap], ['type', type], ['umask', umask], ['ulimit', ulimit], ['break', loopctl('break')], ['continue', loopctl('continue')],
  ['return', (sh, argv) => { throw new ReturnFn(argv[1] !== undefined ? Number(argv[1]) & 0xff : sh.status); }],
]);

export { shell_status };
