/**
 * A booted privos machine as the library hands it out (docs/testing.md): runs programs with
 * their stdio captured, reads and writes guest files, loads modules, reports the kernel log and
 * the cycle counter, shuts down. Everything that can fail in the guest rejects with a
 * PrivosError carrying the Linux errno name.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { module_name_of } from '../../kernel/include/uapi/module_image.ts';
import { SIGKILL, signal_name } from '../../kernel/include/uapi/signal.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { send_signal } from '../../kernel/sched/signal.ts';
import type { Task } from '../../kernel/sched/task.ts';
import type { Libc } from '../../libc/index.ts';
import { type InlineBody, install_module, program_spec, spawn, type SpawnOptions } from '../machine.ts';
import { PrivosError, bad_option } from './errors.ts';
import { exists, Failure, insmod, read_file, rmmod, write_file } from './guest_ops.ts';
import { check_args, check_params, check_run_options, envp_of, type ModuleParams, params_string, type RunOptions } from './options.ts';
import { CapturedStdio } from './stdio.ts';

/** How a run ended, with what it wrote. */
export interface RunResult {
  /** The exit status (0-255), or null when a signal killed it. */
  status: number | null;
  /** The name of the signal that killed it ('SIGSEGV'), or null. */
  signal: string | null;
  /** fd 1 and fd 2, captured apart (UTF-8). */
  stdout: string;
  stderr: string;
  /** The process id it ran as. */
  pid: number;
  /**
   * Cycles: `user` and `system` charged to the process itself, `total` by the whole machine
   * from its start to its exit (including other processes running meanwhile).
   */
  cycles: { total: number; user: number; system: number };
}

/** Where a module comes from: an image in the guest, or a host file that is installed first. */
function module_image(spec: string): { image: string; host_url: string | null } {
  if (spec.startsWith('/') && spec.endsWith('.ko')) return { image: spec, host_url: null };
  if (/^[\w-]+$/.test(spec)) return { image: `/lib/modules/${spec}.ko`, host_url: null };
  const url = spec.startsWith('file:') ? spec : pathToFileURL(resolve(spec)).href;
  return { image: `/lib/modules/${module_name_of(url)}.ko`, host_url: url };
}

function guest_path(path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) throw bad_option('path', 'an absolute guest path', path);
}

function exit_of(wstatus: number): { status: number | null; signal: string | null } {
  const sig = wstatus & 0x7f;
  return sig ? { status: null, signal: signal_name(sig) } : { status: (wstatus >> 8) & 0xff, signal: null };
}

export class Machine {
  private down = false;

  /** The kernel itself, for what the library does not cover (privos's internal API: may change). */
  constructor(readonly kernel: Kernel) {}

  /** The CPU's cycle counter (all cycles charged since boot). */
  cycles(): number { return this.kernel.cpu.cycles; }

  /** The cost profile's clock in Hz (cycles / hz = modelled seconds). */
  get hz(): number { return this.kernel.cpu.profile.hz; }

  /** The kernel log (dmesg's text). */
  dmesg(): string { return this.kernel.log.text(); }

  /**
   * Runs a program to its exit: a guest path (/bin/cat), or a host file (./prog.ts, prog.mjs,
   * a file: URL) linked into an image as `privos run` does.
   */
  async run(program: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    if (typeof program !== 'string' || !program) throw bad_option('program', 'a non-empty string', program);
    check_args(args);
    check_run_options(opts);
    return this.start({ program: program_spec(program), argv: [opts.argv0 ?? program, ...args] }, opts);
  }

  /**
   * Runs a function as a process's main, with a libc reaching the kernel through the CPU door
   * like any program's (it runs in the caller's realm: the harness path). Its return value is
   * the exit status; args are argv[1..].
   */
  async runInline(body: InlineBody, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    if (typeof body !== 'function') throw bad_option('body', 'a function', body);
    check_args(args);
    check_run_options(opts);
    const main = async (libc: Libc, argv: string[], envp: string[]): Promise<number> => {
      const r = await body(libc, argv.slice(1), envp);
      return typeof r === 'number' ? r : 0;
    };
    return this.start({ program: 'inline', main, argv: [opts.argv0 ?? 'inline', ...args] }, opts);
  }

