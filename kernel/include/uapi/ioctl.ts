/**
 * ioctl command encoding, exactly as include/uapi/asm-generic/ioctl.h (used by x86_64 and
 * arm64 alike): bits 0-7 the command number, 8-15 the type ("magic"), 16-29 the argument
 * size, 30-31 the direction. Values are returned as unsigned 32-bit numbers, as the kernel
 * sees `unsigned int cmd`.
 */
export const _IOC_NRBITS = 8;
export const _IOC_TYPEBITS = 8;
export const _IOC_SIZEBITS = 14;
export const _IOC_DIRBITS = 2;

export const _IOC_NRMASK = (1 << _IOC_NRBITS) - 1;
export const _IOC_TYPEMASK = (1 << _IOC_TYPEBITS) - 1;
export const _IOC_SIZEMASK = (1 << _IOC_SIZEBITS) - 1;
export const _IOC_DIRMASK = (1 << _IOC_DIRBITS) - 1;

export const _IOC_NRSHIFT = 0;
export const _IOC_TYPESHIFT = _IOC_NRSHIFT + _IOC_NRBITS;
export const _IOC_SIZESHIFT = _IOC_TYPESHIFT + _IOC_TYPEBITS;
export const _IOC_DIRSHIFT = _IOC_SIZESHIFT + _IOC_SIZEBITS;

export const _IOC_NONE = 0;
export const _IOC_WRITE = 1;
export const _IOC_READ = 2;

/** A type argument: a character ('F') or its code. */
export type IocType = string | number;

const type_code = (type: IocType): number => (typeof type === 'string' ? type.charCodeAt(0) : type);

export function _IOC(dir: number, type: IocType, nr: number, size: number): number {
  return ((dir << _IOC_DIRSHIFT) | (type_code(type) << _IOC_TYPESHIFT) | (nr << _IOC_NRSHIFT) | (size << _IOC_SIZESHIFT)) >>> 0;
}

/** `size` is sizeof(the argument type) in bytes (C's _IOC_TYPECHECK(t)). */
export const _IO = (type: IocType, nr: number): number => _IOC(_IOC_NONE, type, nr, 0);
export const _IOR = (type: IocType, nr: number, size: number): number => _IOC(_IOC_READ, type, nr, size);
export const _IOW = (type: IocType, nr: number, size: number): number => _IOC(_IOC_WRITE, type, nr, size);
export const _IOWR = (type: IocType, nr: number, size: number): number => _IOC(_IOC_READ | _IOC_WRITE, type, nr, size);

export const _IOC_DIR = (nr: number): number => (nr >>> _IOC_DIRSHIFT) & _IOC_DIRMASK;
export const _IOC_TYPE = (nr: number): number => (nr >>> _IOC_TYPESHIFT) & _IOC_TYPEMASK;
export const _IOC_NR = (nr: number): number => (nr >>> _IOC_NRSHIFT) & _IOC_NRMASK;
export const _IOC_SIZE = (nr: number): number => (nr >>> _IOC_SIZESHIFT) & _IOC_SIZEMASK;
