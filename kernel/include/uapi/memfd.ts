// include/uapi/linux/memfd.h: memfd_create(2) flags.
export const MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2, MFD_HUGETLB = 0x4;
export const MFD_NOEXEC_SEAL = 0x8, MFD_EXEC = 0x10;
export const MFD_HUGE_SHIFT = 26, MFD_HUGE_MASK = 0x3f;
