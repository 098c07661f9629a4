/**
 * The dispatch cache (kernel/syscalls/dispatch.ts) must never serve a stale handler: every
 * way the answer of "read sys_call_table[nr], exec-check the address, find the function" can
 * change takes effect on the very next syscall, and the modeled cycles are the uncached path's.
 */
import test from 'ava';
import { boot, run_inline } from '../../../tools/machine.ts';
import { MODE_KERNEL, MODE_USER } from '../../../kernel/arch/cpu.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { PAGE_SIZE } from '../../../kernel/mm/page_alloc.ts';
import { PERM_KX, PERM_R } from '../../../kernel/mm/pgtable.ts';
import { TextRegion } from '../../../kernel/mm/text.ts';
import { MODULES_VADDR } from '../../../kernel/mm/vmalloc.ts';
import { DispatchCache } from '../../../kernel/syscalls/dispatch.ts';
import { COST_KEYS } from '../../../kernel/time/cost.ts';
import type { Libc } from '../../../libc/index.ts';

const NR_GETPID = 39;

/** Stores addr in table entry nr the way a module does: CR0.WP cleared around the write. */
function poke_table(k: Kernel, nr: number, addr: number): void {
  const cpu = k.cpu, mode = cpu.mode;
  cpu.set_mode(MODE_KERNEL);
  cpu.set_wp(false);
  const ok = cpu.write_addr(k.sys_call_table + nr * 8, addr);
  cpu.set_wp(true);
  cpu.set_mode(mode);
  if (!ok) throw new Error('table write faulted');
}

/** A kernel function with a text address of its own in the core kernel text. */
function kernel_fn(k: Kernel, name: string, ret: number): number {
  return k.kallsyms.register(k.ktext, name, () => ret);
}

const warm = (libc: Libc): number => { let r = 0; for (let i = 0; i < 5; i++) r = libc.raw(NR_GETPID) as number; return r; };

test('a module-style table write (CR0.WP lifted) takes effect on the next syscall', async (t) => {
  const k = boot();
  const fake = kernel_fn(k, 'fake_getpid', 4242);
  const got: number[] = [];
  await run_inline(k, (libc) => {
    got.push(warm(libc));
    poke_table(k, NR_GETPID, fake);
    got.push(libc.raw(NR_GETPID) as number);
    poke_table(k, NR_GETPID, k.kallsyms.kallsyms_lookup_name('__x64_sys_getpid'));
    got.push(libc.raw(NR_GETPID) as number);
  });
  t.deepEqual(got, [got[0], 4242, got[0]]);
  t.not(got[0], 4242);
});

test('a store that changes no generation (straight into the frame, as through another mapping) is seen too', async (t) => {
  const k = boot();
  const fake = kernel_fn(k, 'fake_getpid', 777);
  let before = 0, after = 0, gen_before = 0, gen_after = 0;
  await run_inline(k, (libc) => {
    before = warm(libc);
    // The table's frame, written through physical memory: no MMU, no WP, no TLB involved.
    const p = k.kpt.pfn_of(k.sys_call_table) * PAGE_SIZE + NR_GETPID * 8;
    gen_before = DispatchCache.gen(k);
    const hi = Math.floor(fake / 2 ** 32);
    k.phys.dv.setUint32(p, fake - hi * 2 ** 32, true);
    k.phys.dv.setInt32(p + 4, hi, true);
    gen_after = DispatchCache.gen(k);
    after = libc.raw(NR_GETPID) as number;
  });
  t.is(gen_after, gen_before, 'the store bumped nothing');
  t.not(before, 777);
  t.is(after, 777, 'the cache compared the table word and took the new entry');
});

test('the handler page made non-executable (set_memory_nx): the next syscall is an oops', async (t) => {
  const k = boot();
  const r = await run_inline(k, (libc) => {
    warm(libc);
    const handler = k.kallsyms.kallsyms_lookup_name('__x64_sys_getpid');
    k.kvm.set_memory_nx(Math.floor(handler / PAGE_SIZE) * PAGE_SIZE, 1);
    libc.raw(NR_GETPID);
    return 0;
  });
  t.is(r.status, 139);
  t.regex(k.log.text(), /kernel tried to execute a non-executable page/);
});

