/**
 * The vDSO's clock reads (lib/vdso/gettimeofday.c: do_hres), as the C library's own code: the
 * clock data from the [vvar] page (kernel/include/vdso/datapage.ts) through the MMU, the counter
 * from the CPU (door.rdtsc: RDTSC / MRS CNTVCT_EL0), no syscall — what glibc gets by calling
 * __vdso_clock_gettime. Clocks the page does not publish (the CPU-time clocks, bad ids) and a
 * process without [vvar] take the syscall. Code in a PrivBox reads the clock the same way (the
 * vDSO is user code; its loads are box loads, masked and charged as such).
 *
 * The data words are re-read whenever the seq count differs from the last read (one load per
 * call, as the seqlock reader's first load; the kernel writes them only under a new count), or
 * the caller is another task (the realm's code may serve several kernels' tasks: the test
 * harness's). Every process has [vvar] at the same address (kernel/time/vsyscall.ts), which
 * its auxiliary vector gives; a forked child or thread shares its parent's.
 */
import {
  AT_SYSINFO_EHDR, VDSO_BASES, VDSO_BASETIME, VDSO_CLOCK_MODE, VDSO_CLOCKMODE_NONE, VDSO_CLOCKS, VDSO_CYCLE_LAST,
  VDSO_DATA_SIZE, VDSO_MULT, VDSO_SEQ, VDSO_SHIFT, VDSO_TIMESTAMP_SIZE,
} from '../kernel/include/vdso/datapage.ts';
import { Libc } from './libc.ts';

declare module './libc.ts' {
  interface Libc {
    /** CLOCK clk in ns from the vDSO, or -1 when the vDSO cannot answer (the caller makes the syscall). */
    vdso_clock_ns(clk: number): number;
  }
}

const PAGE_SIZE = 4096;
/** [vvar]'s address: -1 not looked up, 0 none. Per realm: threads and forked children share the layout. */
let vvar = -1;
/** The exec stack whose auxiliary vector says where the vDSO is (crt0 notes it; clone stacks have none). */
let auxv_sp = 0;
let seq = -1, seq_door: object | null = null, clock_mode = VDSO_CLOCKMODE_NONE, cycle_last = 0, mult = 1, shift = 0;
/** sec, nsec of each clock at cycle_last. */
const base = new Float64Array(VDSO_BASES * 2);
const page = new Uint8Array(VDSO_DATA_SIZE);
const dv = new DataView(page.buffer);

/** crt0: the process's initial stack (argc, argv, envp, auxv). */
export function vdso_note_auxv(sp: number): void { auxv_sp = sp; vvar = -1; seq_door = null; }

function find_vvar(lc: Libc): number {
  if (auxv_sp === 0) return 0;
  const ehdr = lc.auxval_at(auxv_sp, AT_SYSINFO_EHDR);
  return ehdr === 0 ? 0 : ehdr - PAGE_SIZE; // [vvar] is the page below [vdso]
}

const u64 = (o: number): number => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 2 ** 32;

/** Copies the data page's words after the kernel published a new seq count. */
function reload(lc: Libc, at: number, s: number): void {
  lc.door.load(at, page, 0, VDSO_DATA_SIZE);
  seq = s;
  seq_door = lc.door;
  clock_mode = dv.getInt32(VDSO_CLOCK_MODE, true);
  cycle_last = u64(VDSO_CYCLE_LAST);
  mult = dv.getUint32(VDSO_MULT, true);
  shift = dv.getUint32(VDSO_SHIFT, true);
  for (let i = 0; i < VDSO_BASES; i++) {
    base[2 * i] = u64(VDSO_BASETIME + i * VDSO_TIMESTAMP_SIZE);
    base[2 * i + 1] = u64(VDSO_BASETIME + i * VDSO_TIMESTAMP_SIZE + 8);
  }
}

Libc.prototype.vdso_clock_ns = function (clk) {
  if (clk !== (clk & 15) || !(VDSO_CLOCKS & (1 << clk))) return -1;
  if (vvar < 0) vvar = find_vvar(this);
  if (vvar === 0) return -1;
  const d = this.door, s = d.ld32(vvar + VDSO_SEQ);
  if (s & 1) return -1; // the kernel is writing: the syscall answers instead of spinning
  if (s !== seq || d !== seq_door) reload(this, vvar, s);
  if (clock_mode === VDSO_CLOCKMODE_NONE) return -1;
  const ns = base[2 * clk + 1] + Math.floor((d.rdtsc() - cycle_last) * mult / 2 ** shift);
  return base[2 * clk] * 1e9 + ns;
};
