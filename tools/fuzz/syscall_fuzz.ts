/**
 * A syscall fuzzer in the spirit of syzkaller's simplest mode: random syscalls of the running
 * architecture with arguments drawn from values that break kernels (0, -1, small fds, the
 * edges of the address halves, valid user buffers, kernel addresses, huge sizes, flag soup).
 * The property is the one privos promises: every bad input gets an errno, never an oops, and
 * the kernel keeps running. Calls that block are abandoned after a short time and the process
 * is killed, as a fuzzer's watchdog would.
 *
 * Usage: node --import tsx tools/fuzz/syscall_fuzz.ts [iterations] [seed]
 * (The coverage-guided fuzzer is fuzzer.ts, `privos fuzz`; its --random mode runs these programs.)
 */
import { boot, run_inline, task_of } from '../machine.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { Libc } from '../../libc/index.ts';
import { send_signal } from '../../kernel/sched/signal.ts';
import { SIGKILL } from '../../kernel/include/uapi/signal.ts';
import { SKIP } from './describe.ts';
import { ARENA, ARENA_SIZE, hostile, hostile_values, pick, prng } from './values.ts';

export { prng };

export interface FuzzReport { calls: number; errors: number; stuck: number; oopses: string[] }

/** Runs `calls` random syscalls in processes of a fresh kernel; returns what happened. */
export async function fuzz(calls: number, seed: number, k: Kernel = boot(), keep_going = false): Promise<FuzzReport> {
  const rnd = prng(seed);
  const names = k.arch.syscall_names.map((n, nr) => [n, nr] as const)
    .filter(([n]) => n && !SKIP.has(n) && k.syscall_defs[k.arch.syscall_names.indexOf(n)]);
  const report: FuzzReport = { calls: 0, errors: 0, stuck: 0, oopses: [] };
  while (report.calls < calls) {
    await run_inline(k, async (libc: Libc) => {
      // The data area the guided fuzzer uses too, so both draw from the same hostile values.
      const buf = await libc.mmap(ARENA, ARENA_SIZE, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS | libc.MAP_FIXED, -1, 0);
      libc.poke(buf, new TextEncoder().encode('/tmp/fuzz\0'));
      // Give the calls real objects to work on: a file, a pipe, sockets, an epoll and an eventfd.
      await libc.open('/tmp/fuzz', libc.O_CREAT | libc.O_RDWR, 0o644);
      libc.raw(libc.SYS.pipe2, buf + 4096, 0);
      libc.raw(libc.SYS.socketpair, 1, 1, 0, buf + 4104);
      libc.raw(libc.SYS.socket, 2, 1, 0);
      libc.raw(libc.SYS.epoll_create1, 0);
      libc.raw(libc.SYS.eventfd2, 0, 0);
      const values = hostile_values(k.sys_call_table);
      const arg = (): number => hostile(rnd, values);
      for (let i = 0; i < 50 && report.calls < calls; i++) {
        const [, nr] = pick(rnd, names);
        report.calls++;
        const r = libc.raw(nr, arg(), arg(), arg(), arg(), arg(), arg());
        const v = typeof r === 'number' ? r
          : await Promise.race([r, new Promise<null>((res) => setTimeout(() => res(null), 20))]);
        if (v === null) { report.stuck++; send_signal(task_of(k, libc), SIGKILL); return; }
        if (v < 0) report.errors++;
      }
    }).catch(() => undefined);
    report.oopses = k.log.all().filter((r) => /^BUG:/.test(r.text)).map((r) => r.text);
    if (report.oopses.length && !keep_going) break;
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 5000), seed = Number(process.argv[3] ?? Date.now() % 1e9);
  const r = await fuzz(n, seed, boot(), process.env.FUZZ_KEEP_GOING === '1');
  console.log(`seed ${seed}: ${r.calls} calls, ${r.errors} errors, ${r.stuck} stuck, ${r.oopses.length} oopses`);
  for (const o of new Set(r.oopses)) console.log(o);
  process.exit(r.oopses.length ? 1 : 0);
}
