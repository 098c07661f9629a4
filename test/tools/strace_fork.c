// strace parity: the C program whose real `strace -f` output test/tools/strace.test.ts compares
// with `privos strace` of its twin, progs/strace_fork.ts.
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  pid_t p = fork();
  if (!p) { write(1, "child\n", 6); _exit(3); }
  int st;
  wait4(p, &st, 0, NULL);
  write(1, "done\n", 5);
  return 0;
}
