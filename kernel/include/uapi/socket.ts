// include/linux/socket.h, include/uapi/asm-generic/socket.h, include/uapi/linux/in.h, tcp.h, un.h.
// x86_64 and arm64 share these values (both use asm-generic/socket.h).
export const AF_UNSPEC = 0, AF_UNIX = 1, AF_LOCAL = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
export const PF_UNIX = 1, PF_INET = 2, PF_INET6 = 10;
export const AF_MAX = 46;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5, SOCK_PACKET = 10;
export const SOCK_TYPE_MASK = 0xf;
export const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
export const IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
export const SOL_SOCKET = 1, SOL_TCP = 6;
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6;
export const SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_LINGER = 13;
export const SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19;
/** struct timeval options: the _OLD numbers are what 64-bit glibc's SO_RCVTIMEO/SO_SNDTIMEO mean. */
export const SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_RCVTIMEO_NEW = 66, SO_SNDTIMEO_NEW = 67;
export const SO_ACCEPTCONN = 30, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PROTOCOL = 38, SO_DOMAIN = 39;
export const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;
export const MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_CTRUNC = 8, MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
export const MSG_MORE = 0x8000, MSG_CMSG_CLOEXEC = 0x40000000;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
/** SOMAXCONN: net.core.somaxconn's default since Linux 5.4. */
export const SOMAXCONN = 4096;
export const INADDR_ANY = 0, INADDR_LOOPBACK = 0x7f000001;
/** sizeof(struct sockaddr_in), sockaddr_in6, sockaddr_un, struct ucred, struct msghdr, cmsghdr. */
export const SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28, SOCKADDR_UN_SIZE = 110, UNIX_PATH_MAX = 108;
export const UCRED_SIZE = 12, MSGHDR_SIZE = 56, CMSGHDR_SIZE = 16;
/** sizeof(struct sockaddr_storage) */
export const SOCKADDR_STORAGE_SIZE = 128;
