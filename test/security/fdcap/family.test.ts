/**
 * fdcap across fork (issue 11 §2, §3, §5): per-process contexts, the fork brute force under the
 * kill policy with and without the family's failure budget, and the module reference held by
 * every protected process.
 */
import test from 'ava';
import { insmod, machine, rmmod, sh, type Machine } from './helpers.ts';
import { install_image } from '../../../tools/machine.ts';

const FAMILY = new URL('./progs/family.ts', import.meta.url).href;
const family = (m: Machine, ...args: string[]): Promise<number> => sh(m, FAMILY, ...args);

test('fork gives the child its own copy of each context: a revoke on either side leaves the other working', async (t) => {
  const m = machine();
  t.is(await insmod(m, 'max_failures=0'), 0);
  t.is(await family(m, 'revoke'), 0);
  const out = m.out();
  t.regex(out, /child: inherited token reads=1 dead after its revoke=1/);
  t.regex(out, /parent after the child's revoke: reads=1/);
  t.regex(out, /child after the parent's revoke: reads=1/);
  t.regex(out, /parent: dead after its revoke=1/);
});

/**
 * One family's fork brute force: its wait status, the children it forked (the parent reports
 * each child's fate; the last one's it cannot when the family is killed with it), whether one
 * read the secret.
 */
async function brute_family(m: Machine): Promise<{ status: number; guesses: number; found: boolean }> {
  const from = m.out().length;
  const status = await family(m, 'brute', 'kill');
  const out = m.out().slice(from);
  const reported = (out.match(/^guess \d+: /gm) ?? []).length;
  return { status, guesses: reported + (status === 128 + 9 ? 1 : 0), found: /^found at \d+$/m.test(out) };
}

/** Runs n families on one machine: success rate per family and per guess. */
async function brute_families(m: Machine, n: number): Promise<{ runs: Awaited<ReturnType<typeof brute_family>>[]; per_family: number; per_guess: number }> {
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await brute_family(m));
  const hits = runs.filter((r) => r.found).length, guesses = runs.reduce((s, r) => s + r.guesses, 0);
  return { runs, per_family: hits / n, per_guess: hits / guesses };
}

// Families per measurement; FDCAP_BRUTE_FAMILIES=N for a larger run (docs/fdcap.md quotes one).
const FAMILIES = Number(process.env.FDCAP_BRUTE_FAMILIES ?? 0);

test('fork brute force under the kill policy, no family bound (max_failures=0): every family finds the code', async (t) => {
  const m = machine();
  t.is(await insmod(m, 'policy=kill', 'max_failures=0'), 0);
  const r = await brute_families(m, FAMILIES || 4);
  for (const run of r.runs) {
    t.is(run.status, 0, 'the attacker read the secret');
    t.true(run.found && run.guesses >= 1 && run.guesses <= 128);
  }
  t.is(r.per_family, 1);
  t.log(`no bound: success per family ${r.per_family}, per guess ${r.per_guess.toFixed(4)} (${r.runs.map((x) => x.guesses).join(', ')} guesses)`);
});

test('fork brute force under the kill policy with the family bound (default max_failures=4): the family dies after 4 guesses', async (t) => {
  const m = machine();
  t.is(await insmod(m, 'policy=kill'), 0);
  const n = FAMILIES || 32;
  const r = await brute_families(m, n);
  for (const run of r.runs) {
    if (run.found) { t.true(run.guesses <= 4, `found within 4 guesses (${run.guesses})`); continue; }
    t.is(run.status, 128 + 9, 'the parent was killed with its family');
    t.is(run.guesses, 4, 'after exactly 4 failed guesses');
  }
  // Each family succeeds with probability 4/128 = 1/32: Binomial(32, 1/32) has mean 1;
  // P(more than 8 hits) < 1e-5.
  t.true(r.per_family <= (n === 32 ? 8 / 32 : 0.1));
  t.regex(m.k.log.text(), /fdcap: pid \d+ \(family\.ts\): family made 4 failed checks \(max_failures=4\), killing its 2 processes/);
  t.log(`max_failures=4: success per family ${r.per_family.toFixed(4)} (expected 4/128 = 0.03125), per guess ${r.per_guess.toFixed(4)} (expected 1/128 ≈ 0.0078)`);
});

test('the module cannot be removed under a protected process, even with /dev/fdcap closed', async (t) => {
  const m = machine();
  t.is(await insmod(m), 0);
  t.is(await family(m, 'hold'), 0);
  const out = m.out();
  t.regex(out, /hold: refcnt with \/dev\/fdcap open=2\n/);
  t.regex(out, /hold: refcnt after closing \/dev\/fdcap=1 delete_module=-1 errno=11\n/, 'EWOULDBLOCK: in use');
  t.regex(out, /hold child: refcnt=2 delete_module=-1 errno=11 raw fd reads=0\n/, 'the forked child holds its own reference');
  t.regex(out, /hold: after the child \(status 0\) refcnt=1 raw fd reads=0\n/);
  t.is(await rmmod(m), 0, 'once every protected process has exited, rmmod works');
  t.regex(m.k.log.text(), /fdcap: restored \d+ sys_call_table entries/);
});

test('exec: the new image must fdcap_init again and can; kept fds stay protected, old tokens are dead', async (t) => {
  const m = machine();
  install_image(m.k, '/bin/family', FAMILY);
  t.is(await insmod(m, 'max_failures=0'), 0);
  t.is(await family(m, 'exec'), 0);
  t.regex(m.out(), /exec2: init=0 enter=0 old token reads=0 raw fd reads=0\n/);
});
