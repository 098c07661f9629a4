/**
 * The shell's state and its execution of commands (dash's eval.c, exec.c, jobs.c, redir.c):
 * variables and exports, positional parameters, functions, redirections with saved fds,
 * fork+exec through PATH, pipelines in one process group, background jobs, and job control on
 * the controlling terminal (tcsetpgrp, SIGTSTP'd jobs, fg/bg).
 */
import type { Libc } from '../../libc/index.ts';
import { Expander, type ExpandCtx } from './expand.ts';
import { Job, type Proc, shell_status, strsignal } from './jobs.ts';
import {
  type AndOr, type Case, type Command, type For, type If, type List, type Loop, Parser, type Pipeline, type Redir, type Simple,
  SyntaxError_,
} from './parse.ts';

/** Control flow that unwinds the shell's own JS stack. */
export class ExitShell { constructor(readonly status: number) {} }
export class LoopCtl { constructor(readonly kind: 'break' | 'continue', public n: number) {} }
export class ReturnFn { constructor(readonly status: number) {} }
/** A failure the shell reports and that ends the command with a status (redirection, expansion). */
export class ShellError { constructor(readonly msg: string, readonly status: number) {} }

export type Builtin = (sh: Shell, argv: string[]) => Promise<number> | number;

const enc = new TextEncoder();
const dec = new TextDecoder();
const JOB_SIGNALS = [2, 3, 20, 21, 22]; // SIGINT SIGQUIT SIGTSTP SIGTTIN SIGTTOU

export class Shell {
  vars = new Map<string, { value: string; exported: boolean }>();
  params: string[] = [];
  arg0 = 'sh';
  status = 0;
  last_bg = 0;
  lineno = 0;
  interactive = false;
  /** Monitor mode: jobs get their own process groups and the terminal. */
  jobctl = false;
  ttyfd = -1;
  shell_pgid = 0;
  errexit = false;
  xtrace = false;
  /** Inside an if/while condition or a && || left side: set -e does not apply. */
  cond = 0;
  /** A forked copy (subshell, pipeline element, background job): exec without forking again. */
  subshell = false;
  funcs = new Map<string, Command>();
  jobs: Job[] = [];
  /** trap(1) actions by signal number (0 is EXIT); '' means the signal is ignored. */
  traps = new Map<number, string>();
  /** Trapped signals caught but whose actions have not run yet (they run between commands). */
  pending_traps: number[] = [];
  readonly ex: Expander;
  builtins: Map<string, Builtin> = new Map();

  constructor(readonly lc: Libc) {
    const ctx: ExpandCtx = {
      get: (n) => this.vars.get(n)?.value,
      set: (n, v) => this.setvar(n, v),
      positional: () => this.params,
      special: (c) => this.special(c),
      cmdsubst: (src) => this.cmdsubst(src),
      listdir: async (d) => { const r = await this.lc.listdir(d); return typeof r === 'number' ? null : r; },
      error: (m) => { throw new ShellError(m, 2); },
    };
    this.ex = new Expander(ctx);
  }

  /** The state a forked child starts with (fork copies the whole shell). */
  clone(lc: Libc): Shell {
    const s = new Shell(lc);
    s.vars = new Map([...this.vars].map(([k, v]) => [k, { ...v }]));
    s.params = [...this.params];
    s.arg0 = this.arg0; s.status = this.status; s.last_bg = this.last_bg; s.lineno = this.lineno;
    s.errexit = this.errexit; s.xtrace = this.xtrace; s.funcs = new Map(this.funcs); s.builtins = this.builtins;
    s.subshell = true; s.ttyfd = this.ttyfd; s.shell_pgid = this.shell_pgid;
    // XCU 2.12: a subshell keeps the ignored signals; caught ones go back to their defaults.
    s.traps = new Map([...this.traps].filter(([, a]) => a === ''));
    return s;
  }

