/**
 * PrivBox's /sys/kernel/debug/piot interface (the artifact's piot.h): ioctl commands and their
 * argument structs, and the registers box code can observe after a gate call.
 */
import { _IO, _IOR, _IOW } from './ioctl.ts';

export const PIOT_MAGIC = 'K';
/** struct piot_iocload { unsigned long addr, len; } */
export const PIOT_IOCLOAD_SIZE = 16;
/** struct piot_iocspawn { unsigned long ip, arg; } (privos writes the box's return value into arg) */
export const PIOT_IOCSPAWN_SIZE = 16;
/** struct piot_iocinfo { unsigned long base, user_base, kern_gate; } */
export const PIOT_IOCINFO_SIZE = 24;
export const PIOT_IOCINIT = _IOW(PIOT_MAGIC, 1, 4);
export const PIOT_IOCLOAD = _IOW(PIOT_MAGIC, 2, PIOT_IOCLOAD_SIZE);
export const PIOT_IOCSPAWN = _IOW(PIOT_MAGIC, 3, PIOT_IOCSPAWN_SIZE);
export const PIOT_IOCINFO = _IOR(PIOT_MAGIC, 4, PIOT_IOCINFO_SIZE);
export const PIOT_IOCRET = _IO(PIOT_MAGIC, 4);
/** The box text area (the [privbox] mapping): every indirect branch of box code lands in it. */
export const PIOT_BOX_TEXT_BASE = 0x200000000000;
export const PIOT_BOX_TEXT_SIZE = 64 << 20;
/** The bundle size box code's branch targets are aligned to (one text slot). */
export const PIOT_BUNDLE = 32;
/** Largest box source PIOT_IOCLOAD accepts. */
export const PIOT_MAX_LOAD = 4 << 20;

/** The registers a box can observe after `call *kerncall_gate` returns (caller-saved, SysV ABI). */
export const CLOBBER_NAMES = ['rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'] as const;
export type ClobberName = (typeof CLOBBER_NAMES)[number];
