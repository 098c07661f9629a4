// include/uapi/asm-generic/resource.h and include/uapi/linux/resource.h
export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4;
export const RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9;
export const RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13;
export const RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15, RLIM_NLIMITS = 16;
export const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
/** include/linux/sched/prio.h */
export const MIN_NICE = -20, MAX_NICE = 19;
