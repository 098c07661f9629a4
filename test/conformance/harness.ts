/**
 * The conformance harness: each case is one scenario written twice, as C (run on this machine's
 * real kernel) and as a privos user program, and both print the same lines. The harness
 * compiles every C case of a group into ONE binary (a case dispatcher), runs it once, boots one
 * privos kernel per group, runs each privos side as its own process, and compares line by line.
 *
 * Line helpers have the same output on both sides (see C_PRELUDE and P below):
 *   R(label, expr)        "label: <ret>" or "label: -1 <ERRNAME>"
 *   RD(label, expr, buf)  "label: <n> \"bytes\"" for reads (printable ASCII, \xHH otherwise)
 *   S(label, call)        "label: mode=<octal> size=<n> nlink=<n>" (size only for files/links)
 *   LS(label, path)       "label: name,name,…" (sorted directory listing)
 *   OUT("text")           a free-form line
 * Each case runs in a fresh, empty working directory (on tmpfs on the host: /dev/shm).
 */
import runner from './runner.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext, TestFn } from 'ava';
import { boot, capture_console, run } from '../../tools/machine.ts';
import type { Libc } from '../../libc/index.ts';
import { P } from './p.ts';
import { CASES } from './registry.ts';

export { P };

export interface ConfCase {
  /** A C identifier: the case's name on both sides. */
  readonly name: string;
  /** The C body (statements); may use R, RD, S, LS, OUT and a `char buf[4096]`. */
  readonly c: string;
  /** The privos side, printing the same lines through p. */
  readonly run: (p: P, libc: Libc) => Promise<void> | void;
  /** Set where privos differs from Linux on purpose: why, and the lines privos prints instead. */
  readonly differs?: { why: string; privos: string[] };
  /**
   * Set when the output holds values that differ by architecture (F_GETFL's O_LARGEFILE,
   * raw syscall numbers): the arm64 run then skips the case, since the C side ran on x86-64.
   */
  readonly arch_specific?: boolean;
  /** Extra C file-scope code (helpers) for this case; identical strings are emitted once. */
  readonly c_globals?: string;
}

export const C_PRELUDE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/mount.h>
#include <linux/openat2.h>
#include <termios.h>
static char buf[4096];
static struct stat st; /* for R("x", stat(path, &st)) */
static void pr_err(const char *l) { printf("%s: -1 %s\n", l, strerrorname_np(errno)); }
#define R(l, e) do { errno = 0; long r_ = (long)(e); if (r_ == -1) pr_err(l); else printf("%s: %ld\n", l, r_); } while (0)
static void pr_bytes(const char *l, long n, const char *b) {
  printf("%s: %ld \"", l, n);
  for (long i = 0; i < n; i++) { unsigned char c = b[i]; if (c >= 32 && c < 127 && c != '"' && c != '\\') putchar(c); else printf("\\x%02x", c); }
  printf("\"\n");
}
#define RD(l, e, b) do { errno = 0; long r_ = (long)(e); if (r_ == -1) pr_err(l); else pr_bytes(l, r_, b); } while (0)
static void pr_stat(const char *l, int r, struct stat *st) {
  if (r == -1) { pr_err(l); return; }
  if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) printf("%s: mode=%o size=%lld nlink=%ld\n", l, st->st_mode, (long long)st->st_size, (long)st->st_nlink);
  else printf("%s: mode=%o nlink=%ld\n", l, st->st_mode, (long)st->st_nlink);
}
#define S(l, call) do { struct stat st; memset(&st, 0, sizeof st); errno = 0; int r_ = (call); pr_stat(l, r_, &st); } while (0)
static int cmps(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }
static void LS(const char *l, const char *path) {
  DIR *d = opendir(path); if (!d) { pr_err(l); return; }
  char *names[4096]; int n = 0; struct dirent *e;
  while ((e = readdir(d)) && n < 4096) names[n++] = strdup(e->d_name);
  closedir(d); qsort(names, n, sizeof *names, cmps);
  printf("%s: ", l); for (int i = 0; i < n; i++) { printf(i ? ",%s" : "%s", names[i]); free(names[i]); } printf("\n");
}
#define OUT(s) printf("%s\n", s)
`;

function c_program(cases: readonly ConfCase[]): string {
  const parts = [C_PRELUDE];
  const globals = new Set<string>();
  for (const c of cases) {
    if (c.c_globals && !globals.has(c.c_globals)) { globals.add(c.c_globals); parts.push(c.c_globals); }
    parts.push(`static void case_${c.name}(void) {\n${c.c}\n}`);
  }
  parts.push(`struct entry { const char *name; void (*fn)(void); };
