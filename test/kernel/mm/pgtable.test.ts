import test from 'ava';
import fc from 'fast-check';
import { PhysMem } from '../../../kernel/mm/page_alloc.ts';
import { PageTable, PERM_R, PERM_W, PERM_U, PERM_UX, PERM_KX, PERM_BOX } from '../../../kernel/mm/pgtable.ts';
import { x86_pte } from '../../../kernel/arch/x86/pgtable.ts';
import { arm64_pte } from '../../../kernel/arch/arm64/pgtable.ts';
import { Cpu, ACC_R, ACC_W, MODE_USER, MODE_KERNEL, MODE_BOX } from '../../../kernel/arch/cpu.ts';
import { x86_64 } from '../../../kernel/arch/arches.ts';
import { skylake_pti } from '../../../kernel/arch/x86/profile_skylake.ts';
import { Tlb } from '../../../kernel/mm/tlb.ts';

for (const [name, fmt] of [['x86', x86_pte], ['arm64', arm64_pte]] as const) {
  test(`${name}: leaf entries round-trip frame and permissions`, (t) => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 26 }), fc.constantFrom(
      PERM_R, PERM_R | PERM_W, PERM_R | PERM_U, PERM_R | PERM_W | PERM_U, PERM_R | PERM_U | PERM_UX,
      PERM_R | PERM_KX, PERM_R | PERM_U | PERM_UX | PERM_BOX), (pfn, perm) => {
      const out = new Uint32Array(2);
      fmt.encode_leaf(pfn, perm, out);
      t.true(fmt.present(out[0]));
      t.is(fmt.pfn(out[0], out[1]), pfn);
      const back = fmt.decode_perm(out[0], out[1]);
      // arm64 never makes user pages privileged-executable (PXN); x86 user code is kernel-executable unless SMEP.
      const expect = name === 'x86' && perm & PERM_UX ? perm | PERM_KX : perm;
      t.is(back, expect);
    }));
  });
}

test('x86 encoding uses the SDM bits: P, RW, US, NX(63)', (t) => {
  const out = new Uint32Array(2);
  x86_pte.encode_leaf(5, PERM_R | PERM_W | PERM_U, out);
  t.is(out[0] & 7, 7);
  t.is(out[0] >>> 12, 5);
  t.is(out[1] >>> 31, 1); // not executable → NX
});

test('walk: map, lookup, protect and unmap through real tables in frames', (t) => {
  const phys = new PhysMem(8 << 20);
  const pt = new PageTable(phys, x86_pte, phys.alloc_page());
  const before = phys.free_pages;
  t.true(pt.map(0x7f0000001000, 42, PERM_R | PERM_U));
  t.is(before - phys.free_pages, 3, 'PUD, PMD and PTE tables were allocated');
  t.is(pt.pfn_of(0x7f0000001000), 42);
  t.is(pt.perm(0x7f0000001000), PERM_R | PERM_U);
  t.true(pt.protect(0x7f0000001000, PERM_R | PERM_W | PERM_U));
  t.is(pt.perm(0x7f0000001000), PERM_R | PERM_W | PERM_U);
  t.is(pt.unmap(0x7f0000001000), 42);
  t.is(pt.pfn_of(0x7f0000001000), -1);
  t.true(pt.map(-0x7f000000, 7, PERM_R | PERM_KX), 'kernel-half addresses are negative and walk the upper half');
  t.is(pt.pfn_of(-0x7f000000), 7);
});

function machine(): { cpu: Cpu; pt: PageTable; phys: PhysMem } {
  const phys = new PhysMem(8 << 20);
  const pt = new PageTable(phys, x86_pte, phys.alloc_page());
  const cpu = new Cpu(x86_64, phys, pt, skylake_pti, { smap: true, smep: true, spap: false });
  cpu.mm = { pt, tlb: new Tlb() };
  return { cpu, pt, phys };
}

test('MMU: user mode cannot touch kernel pages; SMAP blocks kernel access to user pages outside uaccess', (t) => {
  const { cpu, pt } = machine();
  pt.map(0x1000, 10, PERM_R | PERM_W | PERM_U);
  pt.map(-0x10000, 11, PERM_R | PERM_W);
  cpu.set_mode(MODE_USER);
  t.true(cpu.translate(0x1000, ACC_W) >= 0);
  t.is(cpu.translate(-0x10000, ACC_R), -1);
  t.true(cpu.fault_present, 'protection fault, not a missing page');
  cpu.set_mode(MODE_KERNEL);
  t.is(cpu.translate(0x1000, ACC_R), -1, 'SMAP');
  cpu.set_uaccess(true);
  t.true(cpu.translate(0x1000, ACC_R) >= 0, 'STAC opens the window');
  cpu.set_uaccess(false);
  t.true(cpu.translate(-0x10000, ACC_W) >= 0);
});

test('MMU: CR0.WP decides whether the kernel may write read-only pages', (t) => {
  const { cpu, pt } = machine();
  pt.map(-0x20000, 12, PERM_R);
  cpu.set_mode(MODE_KERNEL);
  t.is(cpu.translate(-0x20000, ACC_W), -1);
  cpu.set_wp(false);
  t.true(cpu.translate(-0x20000, ACC_W) >= 0);
  cpu.set_wp(true);
  t.is(cpu.translate(-0x20000, ACC_W), -1);
});

test('MMU: SMEP stops the kernel executing user pages; box mode executes only box text', (t) => {
  const { cpu, pt } = machine();
  pt.map(0x400000, 13, PERM_R | PERM_U | PERM_UX);
  pt.map(0x401000, 14, PERM_R | PERM_U | PERM_UX | PERM_BOX);
  pt.map(-0x30000, 15, PERM_R | PERM_KX);
  cpu.set_mode(MODE_USER);
  t.true(cpu.check_exec(0x400000));
  t.false(cpu.check_exec(-0x30000));
  cpu.set_mode(MODE_KERNEL);
  t.false(cpu.check_exec(0x400000), 'SMEP');
  cpu.set_features({ smep: false });
  t.true(cpu.check_exec(0x400000), 'without SMEP the kernel runs user code');
  cpu.set_mode(MODE_BOX);
  t.false(cpu.check_exec(0x400000));
  t.true(cpu.check_exec(0x401000));
  t.true(cpu.check_exec(-0x30000), 'a box at CPL0 can jump into kernel text without SPAP');
  cpu.set_features({ spap: true });
  t.false(cpu.check_exec(-0x30000), 'SPAP refuses it');
});

test('MMU: non-canonical addresses never translate', (t) => {
  const { cpu } = machine();
  cpu.set_mode(MODE_KERNEL);
  t.is(cpu.translate(2 ** 47, ACC_R), -1);
  t.is(cpu.translate(-(2 ** 47) - 4096, ACC_R), -1);
  t.is(cpu.translate(-0x7f000000 - 2 ** 50, ACC_R), -1, "PrivBox's bit-50 mask makes a kernel address fault");
});
