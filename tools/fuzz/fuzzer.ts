/**
 * The coverage-guided loop (syzkaller's fuzzer, one process): generate a program or mutate one
 * from the corpus, run it, and keep it (cut after its last call that reached new PCs) when
 * coverage grew. `random: true` is the baseline: the old random fuzzer's programs (a few real
 * objects, then 50 calls with hostile arguments), no feedback, coverage only counted.
 * Failures are minimised and saved as reproducers.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '../../kernel/kernel.ts';
import type { ArchName } from '../../kernel/arch/arch.ts';
import { run_inline } from '../machine.ts';
import { type CallDesc, desc_index, describe_syscalls } from './describe.ts';
import type { CoverSource } from './cover.ts';
import type { ExecResult } from './exec.ts';
import { Executor } from './executor.ts';
import { Corpus } from './corpus.ts';
import { Generator } from './gen.ts';
import { type Arg, type Call, type Prog, num, parse_prog, ProgSyntaxError } from './prog.ts';
import { minimize_failure, save_repro, signature } from './repro.ts';
import { ARENA, hostile, hostile_values, pick, prng } from './values.ts';

export interface FuzzConfig {
  readonly arch: ArchName;
  readonly seed: number;
  /** The baseline: random programs, no corpus, no feedback. */
  readonly random?: boolean;
  /** Budget: wall milliseconds and/or programs run (whichever ends first). */
  readonly time_ms?: number;
  readonly execs?: number;
  /** Corpus directory: loaded at start, one .prog file per kept program; crashes/ under it. */
  readonly corpus_dir?: string | null;
  readonly cover: CoverSource;
  /** A fresh kernel (the fuzzed one, and one per minimisation step). */
  readonly boot: () => Kernel;
  /** Called about every tick_ms with the running numbers. */
  readonly on_tick?: (s: FuzzStats) => void;
  readonly tick_ms?: number;
}

export interface FuzzStats {
  ms: number; execs: number; calls: number;
  /** Distinct PCs (basic blocks) reached. */
  blocks: number;
  corpus: number; crashes: number;
  /** Whether the cover source worked in the fuzzed processes. */
  covered: boolean;
}

export interface Crash { readonly signature: string; readonly prog: Prog; readonly files: string[] }

export interface FuzzOutcome extends FuzzStats { readonly curve: FuzzStats[]; readonly found: Crash[]; readonly corpus_progs: Prog[] }

/** Shortest program the guided loop runs. */
const MIN_CALLS = 24;
/** Programs run between checks that the kernel still runs a trivial program. */
const ALIVE_EVERY = 250;

export class Fuzzer {
  k: Kernel;
  readonly descs: CallDesc[];
  readonly by_name: ReadonlyMap<string, CallDesc>;
  readonly gen: Generator;
  readonly seen = new Set<number>();
  readonly pool: Corpus;
  /** The corpus entry the program being run was mutated from (-1: generated). */
  private parent = -1;
  readonly found = new Map<string, Crash>();
  readonly stats: FuzzStats = { ms: 0, execs: 0, calls: 0, blocks: 0, corpus: 0, crashes: 0, covered: false };
  private readonly values: number[];
  /** The fork server on `k`. */
  private exec: Executor;

  constructor(readonly cfg: FuzzConfig) {
    this.k = cfg.boot();
    this.descs = describe_syscalls(this.k);
    this.by_name = desc_index(this.descs);
    this.gen = new Generator(prng(cfg.seed), this.descs, cfg.arch, this.k.sys_call_table);
    this.values = hostile_values(this.k.sys_call_table);
    this.exec = new Executor(this.k, this.by_name, cfg.cover);
    this.pool = new Corpus(cfg.corpus_dir ?? null);
  }

  /** The corpus programs. */
  get corpus(): Prog[] { return this.pool.progs; }

  /** A fresh kernel (and executor) after the old one lost kcov or stopped running programs. */
  private reboot(): void {
    this.exec.stop();
    this.k = this.cfg.boot();
    this.exec = new Executor(this.k, this.by_name, this.cfg.cover);
  }

  /** The old random fuzzer's first calls: real objects to work on (a file, a pipe, sockets, an epoll, an eventfd). */
  setup_calls(): Call[] {
    return [
      { name: 'openat', args: [num(-100), { t: 'str' as const, s: '/tmp/fuzz' }, num(0o102), num(0o644)] },
      { name: 'pipe2', args: [num(ARENA + 4096), num(0)] },
      { name: 'socketpair', args: [num(1), num(1), num(0), num(ARENA + 4104)] },
      { name: 'socket', args: [num(2), num(1), num(0)] },
      { name: 'epoll_create1', args: [num(0)] },
      { name: 'eventfd2', args: [num(0), num(0)] },
    ].filter((c) => this.by_name.has(c.name));
  }

  /** The old random fuzzer's program: real objects first, then 50 random calls with hostile arguments. */
  random_prog(): Call[] {
    const r = this.gen.rnd, h = (): Arg => num(hostile(r, this.values)), p = this.setup_calls();
    for (let i = 0; i < 50; i++) p.push({ name: pick(r, this.descs).name, args: [h(), h(), h(), h(), h(), h()] });
    return p;
  }