static struct entry cases[] = {\n${cases.map((c) => `  { "${c.name}", case_${c.name} },`).join('\n')}\n  { 0, 0 } };
int main(int argc, char **argv) {
  const char *root = argv[1];
  for (struct entry *e = cases; e->name; e++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      char dir[512]; snprintf(dir, sizeof dir, "%s/%s", root, e->name);
      mkdir(dir, 0755); if (chdir(dir)) _exit(99);
      umask(022);
      printf("== %s\\n", e->name); e->fn(); fflush(stdout); _exit(0);
    }
    int st; waitpid(pid, &st, 0);
    if (!WIFEXITED(st)) printf("!! killed by signal %d\\n", WTERMSIG(st));
  }
  return 0;
}`);
  return parts.join('\n');
}

/** Splits "== name" sections into per-case line arrays. */
export function split_sections(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('== ')) { cur = []; m.set(line.slice(3), cur); continue; }
    if (cur && line !== '') cur.push(line);
  }
  return m;
}

let cc_ok: boolean | null = null;
export function have_cc(): boolean {
  if (process.env.CONFORMANCE_NO_CC) return false; // exercise the recorded-expectations path
  if (cc_ok === null) {
    try { execFileSync('cc', ['--version'], { stdio: 'ignore' }); cc_ok = true; } catch { cc_ok = false; }
  }
  return cc_ok;
}

/** Runs the C side on the host kernel; null when no compiler exists. */
export function run_native(group: string, cases: readonly ConfCase[]): Map<string, string[]> | null {
  if (!have_cc()) return null;
  const base = existsSync('/dev/shm') ? '/dev/shm' : undefined;
  const dir = mkdtempSync(join(base ?? '/tmp', `privos-conf-${group}-`));
  try {
    const src = join(dir, 'conf.c'), bin = join(dir, 'conf'), work = join(dir, 'work');
    mkdirSync(work);
    writeFileSync(src, c_program(cases));
    try {
      execFileSync('cc', ['-O0', '-w', '-o', bin, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`cc failed for group ${group}:\n${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 4000)}`);
    }
    return split_sections(execFileSync(bin, [work], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


/** Runs the privos side: one kernel, one process per case. */
export async function run_privos(cases: readonly ConfCase[], arch: 'x86_64' | 'arm64' = 'x86_64'): Promise<Map<string, string[]>> {
  const cap = capture_console();
  const k = boot({ console: cap.console, arch });
  let out = '';
  for (const c of cases) {
    CASES.set(c.name, c);
    const before = cap.output().length;
    // The case bodies are closures of this test process: the runner is a harness program.
    const r = await run(k, { program: 'conf', main: runner, argv: ['conf', c.name] });
    out += `== ${c.name}\n` + cap.output().slice(before);
    if (r.status !== 0) out += `!! killed by signal ${r.status - 128}\n`;
  }
  return split_sections(out);
}

function expect_path(group: string): string {
  return new URL(`./expected/${group}.json`, import.meta.url).pathname;
}

/**
 * Registers one ava test per case. The real kernel's output is the reference; without a
 * compiler the recorded expectations (test/conformance/expected/GROUP.json) are used.
 * CONFORMANCE_RECORD=1 rewrites the recorded file from the real kernel.
 */
export function conformance(test: TestFn, group: string, cases: readonly ConfCase[]): void {
  let native: Map<string, string[]> | null = null;
  let privos: Map<string, string[]> = new Map();
  let privos_arm: Map<string, string[]> = new Map();
  const arm_cases = cases.filter((c) => !c.arch_specific && !c.differs);
  let source = 'the real kernel';
  test.before(async () => {
    native = run_native(group, cases);
    if (native && process.env.CONFORMANCE_RECORD) {
      mkdirSync(new URL('./expected/', import.meta.url).pathname, { recursive: true });
      writeFileSync(expect_path(group), JSON.stringify(Object.fromEntries(native), null, 1) + '\n');
    }
    if (!native) {
      source = 'recorded expectations (no C compiler on this machine: C side skipped)';
      console.log(`  [conformance ${group}: no C compiler — comparing against ${expect_path(group)}]`);
      native = new Map(Object.entries(JSON.parse(readFileSync(expect_path(group), 'utf8')) as Record<string, string[]>));
    }
    privos = await run_privos(cases);
    // The same cases on an arm64 kernel (the asm-generic syscall table, arm64's struct stat).
    if (!process.env.CONFORMANCE_X86_ONLY) privos_arm = await run_privos(arm_cases, 'arm64');
  });
  for (const c of cases) {
    test(`${group}: ${c.name}`, (t: ExecutionContext) => {
      const want = native!.get(c.name);
      t.truthy(want, `no output from the C side for ${c.name}`);
      const got = privos.get(c.name) ?? [];
      if (c.differs) {
        t.log(`privos differs on purpose: ${c.differs.why}`);
        t.deepEqual(got, c.differs.privos);
        t.notDeepEqual(want, c.differs.privos, 'the documented difference no longer exists: drop `differs`');
        return;
      }
      t.deepEqual(got, want, `privos vs ${source}`);
    });
  }
  for (const c of arm_cases) {
    test(`${group}: ${c.name} (arm64)`, (t: ExecutionContext) => {
      if (process.env.CONFORMANCE_X86_ONLY) { t.pass('arm64 run disabled'); return; }
      t.deepEqual(privos_arm.get(c.name) ?? [], native!.get(c.name), `privos arm64 vs ${source}`);
    });
  }
}
