/**
 * The box's text in a user address space. The artifact executes user pages at CPL 0 by leaving
 * NX clear on the user half and booting with SMEP off, so *every* user page is executable at
 * kernel privilege (the review's criticism 2). privos maps box code into its own area whose
 * pages carry PERM_BOX (a software PTE bit, kernel/arch/x86/pgtable.ts); the CPU lets box mode
 * fetch only from those (kernel/arch/cpu.ts may_exec).
 */
import { ACC_R } from '../arch/cpu.ts';
import { MAP_PRIVATE, PROT_EXEC, PROT_READ } from '../include/uapi/mman.ts';
import { change_protection, handle_mm_fault } from '../mm/memory.ts';
import { type MmStruct, VmArea } from '../mm/mm_types.ts';
import { PERM_BOX } from '../mm/pgtable.ts';
import { TextRegion } from '../mm/text.ts';
import type { Task } from '../sched/task.ts';
import { type BoxMm, privbox_of } from './privbox.ts';

/** Where box text lives: far below the mmap area (0x7f0000000000, top-down). */
export { PIOT_BOX_TEXT_BASE as BOX_TEXT_BASE, PIOT_BOX_TEXT_SIZE as BOX_TEXT_SIZE } from '../include/uapi/piot.ts';
import { PIOT_BOX_TEXT_BASE as BOX_TEXT_BASE, PIOT_BOX_TEXT_SIZE as BOX_TEXT_SIZE } from '../include/uapi/piot.ts';

/** The box text of t's address space, mapped on first use. */
export function box_mm(t: Task): BoxMm {
  const pb = privbox_of(t.kernel), mm = t.mm!;
  let b = pb.box_mm.get(mm);
  if (b) return b;
  const vma = new VmArea(BOX_TEXT_BASE, BOX_TEXT_BASE + BOX_TEXT_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, '[privbox]');
  vma.extra_perm = PERM_BOX;
  mm.insert_vma(vma);
  const cpu = t.kernel.cpu;
  b = { text: new TextRegion(BOX_TEXT_BASE, BOX_TEXT_SIZE, (a) => { handle_mm_fault(cpu, mm, a, ACC_R); }) };
  pb.box_mm.set(mm, b);
  return b;
}

/**
 * Applies the exec policy to the program's ordinary text: under 'all-user' (the artifact) its
 * pages become executable in box mode too; under 'box' they are not.
 */
export function apply_exec_policy(t: Task, mm: MmStruct): void {
  const all = privbox_of(t.kernel).config.exec_policy === 'all-user';
  for (const v of mm.vmas) {
    if (v.name !== '[text]') continue;
    const want = all ? v.extra_perm | PERM_BOX : v.extra_perm & ~PERM_BOX;
    if (want === v.extra_perm) continue;
    v.extra_perm = want;
    change_protection(t.kernel.cpu, mm, v, v.start, v.end);
  }
}