  private next_prog(): Call[] {
    if (this.cfg.random) return this.random_prog();
    this.parent = -1;
    if (this.corpus.length === 0 || this.gen.rnd() < 0.1) return this.gen.gen_prog();
    // Several mutations in a row, each with probability 1/2 after the first (as syzkaller's Mutate).
    this.parent = this.pool.choose(this.gen.rnd);
    let p = this.gen.mutate(this.corpus[this.parent], this.corpus);
    while (this.gen.rnd() < 0.5) p = this.gen.mutate(p, this.corpus);
    // A process costs several calls' worth to start: a short program gets fresh calls appended
    // (the corpus keeps only up to its last call with new coverage).
    while (p.length < MIN_CALLS) this.gen.append_call(p);
    return p;
  }

  /** Counts r's PCs into `seen`: how many were new, and the index of the last call that reached one (-1: none). */
  private triage(r: ExecResult): { fresh: number; last: number } {
    let last = -1, fresh = 0;
    r.covers.forEach((pcs, i) => {
      for (const pc of pcs) if (!this.seen.has(pc)) { this.seen.add(pc); last = i; fresh++; }
    });
    this.stats.blocks = this.seen.size;
    return { fresh, last };
  }

  /** Keeps `prog` (cut after its last call with new coverage), credits its parent, learns its call pairs. */
  private keep(prog: Prog, fresh: number): void {
    if (this.parent >= 0) this.pool.reward(this.parent, fresh);
    if (!this.pool.add(prog, fresh)) return;
    this.gen.table.note(prog);
    this.stats.corpus = this.corpus.length;
  }

  /** Runs one program and learns from it. */
  async run_one(prog: Call[], keep_if_new = !this.cfg.random): Promise<ExecResult> {
    const r = await this.exec.run(prog);
    this.stats.execs++;
    this.stats.calls += r.rets.length;
    // A program that took kcov away (unlinked or renamed its file) blinds every later one: reboot.
    if (this.stats.covered && !r.covered) this.reboot();
    this.stats.covered ||= r.covered;
    const { fresh, last } = this.triage(r);
    if (!this.cfg.random) { this.gen.table.note_run(prog, r.rets); this.gen.note_made(prog, r.rets); }
    if (keep_if_new && last >= 0) this.keep(prog.slice(0, last + 1), fresh);
    this.parent = -1;
    const sig = signature(r);
    if (sig !== null && !this.found.has(sig)) await this.crash(prog, sig);
    return r;
  }

  private async crash(prog: Prog, sig: string): Promise<void> {
    const min = await minimize_failure(prog, sig, this.cfg.boot);
    const dir = this.cfg.corpus_dir ? join(this.cfg.corpus_dir, 'crashes') : null;
    const name = createHash('sha1').update(sig).digest('hex').slice(0, 12);
    this.found.set(sig, { signature: sig, prog: min, files: dir ? save_repro(dir, name, min, sig, this.cfg.arch) : [] });
    this.stats.crashes = this.found.size;
  }

  /** Whether the kernel still runs a program (the property's "keeps running"); bounded by a watchdog. */
  async alive(): Promise<boolean> {
    const ran = run_inline(this.k, (lc) => (lc.raw(lc.SYS.getpid) as number) > 0 ? 0 : 1).then((x) => x.status === 0, () => false);
    const timeout = new Promise<boolean>((res) => setTimeout(res, 2000, false).unref());
    return Promise.race([ran, timeout]);
  }

  /** Loads the corpus directory's programs (skipping what does not parse), running each once. */
  async load_corpus(): Promise<void> {
    const dir = this.cfg.corpus_dir;
    if (!dir) return;
    if (!existsSync(dir)) { mkdirSync(dir, { recursive: true }); return; }
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.prog')).sort()) {
      let prog: Call[];
      try { prog = parse_prog(readFileSync(join(dir, f), 'utf8')); } catch (e) { if (e instanceof ProgSyntaxError) continue; throw e; }
      if (this.pool.add(prog, this.triage(await this.exec.run(prog)).fresh, false)) this.gen.table.note(prog);
    }
    this.stats.corpus = this.corpus.length;
  }

  async run(): Promise<FuzzOutcome> {
    const { time_ms = Infinity, execs = Infinity, tick_ms = 1000 } = this.cfg;
    const t0 = performance.now(), curve: FuzzStats[] = [];
    let next_tick = tick_ms;
    const snap = (): void => { this.stats.ms = performance.now() - t0; curve.push({ ...this.stats }); this.cfg.on_tick?.(this.stats); };
    await this.load_corpus();
    // The guided fuzzer starts from what the baseline knows: its object-making calls, run once
    // as a seed program (they join the corpus and become known-good producers).
    if (!this.cfg.random && this.stats.execs < execs) await this.run_one(this.setup_calls());
    while (this.stats.execs < execs && performance.now() - t0 < time_ms) {
      await this.run_one(this.next_prog());
      if (this.stats.execs % ALIVE_EVERY === 0 && !(await this.alive())) await this.kernel_died();
      if (performance.now() - t0 >= next_tick) { snap(); next_tick += tick_ms; }
    }
    snap();
    this.exec.stop();
    return { ...this.stats, curve, found: [...this.found.values()], corpus_progs: this.corpus };
  }

  private async kernel_died(): Promise<void> {
    const sig = 'kernel stopped running programs';
    if (!this.found.has(sig)) this.found.set(sig, { signature: sig, prog: [], files: [] });
    this.stats.crashes = this.found.size;
    this.reboot();
  }
}

/** Runs a fuzzing session. */
export function fuzz_session(cfg: FuzzConfig): Promise<FuzzOutcome> {
  return new Fuzzer(cfg).run();
}
