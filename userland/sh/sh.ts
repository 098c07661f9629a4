/**
 * sh(1): a small POSIX shell. `sh -c STRING [NAME [ARG…]]`, `sh FILE [ARG…]`, or commands from
 * standard input; interactive (prompts, job control on the terminal) when standard input and
 * standard error are terminals, or with -i.
 */
import type { Libc } from '../../libc/index.ts';
import { BUILTINS } from './builtins.ts';
import { ExitShell, Shell, ShellError } from './shell.ts';
import { Parser, SyntaxError_ } from './parse.ts';
import { job_state } from './jobs.ts';
import { run_exit_trap } from './trap.ts';

const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIG_IGN = 1;

/**
 * Job control on the controlling terminal (bash's and dash's setjobctl): wait until we are
 * in the foreground, ignore the stop signals, lead our own process group and make it the
 * terminal's foreground group.
 */
async function setjobctl(sh: Shell): Promise<boolean> {
  const lc = sh.lc;
  const fd = (await lc.fcntl(2, lc.F_DUPFD_CLOEXEC, 10)) as number;
  if (fd < 0) return false;
  for (;;) {
    const pg = (await lc.tcgetpgrp(fd)) as number;
    if (pg < 0) { await lc.close(fd); return false; }
    if (pg === (await lc.getpgrp())) break;
    await lc.kill(0, SIGTTIN);
  }
  for (const s of [SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU]) await lc.signal(s, SIG_IGN);
  await lc.setpgid(0, 0); // EPERM for a session leader, which already leads its group
  sh.shell_pgid = (await lc.getpgrp()) as number;
  await lc.tcsetpgrp(fd, sh.shell_pgid);
  sh.ttyfd = fd;
  return true;
}

/** Reads a line of input (the tty's line discipline hands over one line per read). */
class LineReader {
  private buf: number[] = [];
  eof = false;
  constructor(readonly lc: Libc) {}
  /** The next line with its newline; '' at end of input; null when interrupted (^C). */
  async line(): Promise<string | null> {
    const b = new Uint8Array(4096);
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) return new TextDecoder().decode(Uint8Array.from(this.buf.splice(0, nl + 1)));
      if (this.eof) return new TextDecoder().decode(Uint8Array.from(this.buf.splice(0)));
      const n = (await this.lc.read(0, b, b.length)) as number;
      if (n < 0 && this.lc.errno === this.lc.EINTR) { this.buf = []; return null; }
      if (n <= 0) { this.eof = true; continue; }
      this.buf.push(...b.subarray(0, n));
    }
  }
}

/** Job notifications before a prompt: "[1]+  Done   sleep 1". */
async function notify_jobs(sh: Shell): Promise<void> {
  await sh.reap();
  for (const j of [...sh.jobs]) {
    if (j.done) {
      await sh.write(2, `[${j.id}]${j === sh.jobs[sh.jobs.length - 1] ? '+' : '-'}  ${job_state(j).padEnd(24)}${j.text}\n`);
      sh.jobs.splice(sh.jobs.indexOf(j), 1);
    }
  }
}

/** The read-eval loop of standard input; prompts when interactive. */
async function repl(sh: Shell): Promise<number> {
  const rd = new LineReader(sh.lc);
  let text = '';
  for (;;) {
    if (sh.interactive) {
      if (!text) await notify_jobs(sh);
      await sh.write(2, text ? (sh.vars.get('PS2')?.value ?? '> ') : await sh.ex.expand_one(sh.vars.get('PS1')?.value ?? '$ '));
    }
    const line = await rd.line();
    if (line === null) { await sh.write(2, '\n'); text = ''; sh.status = 130; await sh.dotrap(); continue; }
    if (line === '' && !text) return sh.status;
    text += line;
    sh.lineno++;
    let list;
    try { list = new Parser(text).program(); } catch (e) {
      if (!(e instanceof SyntaxError_)) throw e;
      if (e.incomplete && line !== '') continue;
      await sh.err(e.message);
      text = ''; sh.status = 2;
      if (!sh.interactive) return 2;
      continue;
    }
    text = '';
    try { await sh.run_list(list); } catch (e) {
      if (e instanceof ShellError) { await sh.err(e.msg); sh.status = e.status; continue; }
      throw e;
    }
  }
}

export default async function main(libc: Libc, argv: string[], envp: string[]): Promise<number> {
  const sh = new Shell(libc);
  sh.builtins = BUILTINS;
  sh.shell_pid = (await libc.getpid()) as number;
  for (const e of envp) { const i = e.indexOf('='); if (i > 0) sh.setvar(e.slice(0, i), e.slice(i + 1), true); }
  if (!sh.vars.has('PATH')) sh.setvar('PATH', '/bin:/sbin:/usr/bin', true);
  if (!sh.vars.has('IFS')) sh.setvar('IFS', ' \t\n');
  sh.setvar('PS1', ((await libc.geteuid()) as number) === 0 ? '# ' : '$ ');
  sh.setvar('PS2', '> ');
  const cwd = libc.malloc(4096);
  if ((await libc.getcwd(cwd, 4096)) > 0) sh.setvar('PWD', libc.cstr(cwd), true);
  libc.free(cwd);
  sh.arg0 = argv[0] ?? 'sh';
  let i = 1, cmd: string | null = null, force_i = false;
  for (; i < argv.length && /^[-+][a-z]+$/.test(argv[i]); i++) {
    for (const f of argv[i].slice(1)) {
      if (f === 'c') cmd = '';
      else if (f === 'i') force_i = true;
      else if (f === 'e') sh.errexit = true;
      else if (f === 'x') sh.xtrace = true;
      else if (f !== 's' && f !== 'm') { await sh.write(2, `${sh.arg0}: 0: Illegal option -${f}\n`); return 2; }
    }
  }
  if (argv[i] === '--') i++;
  let status: number;
  try { status = await start(sh, argv, i, cmd, force_i); } catch (e) {
    if (!(e instanceof ExitShell)) throw e;
    status = e.status;
  }
  return run_exit_trap(sh, status);
}

/** Runs the -c string, the script, or standard input. */
async function start(sh: Shell, argv: string[], i: number, cmd: string | null, force_i: boolean): Promise<number> {
  const libc = sh.lc;
  if (cmd !== null) {
    if (i >= argv.length) { await sh.write(2, `${sh.arg0}: 0: -c requires an argument\n`); return 2; }
    cmd = argv[i++];
    if (i < argv.length) sh.arg0 = argv[i++];
    sh.params = argv.slice(i);
    return await sh.run_text(cmd);
  }
  if (i < argv.length) {
    sh.arg0 = argv[i];
    const src = await sh.read_file(argv[i]);
    if (src === null) { await sh.write(2, `${argv[0]}: 0: cannot open ${argv[i]}: ${libc.strerror(libc.errno)}\n`); return 2; }
    sh.params = argv.slice(i + 1);
    return await sh.run_text(src.startsWith('#!') ? src.slice(src.indexOf('\n') + 1 || src.length) : src);
  }
  sh.interactive = force_i || (libc.isatty(0) === 1 && libc.isatty(2) === 1);
  if (sh.interactive) {
    sh.jobctl = await setjobctl(sh);
    // ^C at the prompt interrupts the read (no SA_RESTART) and gives a fresh prompt.
    libc.sigaction(SIGINT, { handler: () => undefined, flags: 0 });
  }
  return await repl(sh);
}
