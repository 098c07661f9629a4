/**
 * Calibration of the network-path costs (docs/cost-model.md, "The network path"): what the
 * host's own Linux kernel spends inside a small TCP send, a TCP receive and epoll_wait beyond a
 * trivial syscall's entry and exit. A C program serves 64-byte requests over loopback TCP
 * connections (TCP_NODELAY, as Redis and lighttpd set it) the way a request/response server
 * does — epoll_wait, read, write — and times each call; getpid, timed the same way in the same
 * loop, is subtracted, so what remains is the handler's work (tcp_recvmsg; tcp_sendmsg with the
 * loopback transmit and the peer's receive processing, which Linux runs in the sender's
 * softirq; ep_poll and the re-poll of each ready-list item). The host's nanoseconds times the
 * host's clock give host cycles, as tools/bench/user_op.ts does for user code. The profiles'
 * constants are printed beside them: they were set from this bench's output (see their sources).
 */
import { C_PRELUDE, host_hz, median, native, spread, fmt_spread, table, type Spread } from './harness.ts';
import { PROFILES } from '../profiles.ts';

/** Items in the many-ready epoll set; per-item cost = (scan of M − scan of 1) / (M − 1). */
const M = 16;
const RUNS = 7;

const SOURCE = `${C_PRELUDE}
#include <string.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#define N 20000
#define M ${M}
static double s_empty[N], s_pid[N], s_ep1[N], s_epm[N], s_rd[N], s_wr[N];
static int cl[M+1], sv[M+1];
static char req[64], rep[64], buf[64];
/* M+1 loopback connections: 0 alone in ep1, 1..M in epm */
static void conns(int ep1, int epm){
  int l=socket(AF_INET,SOCK_STREAM,0), one=1; struct sockaddr_in a={0}; socklen_t al=sizeof a;
  a.sin_family=AF_INET; a.sin_addr.s_addr=htonl(INADDR_LOOPBACK);
  if (bind(l,(void*)&a,sizeof a) || listen(l,M+1) || getsockname(l,(void*)&a,&al)) exit(1);
  for (int j=0;j<=M;j++){
    cl[j]=socket(AF_INET,SOCK_STREAM,0); if (connect(cl[j],(void*)&a,sizeof a)) exit(1); sv[j]=accept(l,0,0);
    setsockopt(cl[j],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one); setsockopt(sv[j],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one);
    struct epoll_event ev={.events=EPOLLIN,.data.fd=j}; epoll_ctl(j?epm:ep1,EPOLL_CTL_ADD,sv[j],&ev);
  }
  close(l);
}
#define TIME(slot, call) do { double t0=now_ns(); call; slot=now_ns()-t0; } while (0)
int main(void){
  int ep1=epoll_create1(0), epm=epoll_create1(0), n; ssize_t r; struct epoll_event out[M];
  conns(ep1, epm); memset(req,'a',64); memset(rep,'b',64);
  for (int w=0; w<2; w++) for (int i=0;i<N;i++){
    TIME(s_empty[i], (void)0);
    TIME(s_pid[i], syscall(SYS_getpid));
    if (write(cl[0],req,64)!=64) return 2;
    TIME(s_ep1[i], n=epoll_wait(ep1,out,M,0)); if (n!=1) return 3;
    TIME(s_rd[i], r=read(sv[0],buf,64)); if (r!=64) return 4;
    TIME(s_wr[i], r=write(sv[0],rep,64)); if (r!=64) return 5;
    if (read(cl[0],buf,64)!=64) return 6;
    for (int j=1;j<=M;j++) if (write(cl[j],req,64)!=64) return 2;
    TIME(s_epm[i], n=epoll_wait(epm,out,M,0)); if (n!=M) return 3;
    for (int j=1;j<=M;j++) if (read(sv[j],buf,64)!=64 || write(sv[j],rep,64)!=64) return 4;
    for (int j=1;j<=M;j++) if (read(cl[j],buf,64)!=64) return 6;
  }
  double e=median(s_empty,N), pid=median(s_pid,N)-e, e1=median(s_ep1,N)-e, em=median(s_epm,N)-e, item=(em-e1)/(M-1);
  printf("%.1f\\n%.1f\\n%.1f\\n%.1f\\n%.1f\\n", pid, median(s_rd,N)-e-pid, median(s_wr,N)-e-pid, e1-pid-item, item);
  return 0;
}
`;

export default async function (): Promise<void> {
  const runs: number[][] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = native('net_cost', SOURCE);
    if (!r) return;
    runs.push(r);
  }
  const ghz = host_hz() / 1e9;
  const col = (j: number): Spread => spread(runs.map((r) => r[j]));
  const names = ['getpid (entry + exit, subtracted)', 'tcp_recvmsg', 'tcp_sendmsg', 'ep_poll', 'ep_item_poll'];
  const keys = [null, 'tcp_recvmsg', 'tcp_sendmsg', 'ep_poll', 'ep_item_poll'] as const;
  const rows = names.map((name, j) => {
    const s = col(j), key = keys[j];
    const prof = key ? PROFILES['skylake-pti'].cost[key] + ' / ' + PROFILES['apple-m1'].cost[key] : '-';
    return [name, fmt_spread(s), ghz ? (median(runs.map((r) => r[j])) * ghz).toFixed(0) : 'n/a', prof];
  });
  table('net_cost', `network-path calibration: host kernel ns beyond a trivial syscall (64-byte requests over loopback TCP, ${RUNS} runs of 2×20,000; median (min–max); host clock ${ghz.toFixed(2)} GHz)`,
    ['call', 'host ns', 'host cycles (median)', 'profile cycles: skylake / apple-m1'], rows);
}
