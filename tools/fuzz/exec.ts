/**
 * One program's run inside the process the executor forked for it (syzkaller's executor/, the
 * child side): buffers laid out in the data area before each call, earlier results passed where
 * the program names them, each call's coverage read through the CallCover. A call still blocked
 * after a few turns of the event loop is reported to the executor, which interrupts it (see
 * executor.ts). Also what a fuzzer checks afterwards: an oops in dmesg, or an invariant break.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { EHWPOISON } from '../../kernel/include/uapi/errno.ts';
import type { CallDesc } from './describe.ts';
import type { CallCover } from './cover.ts';
import { type Arg, type Prog, RET } from './prog.ts';
import { ARENA, ARENA_SIZE } from './values.ts';

/** Event-loop turns a call may take before it counts as blocked. */
const PATIENCE = 16;
const ZERO = new Uint8Array(65536);
const utf8 = new TextEncoder();

export interface ExecResult {
  /** Return value of each call run (calls after a stuck or fatal one are not run). */
  readonly rets: number[];
  /** PCs each call run reached (empty without a cover source). */
  readonly covers: number[][];
  stuck: boolean;
  /** Whether coverage was available in the process. */
  covered: boolean;
  /** New `BUG:` lines in the kernel log. */
  readonly oopses: string[];
  /** Invariant breaks: returns that are no errno, host exceptions. */
  readonly broken: string[];
}

export function new_result(): ExecResult {
  return { rets: [], covers: [], stuck: false, covered: false, oopses: [], broken: [] };
}

/** A promise's value, or null if it has not settled after PATIENCE turns of the event loop. */
async function settle(p: Promise<number>): Promise<number | null> {
  let v: number | null = null, done = false;
  p.then((x) => { v = x; done = true; }, () => { done = true; });
  for (let i = 0; i < PATIENCE && !done; i++) await new Promise<void>((r) => setImmediate(r));
  return v;
}

/** Writes `v` as `width` little-endian bytes (negative numbers in two's complement). */
function store(lc: Libc, p: number, width: number, v: number): void {
  const lo = ((v % 2 ** 32) + 2 ** 32) % 2 ** 32, hi = Math.floor(v / 2 ** 32) >>> 0;
  if (width === 8) { lc.poke_u32(p, lo); lc.poke_u32(p + 4, hi); return; }
  if (width === 4) { lc.poke_u32(p, lo); return; }
  for (let i = 0; i < width; i++) lc.poke_u8(p + i, (lo >>> (8 * i)) & 0xff);
}

/** One program's run inside its process: argument values, results, the data area's cursor. */
class Run {
  cursor = ARENA;
  readonly pairs: (readonly [number, number] | null)[] = [];
  constructor(readonly lc: Libc, readonly r: ExecResult) {}

  /** Whether the cursor went round the area (its bytes are no longer the zeroes the child started with). */
  private wrapped = false;

  private alloc(size: number): number {
    if (this.cursor + size > ARENA + ARENA_SIZE) { this.cursor = ARENA; this.wrapped = true; }
    const p = this.cursor;
    this.cursor += (size + 7) & ~7;
    return p;
  }

  value(a: Arg): number {
    switch (a.t) {
      case 'num': return a.v;
      case 'res': return a.sub === RET ? this.r.rets[a.call] ?? -1 : this.pairs[a.call]?.[a.sub] ?? -1;
      case 'str': {
        const b = utf8.encode(a.s + '\0'), p = this.alloc(b.length);
        this.lc.poke(p, b);
        return p;
      }
      case 'buf': {
        const size = Math.min(a.size, ZERO.length), p = this.alloc(size);
        // The executor never writes its data area, so a forked child's is zero until it wraps.
        if (this.wrapped) this.lc.poke(p, ZERO.subarray(0, size));
        let off = 0;
        for (const f of a.fields) {
          if (off + f.width > size) break;
          store(this.lc, p + off, f.width, this.value(f.v));
          off += f.width;
        }
        return p;
      }
    }
  }
}

/**
 * The value of a call that may block: when it is still pending, `blocked()` asks the executor to
 * interrupt it (SIGUSR2 first, caught without SA_RESTART, so it fails with EINTR and the program
 * goes on; SIGKILL the second time); null if even the signal did not free it.
 */
async function finish(p: Promise<number>, blocked: () => void): Promise<number | null> {
  const v = await settle(p);
  if (v !== null) return v;
  blocked();
  const w = await settle(p);
  if (w === null) blocked();
  return w;
}

/** A return value that is no errno: -4095..-1 is the error range, and only -133..-1 are errnos. */
function bad_return(v: number): boolean {
  return !Number.isInteger(v) || (v < -EHWPOISON && v >= -4095);
}

/** The `BUG:` lines the kernel logged from sequence number `seq0` on. */
export function oopses_since(k: Kernel, seq0: number): string[] {
  const log = k.log.all(), out: string[] = [];
  for (let i = log.length - 1; i >= 0 && log[i].seq >= seq0; i--) if (log[i].text.startsWith('BUG:')) out.unshift(log[i].text);
  return out;
}

/**
 * Runs `prog`'s calls in the calling process (its data area already mapped), filling `r`;
 * `blocked` is the executor's watchdog. A fault or fatal signal ends the program by throwing.
 */
export async function run_calls(lc: Libc, prog: Prog, descs: ReadonlyMap<string, CallDesc>, cov: CallCover | null, r: ExecResult, blocked: () => void): Promise<void> {
  const run = new Run(lc, r);
  for (const c of prog) {
    const d = descs.get(c.name);
    if (!d) { r.rets.push(-38); r.covers.push([]); run.pairs.push(null); continue; }
    const v = c.args.map((a) => run.value(a));
    cov?.begin();
    const p = lc.raw(d.nr, v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, v[3] ?? 0, v[4] ?? 0, v[5] ?? 0);
    const ret = typeof p === 'number' ? p : await finish(p, blocked);
    if (ret === null) { r.stuck = true; return; }
    const out: number[] = [];
    cov?.end(d.nr, ret, out);
    r.rets.push(ret);
    r.covers.push(out);
    if (bad_return(ret)) r.broken.push(`${c.name} returned ${ret}, which is no errno`);
    const pair = d.args.indexOf('fdpair');
    run.pairs.push(pair >= 0 && ret === 0 ? [lc.peek_i32(v[pair]), lc.peek_i32(v[pair] + 4)] : null);
  }
}
