/** poll(2) event bits (include/uapi/asm-generic/poll.h). */
export const POLLIN = 0x001, POLLPRI = 0x002, POLLOUT = 0x004, POLLERR = 0x008;
export const POLLHUP = 0x010, POLLNVAL = 0x020, POLLRDNORM = 0x040, POLLRDBAND = 0x080;
export const POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLMSG = 0x400, POLLRDHUP = 0x2000;
