/**
 * Which call to make next, and which live resource to give it (syzkaller's prog/prio.go, small).
 * A call's priority after another comes from two places:
 *  - static, from the descriptions: b is worth calling after a when a produces a resource kind
 *    b consumes (an fd, a mapping, a pid);
 *  - dynamic, from the corpus: call pairs where b consumed a's result, or came right after it,
 *    in a program that reached new coverage (a socket's fd in bind, an epoll fd in epoll_ctl:
 *    the table's 'fd' says nothing of the fd's kind, so the corpus learns which producer fits).
 * A weaker static hint links calls of one family: the same name stem (epoll_create1 and
 * epoll_ctl) or argument kinds of one kind of object (socket's family, bind's sockaddr).
 * The same learned pairs rank producers for a consumer that has no live resource yet
 * (syzkaller's createResource) and rank the live resources a consumer could take.
 */
import type { ArgFmt } from '../../kernel/syscalls/syscall_def.ts';
import type { CallDesc, ResKind } from './describe.ts';
import type { Prog } from './prog.ts';
import { pick, type Rnd } from './values.ts';

/** Weights of a row: every call 1, a static producer→consumer link STATIC more, a learned pair up to DYNAMIC more. */
const STATIC = 3, FAMILY = 8, DYNAMIC = 60;
/** How often a call is drawn uniformly instead (exploration, and calls nothing links to). */
const UNIFORM = 0.2;

/** The resource kinds a call's declared arguments consume (an fd in a register or a pollfd, an address). */
export function consumes(d: CallDesc): Set<ResKind> {
  const out = new Set<ResKind>();
  for (const a of d.args) {
    if (a === 'fd' || a === 'fdrange' || a === 'atfd' || a === 'pollfds') out.add('fd');
    else if (a === 'ptr') out.add('addr');
  }
  return out;
}

/** Argument kinds that say which kind of object a call works on. */
const FAMILY_OF: Partial<Record<ArgFmt, string>> = {
  sockfam: 'sock', socktype: 'sock', sockaddr: 'sock', msghdr_in: 'sock', msghdr_out: 'sock',
  epoll_flags: 'epoll', epoll_op: 'epoll', epoll_event: 'epoll', epoll_events_out: 'epoll',
};

/** A call's families: its name's stem before '_' (epoll_ctl: epoll), and its arguments' (FAMILY_OF). */
export function families(d: CallDesc): Set<string> {
  const out = new Set<string>();
  const us = d.name.indexOf('_');
  if (us > 0) out.add(d.name.slice(0, us));
  for (const a of d.args) { const f = FAMILY_OF[a]; if (f) out.add(f); }
  return out;
}

export class ChoiceTable {
  readonly n: number;
  private readonly index: ReadonlyMap<string, number>;
  private readonly static_prio: Uint8Array;
  private readonly family: Uint8Array;
  /** Learned pair counts, [a * n + b], and each row's largest. */
  private readonly dyn: Float64Array;
  private readonly dyn_max: Float64Array;
  /** Cumulative weights of each row, rebuilt when its counts changed (null: stale). */
  private readonly rows: (Float64Array | null)[];
  private readonly uses: ReadonlySet<ResKind>[];

  constructor(readonly descs: readonly CallDesc[]) {
    const n = this.n = descs.length;
    this.index = new Map(descs.map((d, i) => [d.name, i]));
    this.uses = descs.map(consumes);
    this.static_prio = new Uint8Array(n * n);
    this.family = new Uint8Array(n * n);
    const fam = descs.map(families);
    descs.forEach((a, i) => {
      const made = new Set(a.produces.map((p) => p.kind));
      this.uses.forEach((u, j) => {
        if (![...made].some((k) => u.has(k))) return;
        this.static_prio[i * n + j] = 1;
        if ([...fam[i]].some((f) => fam[j].has(f))) this.family[i * n + j] = 1;
      });
    });
    this.dyn = new Float64Array(n * n);
    this.dyn_max = new Float64Array(n);
    this.rows = new Array<Float64Array | null>(n).fill(null);
  }

