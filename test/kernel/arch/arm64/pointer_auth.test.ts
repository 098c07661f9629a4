/** Per-task PAuth: keys per process (fork keeps, exec and prctl redraw), AUT failure both ways, x86 #UD. */
import test from 'ava';
import { AutMemo, pac_auth, pac_sign, ptrauth_set_fpac, PR_PAC_RESET_KEYS, PR_PAC_APDAKEY } from '../../../../kernel/arch/arm64/pointer_auth.ts';
import { C } from '../../../../kernel/time/cost.ts';
import { boot, run_inline } from '../../../../tools/machine.ts';

const P = 0x7f0000001000n;
/** A 7-bit PAC (TBI on, 48-bit VA) matches by chance 1 time in 128: compare eight signatures at once. */
const MODS = [7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n];

test('prctl(PR_PAC_RESET_KEYS) redraws only the keys asked; bad masks are EINVAL; fork keeps keys', async (t) => {
  const k = boot({ arch: 'arm64' });
  await run_inline(k, async (libc) => {
    const a = libc.pacia(P, 7n), d = libc.pacda(P, 7n), ds = MODS.map((m) => libc.pacda(P, m));
    t.is(libc.autda(d, 7n), P);
    t.true(MODS.slice(1).some((m) => libc.autda(d, m) !== P), 'wrong modifier: poisoned pointer');
    t.is(libc.xpacd(d), P);
    t.is(await libc.prctl(PR_PAC_RESET_KEYS, PR_PAC_APDAKEY), 0);
    t.is(libc.pacia(P, 7n), a, 'APIA kept');
    t.notDeepEqual(MODS.map((m) => libc.pacda(P, m)), ds, 'APDA redrawn');
    t.is(await libc.prctl(PR_PAC_RESET_KEYS, 1 << 5), -1);
    t.is(libc.errno, libc.EINVAL);
    t.is(await libc.prctl(PR_PAC_RESET_KEYS, 0, 1), -1);
    const before = libc.pacga(P, 1n);
    const st = libc.malloc(8);
    const pid = await libc.fork((child) => (child.pacga(P, 1n) === before ? 0 : 1));
    t.true(pid > 0);
    await libc.wait4(pid, st, 0);
    t.is(libc.peek_u32(st), 0, 'the child signs with the same generic key');
  });
});

test('exec draws new keys', async (t) => {
  const k = boot({ arch: 'arm64' });
  const sigs: bigint[] = [];
  for (let i = 0; i < 2; i++) await run_inline(k, (libc) => { sigs.push(libc.pacga(P, 1n)); });
  t.not(sigs[0], sigs[1]);
});

test('AUT failure with FEAT_FPAC is SIGILL; on x86_64 PAC instructions are undefined (SIGILL)', async (t) => {
  const k = boot({ arch: 'arm64' });
  ptrauth_set_fpac(k, true);
  // The first wrong modifier whose PAC does not match by chance (all seven matching: 2^-49) traps.
  const r = await run_inline(k, (libc) => { for (const m of MODS.slice(1)) libc.autia(libc.pacia(P, MODS[0]), m); return 0; });
  t.is(r.status, 128 + 4);
  const x = await run_inline(boot({ arch: 'x86_64' }), (libc) => { libc.pacia(P, 0n); return 0; });
  t.is(x.status, 128 + 4);
});

test('AutMemo remembers AUT successes per key and modifier, exactly; a hit still charges pac_insn', async (t) => {
  const k = boot({ arch: 'arm64' });
  await run_inline(k, async (libc) => {
    const task = k.current!, memo = new AutMemo();
    const signed = pac_sign(task, 'apda', P, 7n);
    t.false(memo.hit(task, 'apda', 7n, 1), 'empty');
    t.true(pac_auth(task, 'apda', signed, 7n).ok);
    memo.remember(1);
    const c0 = k.cpu.cycles;
    t.true(memo.hit(task, 'apda', 7n, 1));
    t.is(k.cpu.cycles - c0, k.cpu.cost[C.pac_insn], 'the instruction is charged on a hit');
    t.false(memo.hit(task, 'apda', 7n, 2), 'another pointer');
    t.false(memo.hit(task, 'apda', 8n, 1), 'another modifier');
    t.false(memo.hit(task, 'apda', 7n, 1), 'forgotten once the modifier changed');
    memo.remember(1);
    t.true(memo.hit(task, 'apda', 7n, 1));
    t.is(await libc.prctl(PR_PAC_RESET_KEYS, PR_PAC_APDAKEY), 0);
    t.false(memo.hit(task, 'apda', 7n, 1), 'a new key forgets everything');
  });
});
