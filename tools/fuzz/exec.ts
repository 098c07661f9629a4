/**
 * The executor (syzkaller's executor/, in a privos process): runs one program in a fresh process
 * of a running kernel, laying its buffers out in the data area before each call, passing earlier
 * results where the program names them, and reading each call's coverage through a CoverSource.
 * It reports what a fuzzer checks: an oops in dmesg, or an invariant break (a return value that
 * is no errno, a host exception escaping the kernel). A call still blocked after a few turns of
 * the event loop is interrupted by a signal (see finish).
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { SIGKILL, SIGUSR2 } from '../../kernel/include/uapi/signal.ts';
import { EHWPOISON } from '../../kernel/include/uapi/errno.ts';
import { run_inline } from '../machine.ts';
import type { CallDesc } from './describe.ts';
import type { CoverSource } from './cover.ts';
import { type Arg, type Prog, RET } from './prog.ts';
import { ARENA, ARENA_SIZE } from './values.ts';

/** Event-loop turns a call may take before it counts as blocked. */
const PATIENCE = 16;
const ZERO = new Uint8Array(65536);

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

  private alloc(size: number): number {
    if (this.cursor + size > ARENA + ARENA_SIZE) this.cursor = ARENA;
    const p = this.cursor;
    this.cursor += (size + 7) & ~7;
    return p;
  }

  value(a: Arg): number {
    switch (a.t) {
      case 'num': return a.v;
      case 'res': return a.sub === RET ? this.r.rets[a.call] ?? -1 : this.pairs[a.call]?.[a.sub] ?? -1;
      case 'str': {
        const b = new TextEncoder().encode(a.s + '\0'), p = this.alloc(b.length);
        this.lc.poke(p, b);
        return p;
      }
      case 'buf': {
        const size = Math.min(a.size, ZERO.length), p = this.alloc(size);
        this.lc.poke(p, ZERO.subarray(0, size));
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

/** A signal to `pid` from another process (the watchdog), through the guest ABI like everything else. */
async function kill(k: Kernel, pid: number, sig: number): Promise<void> {
  await run_inline(k, (lc) => { lc.raw(lc.SYS.kill, pid, sig); });
}

/**
 * The value of a call that may block: a blocked call is interrupted by SIGUSR2 (caught without
 * SA_RESTART, so it fails with EINTR and the program goes on, as syzkaller's executor leaves a
 * blocked call to its thread); null if even that does not free it (the process is then killed).
 */
async function finish(k: Kernel, pid: number, p: Promise<number>): Promise<number | null> {
  const v = await settle(p);
  if (v !== null) return v;
  await kill(k, pid, SIGUSR2);
  const w = await settle(p);
  if (w === null) await kill(k, pid, SIGKILL);
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

/** Runs `prog` in a new process of `k`; never throws. */
export async function exec_prog(k: Kernel, prog: Prog, descs: ReadonlyMap<string, CallDesc>, cover: CoverSource | null): Promise<ExecResult> {
  const r: ExecResult = { rets: [], covers: [], stuck: false, covered: false, oopses: [], broken: [] };
  const seq0 = k.log.next_seq;
  await run_inline(k, async (lc: Libc) => {
    const pid = lc.raw(lc.SYS.getpid) as number;
    const cov = cover ? await cover.attach(lc) : null;
    r.covered = cov !== null;
    const m = await lc.raw(lc.SYS.mmap, ARENA, ARENA_SIZE, lc.PROT_READ | lc.PROT_WRITE, lc.MAP_PRIVATE | lc.MAP_ANONYMOUS | lc.MAP_FIXED, -1, 0);
    if (m !== ARENA) { r.broken.push(`executor: mmap of the data area gave ${m}`); return; }
    lc.sigaction(SIGUSR2, { handler: () => undefined, flags: 0 });
    const run = new Run(lc, r);
    try {
      for (const c of prog) {
        const d = descs.get(c.name);
        if (!d) { r.rets.push(-38); r.covers.push([]); run.pairs.push(null); continue; }
        const v = c.args.map((a) => run.value(a));
        cov?.begin();
        const p = lc.raw(d.nr, v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, v[3] ?? 0, v[4] ?? 0, v[5] ?? 0);
        const ret = typeof p === 'number' ? p : await finish(k, pid, p);
        if (ret === null) { r.stuck = true; return; }
        const out: number[] = [];
        cov?.end(d.nr, ret, out);
        r.rets.push(ret);
        r.covers.push(out);
        if (bad_return(ret)) r.broken.push(`${c.name} returned ${ret}, which is no errno`);
        const pair = d.args.indexOf('fdpair');
        run.pairs.push(pair >= 0 && ret === 0 ? [lc.peek_i32(v[pair]), lc.peek_i32(v[pair] + 4)] : null);
      }
    } catch {
      // A fault in the program's own memory (it unmapped its data area, say) ends it, as SIGSEGV would.
    }
  }).catch((e: unknown) => { r.broken.push(`host exception: ${(e as Error)?.stack ?? String(e)}`); });
  r.oopses.push(...oopses_since(k, seq0));
  return r;
}
