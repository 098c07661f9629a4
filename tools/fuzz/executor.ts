/**
 * The fork server (syzkaller's executor in its fork mode): one long-lived process in the guest
 * sets up what every program needs once — kcov opened, sized and mapped, the data area at
 * 0x20000000, a SIGUSR2 handler without SA_RESTART — then takes programs from the fuzzer and
 * runs each in a child it forks, so a program starts from the same process state every time
 * without paying for a new process image, and what one program does to its process (fds,
 * mappings, signal state, ids, limits) dies with it. The executor is also the watchdog: a child
 * that reports a blocked call gets SIGUSR2, then SIGKILL.
 *
 * Programs reach the executor the way a closure's data does in privos: the executor's main is
 * host code (run_inline), so the hand-over is a host queue, as syzkaller's is shared memory.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { SIGKILL, SIGUSR2 } from '../../kernel/include/uapi/signal.ts';
import { run_inline } from '../machine.ts';
import type { CallDesc } from './describe.ts';
import type { CoverSetup, CoverSource } from './cover.ts';
import { type ExecResult, new_result, oopses_since, run_calls } from './exec.ts';
import type { Prog } from './prog.ts';
import { ARENA, ARENA_SIZE } from './values.ts';

/** A program handed to the executor, and where its outcome goes. */
interface Job { readonly prog: Prog; readonly r: ExecResult; readonly seq0: number; readonly done: () => void; pid: number }

/** A one-reader queue of values, each awaited in turn. */
class Queue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  post(x: T): void { this.items.push(x); this.wake?.(); this.wake = null; }
  /** What was posted and not taken. */
  drain(): T[] { return this.items.splice(0); }
  async next(): Promise<T> {
    while (!this.items.length) await new Promise<void>((r) => { this.wake = r; });
    return this.items.shift()!;
  }
}

export class Executor {
  /** The running executor process's queue (each process has its own), null when none runs. */
  private jobs: Queue<Job | null> | null = null;
  private current: Job | null = null;
  /** Executor processes started: 1 unless a program killed one. */
  starts = 0;

  constructor(readonly k: Kernel, readonly descs: ReadonlyMap<string, CallDesc>, readonly cover: CoverSource | null) {}

  /** Runs `prog` in a child of the executor; never throws. */
  run(prog: Prog): Promise<ExecResult> {
    return new Promise((resolve) => {
      let settled = false;
      const job: Job = { prog, r: new_result(), seq0: this.k.log.next_seq, pid: 0, done: () => {
        if (settled) return;
        settled = true;
        job.r.oopses.push(...oopses_since(this.k, job.seq0));
        resolve(job.r);
      } };
      (this.jobs ?? this.start()).post(job);
    });
  }

  /** Ends the executor process once it has run what it was given. */
  stop(): void { this.jobs?.post(null); }

  private start(): Queue<Job | null> {
    const jobs = this.jobs = new Queue<Job | null>();
    this.starts++;
    run_inline(this.k, (lc) => this.main(lc, jobs))
      .catch((e: unknown) => { this.current?.r.broken.push(`host exception: ${(e as Error)?.stack ?? String(e)}`); })
      .then(() => this.died(jobs));
    return jobs;
  }

  /**
   * The executor process ended (stopped, or killed by a program it ran): the program it was
   * running ends there, and programs still queued go to a new executor.
   */
  private died(jobs: Queue<Job | null>): void {
    if (this.jobs === jobs) this.jobs = null;
    const job = this.current, left = jobs.drain().filter((j): j is Job => j !== null);
    this.current = null;
    if (left.length) { const q = this.start(); for (const j of left) q.post(j); }
    if (!job) return;
    job.r.stuck = true;
    if (job.pid <= 0) { job.done(); return; }
    // Its child outlives it: kill that orphan from a process of its own.
    void run_inline(this.k, (lc) => { lc.raw(lc.SYS.kill, job.pid, SIGKILL); }).finally(job.done);
  }

  private async main(lc: Libc, jobs: Queue<Job | null>): Promise<number> {
    this.cov = this.cover ? await this.cover.setup(lc) : null;
    const m = await lc.raw(lc.SYS.mmap, ARENA, ARENA_SIZE, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_PRIVATE | lc.MAP_ANONYMOUS | lc.MAP_FIXED, -1, 0);
    lc.sigaction(SIGUSR2, { handler: () => undefined, flags: 0 });
    if (m !== ARENA) {
      const job = await jobs.next();
      job?.r.broken.push(`executor: mmap of the data area gave ${m}`);
      job?.done();
      return 1;
    }
    for (let job = await jobs.next(); job; job = await jobs.next()) {
      this.current = job;
      const ok = await this.serve(lc, job);
      this.current = null;
      job.done();
      if (!ok) break; // a new executor takes the next program
    }
    return 0;
  }

  /** What the child being run reports: a blocked call, or the end of its program. */
  private events = new Queue<'blocked' | 'done'>();
  private cov: CoverSetup | null = null;
  private readonly blocked = (): void => this.events.post('blocked');

  /** The forked child's main: one function for every fork (each would take a text slot). */
  private readonly child = async (c: Libc): Promise<number> => {
    const job = this.current, events = this.events;
    if (!job) return 0; // its executor is gone
    try {
      const cc = this.cov ? await this.cov.enable(c) : null;
      job.r.covered = cc !== null;
      await run_calls(c, job.prog, this.descs, cc, job.r, this.blocked);
    } catch {
      // A fault in the program's own memory, or a fatal signal, ends it, as in a real process.
    } finally {
      events.post('done');
    }
    return 0;
  };

  /** Forks a child for `job`, watches it, reaps it; false if the executor can fork no more. */
  private async serve(lc: Libc, job: Job): Promise<boolean> {
    this.events = new Queue();
    job.pid = await lc.fork(this.child);
    if (job.pid < 0) { job.r.stuck = true; return false; }
    for (let kills = 0; (await this.events.next()) === 'blocked';) {
      lc.raw(lc.SYS.kill, job.pid, kills++ === 0 ? SIGUSR2 : SIGKILL);
      if (kills === 2) break;
    }
    await lc.raw(lc.SYS.wait4, job.pid, 0, 0, 0);
    return true;
  }
}

/** Runs `prog` on `k` in an executor of its own (a reproducer's or a minimisation step's run). */
export async function exec_prog(k: Kernel, prog: Prog, descs: ReadonlyMap<string, CallDesc>, cover: CoverSource | null): Promise<ExecResult> {
  const e = new Executor(k, descs, cover);
  try {
    return await e.run(prog);
  } finally {
    e.stop();
  }
}
