// include/uapi/linux/eventpoll.h, include/uapi/linux/eventfd.h
export const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
export const EPOLLIN = 0x001, EPOLLPRI = 0x002, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010;
export const EPOLLNVAL = 0x020, EPOLLRDNORM = 0x040, EPOLLRDBAND = 0x080, EPOLLWRNORM = 0x100;
export const EPOLLWRBAND = 0x200, EPOLLMSG = 0x400, EPOLLRDHUP = 0x2000;
export const EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 2 ** 31;
export const EPOLL_CLOEXEC = 0o2000000;
/** struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned on arm64 (16). */
export const EPOLL_EVENT_SIZE_X86 = 12, EPOLL_EVENT_SIZE_GENERIC = 16;
/** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event) */
export const EFD_SEMAPHORE = 1, EFD_CLOEXEC = 0o2000000, EFD_NONBLOCK = 0o4000;
