import test from 'ava';
import { COST_KEYS, type CostKey, type CostProfile, cost_table, C } from '../../../kernel/time/cost.ts';
import {
  PRIVBOX_GATE_ROUND_TRIP,
  PRIVBOX_USER_ROUND_TRIP,
  skylake_nopti,
  skylake_pti,
} from '../../../kernel/arch/x86/profile_skylake.ts';
import { apple_m1 } from '../../../kernel/arch/arm64/profile_apple_m1.ts';

const profiles: readonly CostProfile[] = [skylake_pti, skylake_nopti, apple_m1];

/** The paths as the emulated kernel's entry code charges them (one charge per listed key). */
function x86_user_path(p: CostProfile): CostKey[] {
  return [
    'user_syscall_stub', 'syscall_insn', 'swapgs',
    ...(p.pti ? (['cr3_write'] as const) : []),
    'entry_regs', 'spectre_entry', 'syscall_dispatch', 'handler_trivial', 'exit_work',
    'mds_clear', 'exit_regs',
    ...(p.pti ? (['cr3_write'] as const) : []),
    'swapgs', 'sysret_insn',
  ];
}

const x86_gate_path: readonly CostKey[] = [
  'user_syscall_stub', 'gate_call', 'gate_stack_switch', 'entry_regs', 'syscall_dispatch',
  'handler_trivial', 'exit_work', 'mds_clear', 'exit_regs',
];

function arm64_user_path(p: CostProfile): CostKey[] {
  return [
    'user_syscall_stub', 'syscall_insn',
    ...(p.pti ? (['cr3_write', 'cr3_write'] as const) : []),
    'entry_regs', 'spectre_entry', 'syscall_dispatch', 'handler_trivial', 'exit_work',
    'exit_regs', 'sysret_insn',
  ];
}

function sum(p: CostProfile, path: readonly CostKey[]): number {
  return path.reduce((acc, k) => acc + p.cost[k], 0);
}

function within(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * expected;
}

for (const p of profiles) {
  test(`${p.name}: every key has a finite cost >= 0 and a non-empty source`, (t) => {
    for (const k of COST_KEYS) {
      const c = p.cost[k];
      t.is(typeof c, 'number', k);
      t.true(Number.isFinite(c) && c >= 0, `${k} = ${c}`);
      t.is(typeof p.sources[k], 'string', k);
      t.true(p.sources[k].trim().length > 0, `${k} has no source`);
    }
    t.is(Object.keys(p.cost).length, COST_KEYS.length, 'no extra cost keys');
    t.is(Object.keys(p.sources).length, COST_KEYS.length, 'no extra source keys');
  });

  test(`${p.name}: hz > 0 and the flat table matches the profile`, (t) => {
    t.true(Number.isFinite(p.hz) && p.hz > 0);
    const table = cost_table(p);
    for (const k of COST_KEYS) t.is(table[C[k]], p.cost[k]);
  });
}

test('skylake_pti: user syscall round trip lands within 5% of the published 953 cycles', (t) => {
  const s = sum(skylake_pti, x86_user_path(skylake_pti));
  t.true(within(s, 953, 0.05), `user path sums to ${s}`);
  t.is(PRIVBOX_USER_ROUND_TRIP, 953);
});

test('skylake_pti: PrivBox gate round trip lands within 5% of the published 436 cycles', (t) => {
  const s = sum(skylake_pti, x86_gate_path);
  t.true(within(s, 436, 0.05), `gate path sums to ${s}`);
  t.is(PRIVBOX_GATE_ROUND_TRIP, 436);
});

test('skylake: the two variants share one table and differ only in pti', (t) => {
  t.true(skylake_pti.pti);
  t.false(skylake_nopti.pti);
  t.is(skylake_pti.cost, skylake_nopti.cost);
  t.is(skylake_pti.sources, skylake_nopti.sources);
  t.is(skylake_pti.hz, skylake_nopti.hz);
  t.is(skylake_pti.arch, 'x86_64');
  // Without PTI the user path loses exactly the two CR3 writes; the gate path is unchanged.
  t.is(
    sum(skylake_pti, x86_user_path(skylake_pti)) - sum(skylake_nopti, x86_user_path(skylake_nopti)),
    2 * skylake_pti.cost.cr3_write,
  );
  t.true(sum(skylake_nopti, x86_user_path(skylake_nopti)) > sum(skylake_nopti, x86_gate_path));
});

test('skylake: residuals are labelled as residuals', (t) => {
  t.regex(skylake_pti.sources.mds_clear, /^residual: 436 published/);
  t.regex(skylake_pti.sources.cr3_write, /^residual: 953 published/);
});

test('apple_m1: arm64, no KPTI, no swapgs/VERW, PA about 4 cycles', (t) => {
  t.is(apple_m1.arch, 'arm64');
  t.false(apple_m1.pti);
  t.is(apple_m1.hz, 3.2e9);
  t.is(apple_m1.cost.swapgs, 0);
  t.is(apple_m1.cost.mds_clear, 0);
  t.regex(apple_m1.sources.swapgs, /no such instruction on arm64/);
  t.regex(apple_m1.sources.mds_clear, /no such instruction on arm64/);
  t.true(apple_m1.cost.cr3_write > 0, 'the KPTI variant cost is still documented');
  t.is(apple_m1.cost.pac_insn, 4);
  const s = sum(apple_m1, arm64_user_path(apple_m1));
  t.true(s > 0 && s < sum(skylake_nopti, x86_user_path(skylake_nopti)));
});