  special(c: string): string {
    switch (c) {
      case '?': return String(this.status);
      case '$': return String(this.shell_pid);
      case '!': return this.last_bg ? String(this.last_bg) : '';
      case '#': return String(this.params.length);
      case '-': return (this.errexit ? 'e' : '') + (this.interactive ? 'i' : '') + (this.jobctl ? 'm' : '') + (this.xtrace ? 'x' : '');
      case '0': return this.arg0;
    }
    return '';
  }

  /** $$ is the top shell's pid, in subshells too. */
  shell_pid = 0;

  setvar(name: string, value: string, exported?: boolean): void {
    const v = this.vars.get(name);
    this.vars.set(name, { value, exported: exported ?? v?.exported ?? false });
  }

  environ(extra: string[] = []): string[] {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (v.exported) env.set(k, v.value);
    for (const a of extra) { const i = a.indexOf('='); env.set(a.slice(0, i), a.slice(i + 1)); }
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  // ---- output ----

  async write(fd: number, s: string): Promise<boolean> {
    const b = enc.encode(s);
    for (let off = 0; off < b.length;) {
      const n = (await this.lc.write(fd, b.subarray(off), b.length - off)) as number;
      if (n <= 0) return false;
      off += n;
    }
    return true;
  }

  /** "sh: 3: msg" on stderr, as dash reports errors. */
  async err(msg: string): Promise<void> {
    await this.write(2, `${this.arg0}: ${this.lineno}: ${msg}\n`);
  }

  // ---- running text ----

  /** Parses and runs a whole program text (sh -c, a script, eval, .), command by command. */
  async run_text(src: string): Promise<number> {
    const p = new Parser(src);
    for (;;) {
      let list: List | null;
      try { list = p.next_command(); } catch (e) {
        if (!(e instanceof SyntaxError_)) throw e;
        this.lineno = e.line;
        await this.err(e.message);
        this.status = 2;
        if (!this.interactive) throw new ExitShell(2);
        return 2;
      }
      if (!list) return this.status;
      await this.run_list(list);
    }
  }

  async run_list(list: List): Promise<number> {
    for (const ao of list) await this.run_andor(ao);
    return this.status;
  }

  async run_andor(ao: AndOr): Promise<void> {
    if (ao.background) { await this.run_background(ao); return; }
    const n = ao.rest.length;
    // set -e applies to the last pipeline of an and-or list only.
    let st = await this.run_pipeline(ao.first, n === 0);
    for (let i = 0; i < n; i++) {
      const { op, p } = ao.rest[i];
      if ((op === '&&') !== (st === 0)) continue;
      st = await this.run_pipeline(p, i === n - 1);
    }
    this.status = st;
    if (this.pending_traps.length) await this.dotrap();
  }

  /** Runs the actions of trapped signals that arrived (dash's dotrap); $? is kept across them. */
  async dotrap(): Promise<void> {
    const saved = this.status;
    while (this.pending_traps.length) {
      const action = this.traps.get(this.pending_traps.shift()!);
      if (action) await this.run_text(action);
    }
    this.status = saved;
  }

  /** set -e: a failing command outside a condition ends the shell. */
  private check_errexit(st: number, bang: boolean): void {
    if (this.errexit && st !== 0 && this.cond === 0 && !bang) throw new ExitShell(st);
  }

  private async run_pipeline(p: Pipeline, errexit_applies: boolean): Promise<number> {
    let st: number;
    if (p.cmds.length === 1) st = await this.run_command(p.cmds[0], p.text);
    else st = await this.wait_fg(await this.start_pipeline(p.cmds, p.text, false));
    if (p.bang) st = st ? 0 : 1;
    this.status = st;
    if (errexit_applies) this.check_errexit(st, p.bang);
    return st;
  }

  // ---- processes ----

  /**
   * fork(): the child runs fn in a copy of the shell. With job control it joins process group
   * pgid (0: its own) and, in the foreground, takes the terminal first; then the signals the
   * interactive shell ignores or catches go back to their defaults.
   */
  async fork_child(fn: (sh: Shell) => Promise<number>, pgid: number, fg: boolean): Promise<number> {
    const jobctl = this.jobctl, bg_nojc = !fg && !jobctl;
    const pid = (await this.lc.fork(async (c) => {
      const sh = this.clone(c);
      for (const [s, a] of this.traps) if (s && a) await c.signal(s, 0);
      if (jobctl) {
        await c.setpgid(0, pgid);
        if (fg) await c.tcsetpgrp(sh.ttyfd, pgid || ((await c.getpid()) as number));
        for (const s of JOB_SIGNALS) await c.signal(s, 0);
      } else if (bg_nojc) {
        // POSIX: an asynchronous list without job control ignores SIGINT/SIGQUIT and reads /dev/null.
        await c.signal(2, 1); await c.signal(3, 1);
        const fd = (await c.open('/dev/null', c.O_RDONLY)) as number;
        if (fd >= 0 && fd !== 0) { await c.dup2(fd, 0); await c.close(fd); }
      } else if (this.interactive) await c.signal(2, 0);
      try { return await fn(sh); } catch (e) { return sh.unwind(e); }
    })) as number;
    if (pid < 0) throw new ShellError(`fork: ${this.lc.strerror(this.lc.errno)}`, 2);
    if (jobctl) await this.lc.setpgid(pid, pgid || pid);
    return pid;
  }

  /** What a child's JS stack unwinding to its top means for its exit status. */
  unwind(e: unknown): number {
    if (e instanceof ExitShell) return e.status;
    if (e instanceof ReturnFn) return e.status;
    if (e instanceof LoopCtl) return this.status;
    if (e instanceof ShellError) { void this.err(e.msg); return e.status; }
    throw e;
  }

  /** Starts a pipeline's commands, each in a child, connected by pipes, in one process group. */
  private async start_pipeline(cmds: Command[], text: string, bg: boolean): Promise<Job> {
    const procs: Proc[] = [];
    let pgid = 0, prev = -1;
    const fds = this.lc.malloc(8);
    for (let i = 0; i < cmds.length; i++) {
      let rd = -1, wr = -1;
      if (i < cmds.length - 1) {
        if ((await this.lc.pipe2(fds, this.lc.O_CLOEXEC)) < 0) throw new ShellError(`Pipe call failed`, 2);
        rd = this.lc.peek_i32(fds); wr = this.lc.peek_i32(fds + 4);
      }
      const input = prev, cmd = cmds[i];
      const pid = await this.fork_child(async (sh) => {
        if (input >= 0) await sh.lc.dup2(input, 0);
        if (wr >= 0) await sh.lc.dup2(wr, 1);
        return sh.run_command(cmd, text);
      }, pgid, !bg);
      if (this.jobctl && !pgid) pgid = pid;
      procs.push({ pid, wstatus: null, stopped: false });
      if (prev >= 0) await this.lc.close(prev);
      if (wr >= 0) await this.lc.close(wr);
      prev = rd;
    }
    this.lc.free(fds);
    return new Job(pgid, procs, text);
  }

  private async run_background(ao: AndOr): Promise<void> {
    const single = ao.rest.length === 0 && ao.first.cmds.length > 1 && !ao.first.bang;
    const job = single
      ? await this.start_pipeline(ao.first.cmds, ao.text, true)
      : new Job(0, [{ pid: await this.fork_child(async (sh) => { await sh.run_andor({ ...ao, background: false }); return sh.status; }, 0, false), wstatus: null, stopped: false }], ao.text);
    if (!job.pgid) job.pgid = this.jobctl ? job.procs[0].pid : 0;
    this.last_bg = job.procs[job.procs.length - 1].pid;
    this.add_job(job);
    if (this.interactive) await this.write(2, `[${job.id}] ${this.last_bg}\n`);
    this.status = 0;
  }

  add_job(j: Job): void {
    if (this.jobs.includes(j)) return;
    j.id = this.jobs.reduce((m, x) => Math.max(m, x.id), 0) + 1;
    this.jobs.push(j);
  }

  /** Records a wait status for whichever job has the pid. */
  note_status(pid: number, ws: number): Job | undefined {
    for (const j of this.jobs) {
      const p = j.procs.find((x) => x.pid === pid);
      if (!p) continue;
      if (ws === 0xffff) { p.stopped = false; p.wstatus = null; } else { p.stopped = (ws & 0xff) === 0x7f; p.wstatus = ws; }
      return j;
    }
    return undefined;
  }

  /**
   * Waits for a foreground job: until every process has exited, or one has stopped (^Z); the
   * shell then takes the terminal back. A stopped job joins the job table.
   */
  async wait_fg(job: Job): Promise<number> {
    const st = this.lc.malloc(8);
    const tracked = this.jobs.includes(job);
    if (!tracked) this.jobs.push(job);
    try {
      while (!job.done && !job.stopped) {
        const target = this.jobctl && job.pgid ? -job.pgid : job.procs.find((p) => p.wstatus === null || p.stopped)!.pid;
        const r = (await this.lc.waitpid(target, st, this.jobctl ? this.lc.WUNTRACED : 0)) as number;
        if (r < 0) { if (this.lc.errno === this.lc.EINTR) continue; break; }
        this.note_status(r, this.lc.peek_i32(st));
      }
    } finally {
      this.lc.free(st);
      if (!tracked) this.jobs.splice(this.jobs.indexOf(job), 1);
    }
    if (this.jobctl) await this.lc.tcsetpgrp(this.ttyfd, this.shell_pgid);
    if (job.stopped) {
      this.add_job(job);
      job.notified = true;
      await this.write(2, `\n[${job.id}]+  Stopped                 ${job.text}\n`);
      return shell_status(job.procs.find((p) => p.stopped)!.wstatus!);
    }
    if (tracked) this.jobs.splice(this.jobs.indexOf(job), 1);
    await this.report_signal(job);
    return job.status;
  }

  /** A job killed by a signal is reported as dash does ("Terminated", "Killed"; ^C only ends the line). */
  async report_signal(job: Job): Promise<void> {
    const ws = job.procs[job.procs.length - 1].wstatus ?? 0;
    const sig = ws & 0x7f;
    if (!sig || sig === 0x7f || sig === 13) return;
    if (sig === 2) { if (this.interactive) await this.write(2, '\n'); return; }
    await this.write(2, `${strsignal(sig)}\n`);
  }

  /** Collects changes of background jobs without blocking (the shell's SIGCHLD bookkeeping). */
  async reap(): Promise<void> {
    const st = this.lc.malloc(8);
    for (;;) {
      const r = (await this.lc.waitpid(-1, st, this.lc.WNOHANG | this.lc.WUNTRACED | this.lc.WCONTINUED)) as number;
      if (r <= 0) break;
      this.note_status(r, this.lc.peek_i32(st));
    }
    this.lc.free(st);
  }

  // ---- commands ----

  async run_command(c: Command, text: string): Promise<number> {
    switch (c.kind) {
      case 'simple': return this.run_simple(c, text);
      case 'func': this.funcs.set(c.name, c.body); return 0;
      case 'subshell': {
        const job = new Job(0, [{ pid: await this.fork_child(async (sh) => {
          await sh.apply_redirs(c.redirs, null);
          return sh.run_list(c.body);
        }, 0, true), wstatus: null, stopped: false }], text);
        if (this.jobctl) job.pgid = job.procs[0].pid;
        return this.wait_fg(job);
      }
      default: return this.with_redirs(c.redirs, () => this.run_compound(c));
    }
  }

  private async run_compound(c: Command): Promise<number> {
    switch (c.kind) {
      case 'group': return this.run_list(c.body);
      case 'if': return this.run_if(c);
      case 'while': case 'until': return this.run_loop(c);
      case 'for': return this.run_for(c);
      case 'case': return this.run_case(c);
    }
    return 0;
  }

  /** case: the first arm with a pattern matching the word runs; no match is status 0. */
  private async run_case(c: Case): Promise<number> {
    const word = await this.ex.expand_one(c.word);
    this.status = 0;
    for (const arm of c.arms) {
      for (const p of arm.pats) if ((await this.ex.expand_pattern(p)).test(word)) return this.run_list(arm.body);
    }
    return 0;
  }

  private async in_cond(l: List): Promise<number> {
    this.cond++;
    try { return await this.run_list(l); } finally { this.cond--; }
  }

  private async run_if(c: If): Promise<number> {
    for (const arm of c.arms) if ((await this.in_cond(arm.cond)) === 0) return this.run_list(arm.body);
    if (c.else_) return this.run_list(c.else_);
    this.status = 0;
    return 0;
  }

  /** Runs a loop body; returns 'break' or 'continue' for the enclosing loop (or null). */
  private async body(l: List): Promise<'break' | 'continue' | null> {
    try { await this.run_list(l); return null; } catch (e) {
      if (!(e instanceof LoopCtl)) throw e;
      if (--e.n > 0) throw e;
      return e.kind;
    }
  }

  private async run_loop(c: Loop): Promise<number> {
    let st = 0;
    for (;;) {
      const ok = (await this.in_cond(c.cond)) === 0;
      if (ok !== (c.kind === 'while')) break;
      const r = await this.body(c.body);
      st = this.status;
      if (r === 'break') break;
    }
    this.status = st;
    return st;
  }

  private async run_for(c: For): Promise<number> {
    const items: string[] = [];
    if (c.items) for (const w of c.items) items.push(...(await this.ex.expand_fields(w)));
    else items.push(...this.params);
    this.status = 0;
    for (const it of items) {
      this.setvar(c.name, it);
      if ((await this.body(c.body)) === 'break') break;
    }
    return this.status;
  }

  /** Applies redirections around fn in this shell, restoring the saved fds afterwards. */
  async with_redirs(redirs: Redir[], fn: () => Promise<number>): Promise<number> {
    if (!redirs.length) return fn();
    const saved: [number, number][] = [];
    try {
      await this.apply_redirs(redirs, saved);
      return await fn();
    } finally {
      for (const [fd, copy] of saved.reverse()) {
        if (copy >= 0) { await this.lc.dup2(copy, fd); await this.lc.close(copy); } else await this.lc.close(fd);
      }
    }
  }

  /** Opens and dup2s each redirection; with `saved`, remembers what each fd was (F_DUPFD_CLOEXEC ≥ 10). */
  async apply_redirs(redirs: Redir[], saved: [number, number][] | null): Promise<void> {
    const lc = this.lc;
    for (const r of redirs) {
      const src = await this.redir_source(r);
      if (saved && !saved.some(([fd]) => fd === r.fd)) saved.push([r.fd, (await lc.fcntl(r.fd, lc.F_DUPFD_CLOEXEC, 10)) as number]);
      if (src === -1) { await lc.close(r.fd); continue; }
      if (src.fd !== r.fd) {
        if ((await lc.dup2(src.fd, r.fd)) < 0) throw new ShellError(`${r.word}: ${lc.strerror(lc.errno)}`, 2);
        if (src.close) await lc.close(src.fd);
      }
    }
  }

  /** The fd a redirection reads or writes (opened, duplicated, or a here-document pipe); -1 closes. */
  private async redir_source(r: Redir): Promise<{ fd: number; close: boolean } | -1> {
    const lc = this.lc;
    if (r.heredoc) {
      const body = r.heredoc.quoted ? r.heredoc.body : await this.ex.expand_heredoc(r.heredoc.body);
      const fds = lc.malloc(8);
      await lc.pipe2(fds, lc.O_CLOEXEC);
      const rd = lc.peek_i32(fds), wr = lc.peek_i32(fds + 4);
      lc.free(fds);
      await this.write(wr, body);
      await lc.close(wr);
      return { fd: rd, close: true };
    }
    const target = await this.ex.expand_one(r.word);
    if (r.op === '<&' || r.op === '>&') {
      if (target === '-') return -1;
      if (!/^\d+$/.test(target)) throw new ShellError(`Syntax error: Bad fd number`, 2);
      if (((await lc.fcntl(Number(target), lc.F_GETFD)) as number) < 0) throw new ShellError(`${target}: Bad file descriptor`, 2);
      return { fd: Number(target), close: false };
    }
    const flags = r.op === '<' ? lc.O_RDONLY : r.op === '<>' ? lc.O_RDWR | lc.O_CREAT
      : lc.O_WRONLY | lc.O_CREAT | (r.op === '>>' ? lc.O_APPEND : lc.O_TRUNC);
    const fd = (await lc.open(target, flags | lc.O_CLOEXEC, 0o666)) as number;
    if (fd < 0) throw new ShellError(`cannot ${r.op === '<' ? 'open' : 'create'} ${target}: ${lc.strerror(lc.errno)}`, 2);
    return { fd, close: true };
  }

  /** The words, assignments and redirections of a simple command, then builtin, function or program. */
  private async run_simple(c: Simple, text: string): Promise<number> {
    this.lineno = c.line;
    try {
      const argv: string[] = [];
      for (const w of c.words) argv.push(...(await this.ex.expand_fields(w)));
      const assigns: string[] = [];
      for (const a of c.assigns) { const i = a.indexOf('='); assigns.push(a.slice(0, i + 1) + (await this.ex.expand_one(a.slice(i + 1)))); }
      if (this.xtrace) await this.write(2, `+ ${[...assigns, ...argv].join(' ')}\n`);
      if (!argv.length) {
        for (const a of assigns) { const i = a.indexOf('='); this.setvar(a.slice(0, i), a.slice(i + 1)); }
        return await this.with_redirs(c.redirs, async () => 0);
      }
      const name = argv[0];
      if (name === 'exec' && argv.length === 1) { await this.apply_redirs(c.redirs, null); return 0; }
      const fn = this.funcs.get(name);
      if (fn) return await this.with_redirs(c.redirs, () => this.call_function(fn, argv));
      const b = this.builtins.get(name);
      if (b) {
        // Special builtins keep their assignments; for the others they last for the command only.
        const saved = assigns.map((a) => { const n = a.slice(0, a.indexOf('=')); return [n, this.vars.get(n)] as const; });
        for (const a of assigns) { const i = a.indexOf('='); this.setvar(a.slice(0, i), a.slice(i + 1)); }
        try { return await this.with_redirs(c.redirs, async () => b(this, argv)); } finally {
          if (!SPECIAL.has(name)) for (const [n, v] of saved) { if (v) this.vars.set(n, v); else this.vars.delete(n); }
        }
      }
      return await this.run_program(argv, assigns, c.redirs, text);
    } catch (e) {
      if (e instanceof ShellError) { await this.err(e.msg); return e.status; }
      throw e;
    }
  }

  private async call_function(body: Command, argv: string[]): Promise<number> {
    const saved = this.params;
    this.params = argv.slice(1);
    try { return await this.run_command(body, ''); } catch (e) {
      if (e instanceof ReturnFn) return e.status;
      throw e;
    } finally { this.params = saved; }
  }

  /** A program: in a forked child unless this already is one (then exec directly). */
  private async run_program(argv: string[], assigns: string[], redirs: Redir[], text: string): Promise<number> {
    const exec = async (sh: Shell): Promise<number> => {
      await sh.apply_redirs(redirs, null);
      return sh.exec_program(argv, sh.environ(assigns));
    };
    if (this.subshell) return exec(this);
    const job = new Job(0, [{ pid: await this.fork_child(exec, 0, true), wstatus: null, stopped: false }], text);
    if (this.jobctl) job.pgid = job.procs[0].pid;
    return this.wait_fg(job);
  }

  /** Finds a command in PATH: the path, or -ENOENT / -EACCES. */
  async find_command(name: string): Promise<string | number> {
    if (name.includes('/')) return name;
    const st = this.lc.malloc(256);
    let err = -this.lc.ENOENT;
    try {
      for (const dir of (this.vars.get('PATH')?.value ?? '/bin:/sbin:/usr/bin').split(':')) {
        const p = `${dir || '.'}/${name}`;
        if ((await this.lc.stat(p, st)) < 0) continue;
        const mode = this.lc.parse_stat(st).mode;
        if ((mode & 0o170000) !== 0o100000) continue;
        if (!(mode & 0o111)) { err = -this.lc.EACCES; continue; }
        return p;
      }
    } finally { this.lc.free(st); }
    return err;
  }

  /**
   * execve() of a program (this process becomes it); a file that is not an executable image
   * is run as a shell script by this shell, as POSIX asks. Returns only on failure: 127 not
   * found, 126 not executable.
   */
  async exec_program(argv: string[], env: string[]): Promise<number> {
    const lc = this.lc;
    const path = await this.find_command(argv[0]);
    if (typeof path === 'number') {
      await this.err(`${argv[0]}: ${path === -lc.EACCES ? 'Permission denied' : 'not found'}`);
      return path === -lc.EACCES ? 126 : 127;
    }
    await lc.execve(path, argv, env);
    const e = lc.errno;
    if (e === lc.ENOEXEC) return this.run_script_file(path, argv.slice(1));
    await this.err(`${argv[0]}: ${e === lc.ENOENT ? 'not found' : lc.strerror(e)}`);
    return e === lc.ENOENT ? 127 : 126;
  }

  /** Reads a whole file (for scripts and .); null with errno set when it cannot be opened. */
  async read_file(path: string): Promise<string | null> {
    const lc = this.lc;
    const fd = (await lc.open(path, lc.O_RDONLY | lc.O_CLOEXEC)) as number;
    if (fd < 0) return null;
    const chunks: Uint8Array[] = [];
    const b = new Uint8Array(65536);
    for (;;) {
      const n = (await lc.read(fd, b, b.length)) as number;
      if (n <= 0) break;
      chunks.push(b.slice(0, n));
    }
    await lc.close(fd);
    return dec.decode(concat(chunks));
  }

  /** Runs a script file in this (forked) shell with new positional parameters. */
  async run_script_file(path: string, args: string[]): Promise<number> {
    const src = await this.read_file(path);
    if (src === null) { await this.err(`cannot open ${path}: ${this.lc.strerror(this.lc.errno)}`); return 127; }
    this.arg0 = path; this.params = args; this.funcs = new Map(); this.jobs = [];
    this.vars = new Map([...this.vars].filter(([, v]) => v.exported));
    try { return await this.run_text(src.startsWith('#!') ? src.slice(src.indexOf('\n') + 1 || src.length) : src); } catch (e) {
      if (e instanceof ExitShell) return e.status;
      throw e;
    }
  }

  /** $(…): runs src in a child with stdout on a pipe; the output without trailing newlines. */
  async cmdsubst(src: string): Promise<string> {
    const lc = this.lc;
    const fds = lc.malloc(8);
    await lc.pipe2(fds, lc.O_CLOEXEC);
    const rd = lc.peek_i32(fds), wr = lc.peek_i32(fds + 4);
    lc.free(fds);
    const saved_jc = this.jobctl;
    this.jobctl = false; // a command substitution runs in the shell's process group
    let pid: number;
    try {
      pid = await this.fork_child(async (sh) => {
        await sh.lc.dup2(wr, 1);
        sh.interactive = false;
        try { return await sh.run_text(src); } catch (e) { return sh.unwind(e); }
      }, 0, true);
    } finally { this.jobctl = saved_jc; }
    await lc.close(wr);
    const chunks: Uint8Array[] = [];
    const b = new Uint8Array(65536);
    for (;;) {
      const n = (await lc.read(rd, b, b.length)) as number;
      if (n < 0 && lc.errno === lc.EINTR) continue;
      if (n <= 0) break;
      chunks.push(b.slice(0, n));
    }
    await lc.close(rd);
    const st = lc.malloc(8);
    while ((await lc.waitpid(pid, st, 0)) < 0 && lc.errno === lc.EINTR) { /* retry */ }
    this.status = shell_status(lc.peek_i32(st));
    lc.free(st);
    return dec.decode(concat(chunks)).replace(/\n+$/, '');
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

/** POSIX special builtins: their variable assignments persist. */
const SPECIAL = new Set([':', '.', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'unset']);
