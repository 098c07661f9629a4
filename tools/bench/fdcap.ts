/**
 * fdcap benchmarks (seed 003, issue 5 §7), on the apple-m1 profile:
 *  - Table 1: modeled cycles and wall time of init, enter and exit next to getpid;
 *  - Fig. 2: hooked read and write (a token fd inside a context) against the plain calls on a
 *    kernel without the module, for 1 B … 64 KiB, 10,000 calls per size; overhead in modeled
 *    cycles and in wall time; an SVG plot of the modeled overhead.
 * Reads come from /dev/zero and writes go to /dev/null, so the file system adds nothing but
 * the copy the driver does.
 */
import { ComputePAC, qarma64 } from '../../kernel/arch/arm64/pauth.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { boot, capture_console, run, run_inline } from '../machine.ts';
import { PROFILES } from '../profiles.ts';
import { median, ns_per_op, sane, svg_plot, table } from './harness.ts';

const PROFILE = 'apple-m1';
const CALLS = 10_000;
const SIZES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536];

async function machine(with_fdcap: boolean): Promise<Kernel> {
  const k = boot({ arch: 'arm64', profile: PROFILES[PROFILE], console: capture_console().console });
  if (with_fdcap) {
    const r = await run(k, { program: '/sbin/insmod', argv: ['insmod', '/lib/modules/fdcap.ko'] });
    if (r.status !== 0) throw new Error('fdcap bench: insmod failed');
  }
  return k;
}

/** The one function allowed to enter (registered at init; the stub finds it as its caller). */
function site(libc: Libc, ctx: number): number { return libc.fdcap_enter(ctx) as number; }

/** Modeled cycles and wall ns of `n` calls of fn (wall: median of 5 batches, after a warm-up batch). */
function measure(k: Kernel, fn: () => unknown, n: number): { cycles: number; ns: number } {
  for (let i = 0; i < Math.min(n, 2000); i++) fn();
  const c0 = k.cpu.cycles;
  const walls: number[] = [];
  const batch = Math.max(1, Math.floor(n / 5));
  for (let done = 0; done < n; done += batch) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch && done + i < n; i++) fn();
    walls.push(Number(process.hrtime.bigint() - t0) / Math.min(batch, n - done));
  }
  return { cycles: (k.cpu.cycles - c0) / n, ns: median(walls) };
}

async function table1(): Promise<void> {
  const k = await machine(true);
  const rows: (string | number)[][] = [];
  await run_inline(k, (libc) => {
    const getpid = measure(k, () => libc.getpid(), CALLS);
    const i0 = k.cpu.cycles, w0 = process.hrtime.bigint();
    if (libc.fdcap_init(site) !== 0) throw new Error('fdcap_init failed');
    const init = { cycles: k.cpu.cycles - i0, ns: Number(process.hrtime.bigint() - w0) };
    const ctx = libc.fdcap_create() as number;
    let ce = 0, cx = 0, we = 0n, wx = 0n;
    for (let i = 0; i < CALLS; i++) {
      let c = k.cpu.cycles, w = process.hrtime.bigint();
      if (site(libc, ctx) !== 0) throw new Error(`fdcap_enter failed (errno ${libc.errno})`);
      ce += k.cpu.cycles - c; we += process.hrtime.bigint() - w;
      c = k.cpu.cycles; w = process.hrtime.bigint();
      libc.fdcap_exit();
      cx += k.cpu.cycles - c; wx += process.hrtime.bigint() - w;
    }
    rows.push(['getpid', getpid.cycles, getpid.ns, 1],
      ['fdcap_init (once; opens /dev/fdcap, hooks sys_call_table)', init.cycles, init.ns, init.cycles / getpid.cycles],
      ['fdcap_enter (PACIA of the site under the nonce + ioctl + AUTIA + next nonce)', ce / CALLS, Number(we) / CALLS, ce / CALLS / getpid.cycles],
      ['fdcap_exit (ioctl)', cx / CALLS, Number(wx) / CALLS, cx / CALLS / getpid.cycles]);
  });
  table('fdcap', `Table 1 — fdcap calls next to getpid (${PROFILE}, modeled cycles; wall ns on this host; ${CALLS} calls)`,
    ['call', 'cycles', 'wall ns', '× getpid (cycles)'], rows);
}

type Op = 'read' | 'write';

/** Per size: modeled cycles and wall ns per call of op on fd (opened inside a context when hooked). */
async function curve(hooked: boolean, op: Op): Promise<{ cycles: number; ns: number }[]> {
  const k = await machine(hooked);
  const out: { cycles: number; ns: number }[] = [];
  await run_inline(k, (libc) => {
    if (hooked) {
      if (libc.fdcap_init(site) !== 0) throw new Error('fdcap_init failed');
      if (site(libc, libc.fdcap_create() as number) !== 0) throw new Error(`fdcap_enter failed (errno ${libc.errno})`);
    }
    const fd = libc.open(op === 'read' ? '/dev/zero' : '/dev/null', op === 'read' ? libc.O_RDONLY : libc.O_WRONLY) as number;
    const buf = libc.malloc(65536);
    for (const n of SIZES) {
      const call = op === 'read' ? (): unknown => libc.read(fd, buf, n) : (): unknown => libc.write(fd, buf, n);
      if ((call() as number) !== n) throw new Error(`fdcap bench: ${op} of ${n} failed (errno ${libc.errno})`);
      out.push(measure(k, call, CALLS));
    }
  });
  return out;
}