  /**
   * How well `a`'s result fits `b` (by name): 1, more for a producer of b's family, more for a
   * pair the corpus learned.
   */
  fit(a: string, b: string): number {
    const i = this.index.get(a), j = this.index.get(b);
    if (i === undefined || j === undefined) return 1;
    const k = i * this.n + j;
    return 1 + FAMILY * this.family[k] + (this.dyn_max[i] > 0 ? DYNAMIC * this.dyn[k] / this.dyn_max[i] : 0);
  }

  private bump(i: number, j: number, by: number): void {
    const v = (this.dyn[i * this.n + j] += by);
    if (v > this.dyn_max[i]) this.dyn_max[i] = v;
    this.rows[i] = null;
  }

  /** Learns from a run: a call that succeeded on an earlier call's valid result makes a pair. */
  note_run(prog: Prog, rets: readonly number[]): void {
    for (let j = 0; j < rets.length; j++) {
      if (rets[j] < 0) continue;
      const b = this.index.get(prog[j].name);
      if (b === undefined) continue;
      for (const i of refs_of(prog[j].args)) {
        const a = i < j && rets[i] >= 0 ? this.index.get(prog[i].name) : undefined;
        if (a !== undefined) this.bump(a, b, 1);
      }
    }
  }

  /** Learns from a program that reached new coverage: its result references and neighbours. */
  note(prog: Prog): void {
    const ids = prog.map((c) => this.index.get(c.name));
    prog.forEach((c, j) => {
      const b = ids[j];
      if (b === undefined) return;
      if (j > 0 && ids[j - 1] !== undefined) this.bump(ids[j - 1]!, b, 1);
      for (const i of refs_of(c.args)) if (ids[i] !== undefined) this.bump(ids[i]!, b, 2);
    });
  }

  private row(i: number): Float64Array {
    const cached = this.rows[i];
    if (cached) return cached;
    const n = this.n, out = new Float64Array(n), scale = this.dyn_max[i] > 0 ? DYNAMIC / this.dyn_max[i] : 0;
    let sum = 0;
    for (let j = 0; j < n; j++) out[j] = sum += 1 + STATIC * this.static_prio[i * n + j] + FAMILY * this.family[i * n + j] + scale * this.dyn[i * n + j];
    return (this.rows[i] = out);
  }

  /** The next call for a program that has `prog` so far: after a random one of its calls, by priority. */
  choose(rnd: Rnd, prog: Prog): CallDesc {
    const bias = prog.length && rnd() >= UNIFORM ? this.index.get(pick(rnd, prog).name) : undefined;
    if (bias === undefined) return pick(rnd, this.descs);
    const row = this.row(bias), x = rnd() * row[this.n - 1];
    let lo = 0, hi = this.n - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (row[mid] > x) hi = mid; else lo = mid + 1; }
    return this.descs[lo];
  }

  /** A call producing `kind` for consumer `d`, ranked by what the corpus learned; null if none. */
  producer(rnd: Rnd, kind: ResKind, d: CallDesc): CallDesc | null {
    const cands = this.descs.filter((p) => p.produces.some((x) => x.kind === kind));
    return weighted(rnd, cands, (p) => this.fit(p.name, d.name));
  }

  /** Whether `d` consumes resources of `kind`. */
  wants(d: CallDesc, kind: ResKind): boolean {
    const i = this.index.get(d.name);
    return i !== undefined && this.uses[i].has(kind);
  }
}

/** Call indices referenced anywhere in `args` (registers and buffer fields). */
function refs_of(args: Prog[number]['args']): number[] {
  const out: number[] = [];
  for (const a of args) {
    if (a.t === 'res') out.push(a.call);
    else if (a.t === 'buf') for (const f of a.fields) if (f.v.t === 'res') out.push(f.v.call);
  }
  return out;
}

/** One of `xs` with probability proportional to `w`; null if `xs` is empty. */
export function weighted<T>(rnd: Rnd, xs: readonly T[], w: (x: T) => number): T | null {
  if (!xs.length) return null;
  let sum = 0;
  const cum = xs.map((x) => (sum += w(x)));
  const at = rnd() * sum;
  return xs[cum.findIndex((c) => c > at)] ?? xs[xs.length - 1];
}
