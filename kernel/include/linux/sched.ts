/** Task states (include/linux/sched.h): what task_struct's __state and exit_state hold. */
export const TASK_RUNNING = 0;
export const TASK_INTERRUPTIBLE = 1;
export const TASK_UNINTERRUPTIBLE = 2;
export const TASK_STOPPED = 4;
export const EXIT_ZOMBIE = 16;
export const EXIT_DEAD = 32;
