/**
 * The vDSO (kernel/time/vsyscall.c, arch/x86/entry/vdso/vma.c, arch/arm64/kernel/vdso.c): one
 * kernel frame of clock data ([vvar], struct vdso_data, kernel/include/vdso/datapage.ts) and one
 * holding the vDSO's ELF identification ([vdso]), mapped read-only into every process at exec.
 * A process reads the time from [vvar] and the counter instruction (RDTSC / MRS CNTVCT_EL0, the
 * CPU door's rdtsc) without entering the kernel, as on Linux: clock_gettime is then no syscall.
 *
 * Departure: the vDSO's code is the C library's (libc/vdso.ts), since a privos image is
 * JavaScript, not an ELF the kernel could map; [vdso] holds only an ELF header, so
 * getauxval(AT_SYSINFO_EHDR) points where Linux's does and the page is what one expects there.
 */
import {
  COUNTER_HZ, VDSO_BASES, VDSO_BASETIME, VDSO_CLOCK_MODE, VDSO_CLOCKMODE_COUNTER, VDSO_CLOCKS, VDSO_CYCLE_LAST, VDSO_MASK,
  VDSO_MULT, VDSO_SEQ, VDSO_SHIFT, VDSO_TIMESTAMP_SIZE,
} from '../include/vdso/datapage.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';
import { MAP_PRIVATE, PROT_EXEC, PROT_READ } from '../include/uapi/mman.ts';
import type { Kernel } from '../kernel.ts';
import { type VmFile, VmArea } from '../mm/mm_types.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import type { Task } from '../sched/task.ts';
import { host_clock_offset } from './posix-timers.ts';

/** The kernel's two vDSO frames. */
interface VdsoFrames { vvar: number; vdso: number }

const FRAMES = new StateKey<Kernel, VdsoFrames>('vdso', (k) => {
  // Allocated at boot (vdso_init), before any process could take the frames.
  const f = { vvar: k.phys.alloc_page(), vdso: k.phys.alloc_page() };
  if (f.vvar < 0 || f.vdso < 0) throw new RangeError('no memory for the vDSO pages');
  k.phys.mem.set(elf_header(k.arch.name === 'arm64' ? EM_AARCH64 : EM_X86_64), f.vdso * PAGE_SIZE);
  return f;
});

const EM_X86_64 = 62, EM_AARCH64 = 183, ET_DYN = 3;

/** An Elf64_Ehdr for a little-endian shared object of the machine (include/uapi/linux/elf.h). */
function elf_header(machine: number): Uint8Array {
  const h = new Uint8Array(64), dv = new DataView(h.buffer);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */]);
  dv.setUint16(16, ET_DYN, true);
  dv.setUint16(18, machine, true);
  dv.setUint32(20, 1, true);
  dv.setUint16(52, 64, true); // e_ehsize
  return h;
}

/**
 * The emulated time-stamp counter: the host's monotonic clock in ns since boot (COUNTER_HZ).
 * CLOCK_MONOTONIC and CLOCK_REALTIME are the same clock plus a base (posix-timers.ts).
 */
export function read_counter(k: Kernel): number { return k.uptime_ns(); }

/**
 * update_vsyscall(): publishes cycle_last and each clock's time at it, under the seq count. The
 * clocks never jump in privos (no settimeofday), so boot writes the page once; the counter
 * runs at COUNTER_HZ, so mult/shift are 1/0.
 */
export function update_vsyscall(k: Kernel): void {
  const dv = k.phys.dv, base = state_of(k, FRAMES).vvar * PAGE_SIZE;
  const seq = dv.getUint32(base + VDSO_SEQ, true);
  dv.setUint32(base + VDSO_SEQ, seq + 1, true); // odd: readers retry
  const last = read_counter(k);
  dv.setInt32(base + VDSO_CLOCK_MODE, VDSO_CLOCKMODE_COUNTER, true);
  put_u64(dv, base + VDSO_CYCLE_LAST, last);
  put_u64(dv, base + VDSO_MASK, 2 ** 53 - 1); // the counter as a double never wraps
  dv.setUint32(base + VDSO_MULT, 1e9 / COUNTER_HZ, true);
  dv.setUint32(base + VDSO_SHIFT, 0, true);
  // Each clock's value at cycle_last: the counter is the uptime, each clock the uptime plus an offset.
  for (let clk = 0; clk < VDSO_BASES; clk++) {
    if (!(VDSO_CLOCKS & (1 << clk))) continue;
    const ns = host_clock_offset(k, clk) + last, sec = Math.floor(ns / 1e9);
    const ts = base + VDSO_BASETIME + clk * VDSO_TIMESTAMP_SIZE;
    put_u64(dv, ts, sec);
    put_u64(dv, ts + 8, ns - sec * 1e9);
  }
  dv.setUint32(base + VDSO_SEQ, seq + 2, true);
}

function put_u64(dv: DataView, o: number, v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  dv.setUint32(o, v - hi * 2 ** 32, true);
  dv.setUint32(o + 4, hi, true);
}

/** A vm_special_mapping: every fault maps the one kernel frame, read-only, never copied. */
function special_mapping(k: Kernel, pfn: number, name: string): VmFile {
  return {
    fault: () => { k.phys.get_page(pfn); return pfn; },
    unmapped() { /* the kernel keeps its frame */ },
    sync: () => 0,
    get() { /* no file to reference */ },
    put() { /* no file to reference */ },
    may_write: false,
    name, dev: 0, ino: 0,
  };
}

/** vdso_init(): the frames, and the clock data published once. */
export function vdso_init(k: Kernel): void {
  state_of(k, FRAMES);
  update_vsyscall(k);
}

/** Where [vvar] sits: below the stack's 8 MiB, with a gap (Linux randomises it near the stack). */
export function vvar_address(stack_bottom: number): number { return stack_bottom - 16 * PAGE_SIZE; }

/**
 * map_vdso(): [vvar] then [vdso] into a fresh mm at exec; the [vdso] address for
 * AT_SYSINFO_EHDR. Neither can become writable (no VM_MAYWRITE): mprotect answers EACCES.
 */
export function map_vdso(t: Task, stack_bottom: number): number {
  const k = t.kernel, f = state_of(k, FRAMES), mm = t.mm!, at = vvar_address(stack_bottom);
  const areas: [number, number, number, string][] = [[at, f.vvar, PROT_READ, '[vvar]'], [at + PAGE_SIZE, f.vdso, PROT_READ | PROT_EXEC, '[vdso]']];
  for (const [start, pfn, prot, name] of areas) {
    const v = new VmArea(start, start + PAGE_SIZE, prot, MAP_PRIVATE, name, special_mapping(k, pfn, name));
    v.no_maywrite = true;
    mm.insert_vma(v);
  }
  return at + PAGE_SIZE;
}
