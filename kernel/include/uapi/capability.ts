// include/uapi/linux/capability.h: the capabilities privos's permission checks name.
export const CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7;
export const CAP_SYS_MODULE = 16, CAP_SYS_PTRACE = 19, CAP_SYS_ADMIN = 21, CAP_SYS_NICE = 23;
export const CAP_SYS_RESOURCE = 24, CAP_SYSLOG = 34, CAP_DAC_READ_SEARCH = 2, CAP_MKNOD = 27;