  /** Reads a guest file (as root unless uid is given); a string with an encoding. */
  readFile(path: string, encoding?: null, opts?: { uid?: number }): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8', opts?: { uid?: number }): Promise<string>;
  async readFile(path: string, encoding?: 'utf8' | null, opts: { uid?: number } = {}): Promise<Uint8Array | string> {
    const chunks: Uint8Array[] = [];
    guest_path(path);
    await this.guest(opts, (libc, f) => read_file(libc, path, f, chunks));
    const data = Buffer.concat(chunks);
    return encoding === 'utf8' ? data.toString('utf8') : data;
  }

  /** Creates or truncates a guest file and writes data (mode before umask 022, default 0644). */
  async writeFile(path: string, data: string | Uint8Array, opts: { mode?: number; uid?: number } = {}): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw bad_option('data', 'a string or a Uint8Array', data);
    const mode = opts.mode ?? 0o644;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw bad_option('mode', 'a file mode from 0 to 0o7777', mode);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    guest_path(path);
    await this.guest(opts, (libc, f) => write_file(libc, path, bytes, mode, f));
  }

  /**
   * Loads a kernel module as insmod does: by name (/lib/modules/NAME.ko, e.g. 'fdcap'), by
   * guest image path, or from a host file (installed as /lib/modules/NAME.ko first).
   */
  async loadModule(module: string, params: ModuleParams = {}): Promise<void> {
    if (typeof module !== 'string' || !module) throw bad_option('module', 'a module name or path', module);
    check_params('params', params);
    const { image, host_url } = module_image(module);
    if (host_url) install_module(this.kernel, image, host_url);
    await this.guest({}, (libc, f) => insmod(libc, image, params_string(params), f));
  }

  /** Unloads a module (rmmod NAME). */
  async unloadModule(name: string): Promise<void> {
    if (typeof name !== 'string' || !name) throw bad_option('name', 'a module name', name);
    await this.guest({}, (libc, f) => rmmod(libc, name, f));
  }

  /** Whether a guest path exists (access(F_OK) as root). */
  async exists(path: string): Promise<boolean> {
    const f = new Failure();
    guest_path(path);
    await this.inline_status({}, (libc) => exists(libc, path, f));
    return f.error === null;
  }

  /** Kills every process (SIGKILL) and waits for them; the machine then refuses work. */
  async shutdown(): Promise<void> {
    if (this.down) return;
    this.down = true;
    const tasks = [...this.kernel.tasks.values()].filter((t) => t.alive);
    for (const t of tasks) send_signal(t, SIGKILL);
    await Promise.all(tasks.map((t) => t.exited));
  }

  private check_up(): void {
    if (this.down) throw Object.assign(new Error('privos: the machine is shut down'), { code: 'ERR_PRIVOS_SHUTDOWN' });
  }

  /** Runs a guest operation as a short process; rejects with its failure. */
  private async guest(opts: { uid?: number }, body: (libc: Libc, f: Failure) => Promise<number>): Promise<void> {
    const f = new Failure();
    await this.inline_status(opts, (libc) => body(libc, f));
    if (f.error) throw f.error;
  }

  private async inline_status(opts: { uid?: number }, body: (libc: Libc) => Promise<number>): Promise<void> {
    check_run_options({ uid: opts.uid });
    const r = await this.start({ program: 'inline', main: body as SpawnOptions['main'], argv: ['privos-lib'] }, { uid: opts.uid });
    if (r.signal) throw new Error(`privos: the library's helper process died of ${r.signal} (see dmesg)`);
  }

  /** Spawns with captured stdio and waits for the exit. */
  private async start(spec: SpawnOptions, opts: RunOptions): Promise<RunResult> {
    this.check_up();
    const k = this.kernel, uid = opts.uid ?? 0, gid = opts.gid ?? uid;
    const io = new CapturedStdio(k, uid, gid, opts.stdin);
    const c0 = k.cpu.cycles;
    let task: Task;
    try {
      task = await spawn(k, { ...spec, uid, gid, cwd: opts.cwd, envp: envp_of(opts.env), stdio: io.files() });
    } catch (e) {
      io.finish();
      const { errno, syscall, path } = e as { errno?: unknown; syscall?: string; path?: string };
      throw typeof errno === 'number' ? new PrivosError(errno, syscall ?? 'execve', path ?? spec.program) : e;
    } finally {
      io.release_guest_ends();
    }
    const wstatus = await task.exited;
    const out = io.finish(), dec = new TextDecoder();
    return {
      ...exit_of(wstatus), stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), pid: task.pid,
      cycles: { total: k.cpu.cycles - c0, user: task.utime, system: task.stime },
    };
  }
}
