/**
 * KCOV's user ABI, as include/uapi/linux/kcov.h and Documentation/dev-tools/kcov.rst define it
 * (https://docs.kernel.org/dev-tools/kcov.html).
 */
import { _IO, _IOR, _IOW } from './ioctl.ts';

/** The debugfs file a task opens (present only on a kcov-instrumented kernel: CONFIG_KCOV). */
export const KCOV_PATH = '/sys/kernel/debug/kcov';

/** _IOR('c', 1, unsigned long): the buffer's size in entries (unsigned longs); once per fd. */
export const KCOV_INIT_TRACE = _IOR('c', 1, 8);
/** _IO('c', 100): start collecting for the calling task; the argument is the mode. */
export const KCOV_ENABLE = _IO('c', 100);
/** _IO('c', 101): stop collecting for the calling task; the argument must be 0. */
export const KCOV_DISABLE = _IO('c', 101);
/** _IOW('c', 102, struct kcov_remote_arg): remote (background-thread) coverage; privos has none. */
export const KCOV_REMOTE_ENABLE = _IOW('c', 102, 24);

/** KCOV_ENABLE modes: PCs of basic blocks, or comparison operands. */
export const KCOV_TRACE_PC = 0;
export const KCOV_TRACE_CMP = 1;

/** Bytes per buffer entry (unsigned long on the 64-bit arches privos has). */
export const KCOV_WORD_SIZE = 8;

/** A KCOV_TRACE_CMP record: type, arg1, arg2, ip (4 words); type's bits: */
export const KCOV_CMP_CONST = 1 << 0;
/** KCOV_CMP_SIZE(n): operands of 1 << n bytes. */
export const KCOV_CMP_SIZE = (n: number): number => n << 1;
export const KCOV_CMP_MASK = 3 << 1;
