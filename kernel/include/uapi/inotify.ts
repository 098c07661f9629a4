/** inotify(7)'s event bits and flags (include/uapi/linux/inotify.h). */
export const IN_ACCESS = 0x1, IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_CLOSE_WRITE = 0x8, IN_CLOSE_NOWRITE = 0x10;
export const IN_OPEN = 0x20, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_CREATE = 0x100, IN_DELETE = 0x200;
export const IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800;
export const IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE, IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;
export const IN_ALL_EVENTS = 0xfff;
/** Sent by the kernel, never asked for. */
export const IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000;
/** Watch flags. */
export const IN_ONLYDIR = 0x01000000, IN_DONT_FOLLOW = 0x02000000, IN_EXCL_UNLINK = 0x04000000;
export const IN_MASK_CREATE = 0x10000000, IN_MASK_ADD = 0x20000000, IN_ISDIR = 0x40000000, IN_ONESHOT = 0x80000000;
/** inotify_init1 flags: O_CLOEXEC and O_NONBLOCK's values. */
export const IN_CLOEXEC = 0o2000000, IN_NONBLOCK = 0o4000;
/** sizeof(struct inotify_event): wd, mask, cookie, len; the name follows, NUL-padded. */
export const INOTIFY_EVENT_SIZE = 16;