async function figure2(): Promise<void> {
  const rows: (string | number)[][] = [];
  const series: { name: string; points: [number, number][] }[] = [];
  for (const op of ['read', 'write'] as const) {
    const base = await curve(false, op);
    const hook = await curve(true, op);
    const pts: [number, number][] = [];
    SIZES.forEach((n, i) => {
      const oc = (hook[i].cycles / base[i].cycles - 1) * 100;
      // Wall: a ratio of two medians (never a difference of single runs), checked like any figure.
      const rw = sane(`${op} ${n} B hooked/plain wall`, hook[i].ns / base[i].ns);
      pts.push([n, sane(`${op} ${n} B modeled overhead`, oc, true)]);
      rows.push([op, n, base[i].cycles, hook[i].cycles, `${oc.toFixed(2)}%`, base[i].ns, hook[i].ns, `${rw.toFixed(2)}×`]);
    });
    series.push({ name: `${op} (modeled cycles)`, points: pts });
  }
  table('fdcap', `Fig. 2 — hooked read/write overhead (${PROFILE}; ${CALLS} calls per size; /dev/zero, /dev/null)`,
    ['op', 'bytes', 'plain cycles', 'hooked cycles', 'overhead (cycles)', 'plain wall ns (median)', 'hooked wall ns (median)', 'hooked / plain (wall)'], rows);
  const path = svg_plot('fdcap-overhead', `fdcap: hooked read/write overhead (${PROFILE}, modeled)`, 'request size (bytes)', 'overhead %', series, true);
  console.log(`  plot: ${path}`);
}

/**
 * Host wall time of one ComputePAC: the fast implementation (32-bit halves, byte tables) next
 * to the reference textbook QARMA-64 on cells and BigInt (what ComputePAC was before). Modeled
 * cycles do not depend on either: every PA instruction charges pac_insn.
 */
function pac_wall(): void {
  const W0 = 0x84be85ce9804e94bn, K0 = 0xec2802d4e0a488e9n, T = 0x477d469dec0b8762n;
  const data = Array.from({ length: 256 }, (_, i) => 0xfb623599da6e8127n ^ BigInt(i * 0x9e3779b9));
  let i = 0, sink = 0n;
  const fast = ns_per_op(() => { sink ^= ComputePAC(data[i++ & 255], T, W0, K0); }, 100_000);
  const ref = ns_per_op(() => { sink ^= qarma64(data[i++ & 255], T, W0, K0, 5, 2); }, 5_000);
  table('fdcap', 'Wall time of one ComputePAC on this host (QARMA-64, sigma2, 5 rounds)',
    ['implementation', 'wall ns'], [['ComputePAC (32-bit halves, byte tables)', fast], ['reference qarma64 (cells, BigInt)', ref], ['speed-up', `${(ref / fast).toFixed(1)}x`]]);
  if (sink === -1n) console.log(sink);
}

/**
 * Issue 12's goal, in one process after fdcap_init: a 1-byte read through a token next to the
 * same read through an unprotected fd (both go through the hooks; only the token is checked).
 * Wall: medians of 5 batches, each side measured 3 times interleaved, the ratio of the medians.
 */
async function same_process(): Promise<void> {
  const k = await machine(true);
  const rows: (string | number)[][] = [];
  await run_inline(k, (libc) => {
    const plain = libc.open('/dev/zero', libc.O_RDONLY) as number;
    if (libc.fdcap_init(site) !== 0 || site(libc, libc.fdcap_create() as number) !== 0) throw new Error('fdcap bench: init/enter failed');
    const token = libc.open('/dev/zero', libc.O_RDONLY) as number, buf = libc.malloc(8);
    const p: number[] = [], tk: number[] = [];
    let pc = 0, tc = 0;
    for (let r = 0; r < 3; r++) {
      const a = measure(k, () => libc.read(plain, buf, 1), CALLS), b = measure(k, () => libc.read(token, buf, 1), CALLS);
      p.push(a.ns); tk.push(b.ns); pc = a.cycles; tc = b.cycles;
    }
    const ratio = sane('token/unprotected read wall', median(tk) / median(p));
    rows.push(['read 1 B, unprotected fd', pc, median(p), '1.00×'], ['read 1 B, token fd', tc, median(tk), `${ratio.toFixed(2)}×`]);
  });
  table('fdcap', `Hooked read in one process (${PROFILE}; ${CALLS} calls × 3, interleaved; goal ≤ 1.3×)`,
    ['call', 'cycles', 'wall ns (median)', 'wall / unprotected'], rows);
}

export default async function bench(): Promise<void> {
  pac_wall();
  await table1();
  await same_process();
  await figure2();
}
