// strace parity for the socket decoders (msghdr, SCM_RIGHTS, sockaddr of every family privos has,
// MSG_* flags, socklen): test/tools/strace.test.ts compares real `strace` of this program with
// `privos strace` of its twin, progs/strace_net.ts.
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
static void msgs(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char buf[64] = "hello", rb[64];
  struct iovec iov = { buf, 5 }, riov = { rb, sizeof rb };
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u, ru;
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
  int fd = 0; memcpy(CMSG_DATA(c), &fd, sizeof fd);
  sendmsg(sv[0], &m, 0);
  struct msghdr r = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = ru.b, .msg_controllen = sizeof ru.b };
  recvmsg(sv[1], &r, 0);
  struct iovec i2 = { "abc", 3 };
  struct msghdr p = { .msg_iov = &i2, .msg_iovlen = 1 };
  sendmsg(sv[0], &p, MSG_DONTWAIT | MSG_NOSIGNAL);
  struct msghdr q = { .msg_iov = &riov, .msg_iovlen = 1 };
  recvmsg(sv[1], &q, 0);
  recvmsg(sv[1], &q, MSG_DONTWAIT);
  sendmsg(sv[0], (void *)8, 0);
}
static void addrs(void) {
  int u = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un abs = { AF_UNIX, "\0privos-strace" }, path = { AF_UNIX, "/nonexistent/sock" }, none = { AF_UNIX };
  bind(u, (void *)&abs, 2 + 14);
  connect(u, (void *)&path, sizeof path);
  connect(u, (void *)&none, 2);
  int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  bind(s6, (void *)&a6, sizeof a6);
  struct sockaddr_storage ss; socklen_t l = sizeof ss;
  getsockname(s6, (void *)&ss, &l);
  int s4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr odd = { 99 };
  connect(s4, &odd, sizeof odd);
  struct sockaddr_in a4 = { AF_INET, htons(9), { htonl(0x7f000001) } };
  connect(s4, (void *)&a4, 3);
}
int main(void) { msgs(); addrs(); return 0; }