test('module text going away (its region removed from kallsyms): the next syscall is an oops', async (t) => {
  const k = boot();
  const region = new TextRegion(MODULES_VADDR, 16 * PAGE_SIZE, (a) => k.kvm.map_pages(a, 1, PERM_R | PERM_KX));
  k.kallsyms.add_region(region, 'testmod');
  const hook = k.kallsyms.register_module_sym(region, 'testmod_getpid', () => 99);
  const got: number[] = [];
  const r = await run_inline(k, (libc) => {
    poke_table(k, NR_GETPID, hook);
    got.push(warm(libc));
    k.kallsyms.remove_region(region);
    got.push(libc.raw(NR_GETPID) as number);
    return 0;
  });
  t.deepEqual(got, [99]);
  t.is(r.status, 139);
  t.regex(k.log.text(), /BUG: in getpid: unable to handle page fault/);
});

test('CR0.WP, SMEP and page permissions change what the cached entry may do: user text in the table', async (t) => {
  // A table entry pointing at user text is never cached (it depends on the caller's mm), and
  // SMEP forbids executing it: turning SMEP off makes the same entry callable.
  const k = boot({ features: { smep: false } });
  const r = await run_inline(k, (libc) => {
    const user_fn = libc.fnaddr(() => 5150);
    poke_table(k, NR_GETPID, user_fn);
    const a = libc.raw(NR_GETPID) as number;
    k.cpu.set_features({ smep: true });
    libc.raw(NR_GETPID);
    return a === 5150 ? 0 : 1;
  });
  t.is(r.status, 139, 'with SMEP back on, the kernel may not execute the user page');
  t.regex(k.log.text(), /non-executable page|page fault/);
});

/** Cycles and breakdown of a fixed syscall mix; `uncached` empties the cache before each call. */
async function cycles_of_mix(uncached: boolean): Promise<{ cycles: number; breakdown: number[] }> {
  const k = boot();
  k.dispatch.set_enabled(!uncached);
  let out = { cycles: 0, breakdown: [] as number[] };
  await run_inline(k, (libc) => {
    const c0 = k.cpu.cycles, b0 = k.cpu.breakdown;
    const buf = libc.malloc(64);
    for (let i = 0; i < 50; i++) {
      libc.getpid();
      if (i % 7 === 0) k.cpu.ktlb.flush_all(); // TLB misses on the table and handler pages
      const fd = libc.open('/dev/zero', libc.O_RDONLY) as number;
      libc.read(fd, buf, 8);
      libc.close(fd);
      libc.raw(1024);
    }
    const b1 = k.cpu.breakdown;
    out = { cycles: k.cpu.cycles - c0, breakdown: Array.from(b1, (v, i) => v - b0[i]) };
  });
  return out;
}

test('modeled cycles are the uncached path\'s exactly, TLB misses included', async (t) => {
  const cached = await cycles_of_mix(false);
  const uncached = await cycles_of_mix(true);
  t.is(cached.cycles, uncached.cycles);
  t.deepEqual(cached.breakdown, uncached.breakdown);
  t.true(cached.breakdown[COST_KEYS.indexOf('tlb_miss')] > 0, 'the mix did miss the TLB');
});

test('after a kernel TLB flush the next syscall charges the two misses of the table and handler pages, then none', async (t) => {
  const k = boot();
  const tlb_miss = COST_KEYS.indexOf('tlb_miss');
  const misses: number[] = [];
  await run_inline(k, (libc) => {
    warm(libc);
    for (const flush of [true, false, false]) {
      if (flush) k.cpu.ktlb.flush_all();
      const b0 = k.cpu.breakdown[tlb_miss];
      libc.raw(NR_GETPID);
      misses.push((k.cpu.breakdown[tlb_miss] - b0) / k.cpu.cost[tlb_miss]);
    }
    k.cpu.set_mode(MODE_USER);
  });
  t.deepEqual(misses, [2, 0, 0]);
});
