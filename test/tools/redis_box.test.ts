/**
 * The redis_box bench's measurement, end to end on one small pair (PING_INLINE × 200, -c 50, on
 * skylake-pti): redis-lite with kerncall no and with aeProcessEvents boxed (the SFI full build).
 * What must hold whatever the constants: the boxed server's syscalls go through the gate (gate
 * entries per request > 0, syscall-instruction entries all but gone), and its modeled cycles per
 * request move the way the profile's two paths say — per call, by the profile's user-path minus
 * gate-path saving, less what the SFI instrumentation charged.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { C, type CostKey } from '../../kernel/time/cost.ts';
import { PROFILES } from '../../tools/profiles.ts';
import { CONFIGS, PROFILE, measure, start_server, type TestResult } from '../../tools/bench/redis_box.ts';

const has_benchmark = (): Promise<boolean> => new Promise((res) => execFile('sh', ['-c', 'command -v redis-benchmark'], (e) => res(!e)));

async function ping(name: string): Promise<TestResult> {
  const s = await start_server(CONFIGS.find((c) => c.name === name)!);
  try { return await measure(s, 'ping_inline', 200); } finally { await s.stop(); }
}

const sum = (keys: readonly CostKey[]): number => keys.reduce((a, k) => a + PROFILES[PROFILE].cost[k], 0);

const NET_KEYS: readonly CostKey[] = ['tcp_sendmsg', 'tcp_recvmsg', 'ep_poll', 'ep_item_poll'];

test('a boxed event loop calls the gate instead of syscall, and its modeled cycles per request move by what the paths charge', async (t) => {
  if (!(await has_benchmark())) return t.pass('redis-benchmark not installed');
  const plain = await ping('kerncall no');
  const boxed = await ping('box, SFI full');
  t.true(plain.syscalls >= 1, `plain: ${plain.syscalls} syscalls/request`);
  t.is(plain.gates, 0);
  t.true(boxed.gates >= 1, `boxed: ${boxed.gates} gate calls/request`);
  t.true(boxed.syscalls < plain.syscalls / 10, `boxed: ${boxed.syscalls} syscalls/request`);
  t.is(boxed.keys[C.cr3_write], 0, 'no CR3 write on the boxed server\'s path (PTI is on)');
  // What one call saves in this profile: the user path's own keys minus the gate's own keys.
  const saving = sum(['syscall_insn', 'swapgs', 'swapgs', 'cr3_write', 'cr3_write', 'spectre_entry', 'sysret_insn']) -
    sum(['gate_call', 'gate_stack_switch', 'gate_scrub']);
  t.true(saving > 0);
  const sfi = boxed.keys[C.sfi_mask] + boxed.keys[C.sfi_branch] + boxed.keys[C.spap_check];
  t.true(plain.cycles > boxed.cycles, `plain ${plain.cycles} vs boxed ${boxed.cycles} cycles/request`);
  // Per call, so that how requests batched into epoll_wait calls in each run drops out; the
  // counted user ops (which differ by the SFI build's checks) are a small part of a call. The
  // network path's own work (the same in both, but not per call: an epoll scan serves many
  // ready clients) is taken out first.
  const net = (r: typeof plain): number => NET_KEYS.reduce((a, k) => a + r.keys[C[k]], 0);
  t.true(net(plain) > 0 && net(boxed) > 0, 'the TCP and epoll work is charged, boxed or not');
  const got = (plain.cycles - net(plain)) / plain.syscalls - (boxed.cycles - net(boxed)) / boxed.gates;
  const expected = saving - sfi / boxed.gates;
  t.true(Math.abs(got - expected) < expected / 3, `saved ${got} cycles per call, the paths imply ${expected}`);
});
