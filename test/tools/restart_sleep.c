// restart_block parity: a sleeping child is stopped and continued (its clock_nanosleep returns
// ERESTART_RESTARTBLOCK and restart_syscall resumes it), then interrupted by a handler installed
// with SA_RESTART (EINTR all the same: nanosleep is never restarted after a handler). Compared by
// test/tools/strace.test.ts with `privos strace` of its twin, progs/restart_sleep.ts.
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
static void h(int s) { (void)s; }
/* Waits until pid's state (in /proc/PID/stat) is one of states: S inside nanosleep, T/t stopped. */
static void until_state(pid_t pid, const char *states) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  for (;;) {
    FILE *f = fopen(path, "r"); if (!f) return;
    size_t n = fread(buf, 1, sizeof buf - 1, f); fclose(f); buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (p && strchr(states, p[2])) return;
    sched_yield();
  }
}
int main(void) {
  int fds[2]; pipe(fds);
  pid_t c = fork();
  if (!c) {
    struct timespec ts = { 0, 300000000 };
    nanosleep(&ts, NULL);
    struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = h; sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    write(fds[1], "x", 1);
    int r = nanosleep(&ts, &ts);
    _exit(r == -1 ? 7 : 0);
  }
  until_state(c, "S");
  kill(c, SIGSTOP);
  until_state(c, "Tt");
  kill(c, SIGCONT);
  char b; read(fds[0], &b, 1);
  until_state(c, "S");
  kill(c, SIGUSR1);
  int st; wait4(c, &st, 0, NULL);
  printf("%d\n", WEXITSTATUS(st));
  return 0;
}
