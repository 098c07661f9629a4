/**
 * The vDSO data page ([vvar]): what the kernel publishes for user-space clock reads, laid out as
 * Linux's struct vdso_data (include/vdso/datapage.h), shared by the kernel (kernel/time/
 * vsyscall.ts writes it) and the C library (libc/vdso.ts reads it through the MMU, as the vDSO's
 * code does). https://github.com/torvalds/linux/blob/v6.6/include/vdso/datapage.h
 *
 *   u32 seq; s32 clock_mode; u64 cycle_last; u64 mask; u32 mult; u32 shift;
 *   struct vdso_timestamp { u64 sec; u64 nsec; } basetime[VDSO_BASES];
 *
 * time = basetime[clock] + ((counter - cycle_last) & mask) * mult >> shift, read under the seq
 * count (odd while the kernel writes).
 */
export const VDSO_SEQ = 0, VDSO_CLOCK_MODE = 4, VDSO_CYCLE_LAST = 8, VDSO_MASK = 16, VDSO_MULT = 24, VDSO_SHIFT = 28;
export const VDSO_BASETIME = 32, VDSO_TIMESTAMP_SIZE = 16;
/** CLOCK_TAI + 1: one basetime slot per clock id. */
export const VDSO_BASES = 12;
/** The bytes a reader needs for clock ids below VDSO_BASES. */
export const VDSO_DATA_SIZE = VDSO_BASETIME + VDSO_BASES * VDSO_TIMESTAMP_SIZE;

/** vdso_clock_mode: NONE makes the vDSO fall back to the syscall; TSC (x86) / ARCHTIMER (arm64) read the counter. */
export const VDSO_CLOCKMODE_NONE = 0, VDSO_CLOCKMODE_COUNTER = 1;

/**
 * The frequency of the emulated time-stamp counter (x86 RDTSC, arm64 CNTVCT_EL0): 1 GHz, as
 * ARMv8.6 fixes CNTFRQ_EL0 (x86's invariant TSC runs at the nominal clock; one rate for both
 * keeps mult/shift 1/0 and the arithmetic exact in doubles).
 */
export const COUNTER_HZ = 1e9;

/** The clocks the vDSO answers (VDSO_HRES | VDSO_COARSE | VDSO_RAW, as bits of the clock id; 11 is CLOCK_TAI). */
export const VDSO_CLOCKS = (1 << 0) | (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 11);

/** getauxval's key for the vDSO's ELF header (include/uapi/linux/auxvec.h). */
export const AT_SYSINFO_EHDR = 33;
