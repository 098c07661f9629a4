/**
 * Page-table walks that skip what is absent (PageTable.next_mapped) and the operations built
 * on them: fork's dup_mmap, exit's zap_page_range, mprotect's change_protection must visit
 * exactly the mapped pages — no fewer (a lost page) and no frame leaked.
 */
import test from 'ava';
import fc from 'fast-check';
import { PAGE_SIZE, PhysMem } from '../../../kernel/mm/page_alloc.ts';
import { PageTable, PERM_R, PERM_U, PERM_W } from '../../../kernel/mm/pgtable.ts';
import { x86_pte } from '../../../kernel/arch/x86/pgtable.ts';
import { arm64_pte } from '../../../kernel/arch/arm64/pgtable.ts';
import { boot, run_inline } from '../../../tools/machine.ts';

const GIB = 2 ** 30;

for (const [name, fmt] of [['x86', x86_pte], ['arm64', arm64_pte]] as const) {
  test(`${name}: next_mapped finds exactly the pages in use, across 2 MiB / 1 GiB / 512 GiB boundaries`, (t) => {
    const base = 512 * GIB - 4 * GIB; // 4 GiB below a top-level boundary
    const page = fc.integer({ min: 0, max: (8 * GIB) / PAGE_SIZE - 1 });
    fc.assert(fc.property(fc.uniqueArray(page, { maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: 0, max: 1024 }), (pages, none, skip) => {
        const phys = new PhysMem(8 << 20);
        const pt = new PageTable(phys, fmt, phys.alloc_page());
        // Some pages are PROT_NONE-style: not present, yet still holding their frame.
        pages.forEach((p, i) => pt.map(base + p * PAGE_SIZE, phys.alloc_page(), none[i] ? PERM_U : PERM_R | PERM_W | PERM_U));
        const start = base + skip * PAGE_SIZE, end = base + 8 * GIB;
        const want = pages.map((p) => base + p * PAGE_SIZE).filter((a) => a >= start).sort((a, b) => a - b);
        const got: number[] = [];
        for (let a = pt.next_mapped(start, end); a < end; a = pt.next_mapped(a + PAGE_SIZE, end)) got.push(a);
        t.deepEqual(got, want);
        t.is(pt.next_mapped(end, end), end);
      }), { numRuns: 60 });
  });
}

test('fork copies every touched page of sparse areas; exit gives every frame back', async (t) => {
  const k = boot();
  let free_before = 0, free_after = 0;
  const seen: number[] = [];
  await run_inline(k, async (l) => {
    const size = 64 << 20;
    const m = await l.mmap(0, size, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0);
    const offs = [0, PAGE_SIZE, (2 << 20) - 8, 2 << 20, (33 << 20) + 123 * 8, size - 8];
    offs.forEach((o, i) => l.poke_u64(m + o, 1000 + i));
    const none = await l.mmap(0, 4 * PAGE_SIZE, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0);
    l.poke_u64(none + PAGE_SIZE, 77);
    await l.mprotect(none, 4 * PAGE_SIZE, l.PROT_NONE);
    // A first fork allocates what stays for the kernel's lifetime (e.g. kernel pages for creds).
    await l.waitpid(await l.fork(() => 0), 0, 0);
    free_before = k.phys.free_pages;
    const pid = await l.fork(async (c) => {
      for (const o of offs) seen.push(c.peek_u64(m + o));
      await c.mprotect(none, 4 * PAGE_SIZE, c.PROT_READ);
      seen.push(c.peek_u64(none + PAGE_SIZE));
      c.poke_u64(m, 5); // a copy-on-write break in the child only
      return 0;
    });
    await l.waitpid(pid, 0, 0);
    seen.push(l.peek_u64(m));
    free_after = k.phys.free_pages;
  });
  t.deepEqual(seen, [1000, 1001, 1002, 1003, 1004, 1005, 77, 1000]);
  // The child's libc maps and touches its own pages; all of them come back at exit.
  t.is(free_after, free_before);
});

test('mprotect reaches every mapped page of a large sparse area, and only those', async (t) => {
  const k = boot();
  const r = await run_inline(k, async (l) => {
    const size = 16 << 20;
    const m = await l.mmap(0, size, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0);
    l.poke_u64(m + (5 << 20), 9);
    await l.mprotect(m, size, l.PROT_READ);
    if (l.peek_u64(m + (5 << 20)) !== 9) return 2;
    l.poke_u64(m + (5 << 20), 10); // must fault: SIGSEGV
    return 0;
  });
  t.is(r.status, 139);
});
