/** Conformance: /proc and /dev as programs see them. */
import test from 'ava';
import { conformance, type ConfCase } from './harness.ts';
import type { Libc } from '../../libc/index.ts';

/** Reads a whole (small) file into a JS string. */
async function slurp(l: Libc, path: string): Promise<string | number> {
  const fd = await l.open(path, l.O_RDONLY);
  if (fd < 0) return -1;
  const b = l.malloc(65536);
  let out = '', n: number;
  while ((n = await l.read(fd, b, 65536)) > 0) out += Buffer.from(l.peek(b, n)).toString('latin1');
  await l.close(fd);
  l.free(b);
  return out;
}
const SLURP = String.raw`static char sl[1 << 20]; static long slurp(const char *p) { int fd = open(p, O_RDONLY); if (fd < 0) return -1; long t = 0, n; while ((n = read(fd, sl + t, sizeof sl - 1 - t)) > 0) t += n; sl[t] = 0; close(fd); return t; }
static const char *field(const char *name) { static char v[256]; char *p = strstr(sl, name); if (!p) return "(none)"; p += strlen(name); int i = 0; while (p[i] && p[i] != '\n' && i < 255) { v[i] = p[i]; i++; } v[i] = 0; return v; }`;
const field = (text: string, name: string): string => { const i = text.indexOf(name); if (i < 0) return '(none)'; const rest = text.slice(i + name.length); const e = rest.indexOf('\n'); return e < 0 ? rest : rest.slice(0, e); };

const cases: ConfCase[] = [
  {
    name: 'proc_self_link', c_globals: SLURP,
    c: `long n = readlink("/proc/self", buf, 100); buf[n > 0 ? n : 0] = 0; R("self_is_pid", atoi(buf) == getpid()); R("self_dir", stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0555); S("self_lstat", lstat("/proc/self", &st) == 0 ? lstat("/proc/self", &st) : -1);
        int fd = open("f", O_CREAT|O_WRONLY, 0644); char p[64]; sprintf(p, "/proc/self/fd/%d", fd); n = readlink(p, buf, 4096); buf[n > 0 ? n : 0] = 0; R("fd_link_ends_f", n > 2 && strcmp(buf + n - 2, "/f") == 0);
        int q[2]; pipe(q); sprintf(p, "/proc/self/fd/%d", q[0]); n = readlink(p, buf, 4096); buf[n > 0 ? n : 0] = 0; R("pipe_link", strncmp(buf, "pipe:[", 6) == 0); R("missing_fd", readlink("/proc/self/fd/999", buf, 100));
        unlink("f"); sprintf(p, "/proc/self/fd/%d", fd); n = readlink(p, buf, 4096); buf[n > 0 ? n : 0] = 0; R("deleted_suffix", n > 10 && strcmp(buf + n - 10, " (deleted)") == 0);`,
    run: async (p, l) => {
      let n = await l.readlink('/proc/self', p.buf, 100);
      await p.r('self_is_pid', Number(l.cstr(p.buf).slice(0, Math.max(n, 0))) === l.getpid() ? 1 : 0);
      await p.r('self_dir', (await l.stat('/proc/self', p.st)) === 0 && l.parse_stat(p.st).mode === 0o40555 ? 1 : 0);
      await p.s('self_lstat', l.lstat('/proc/self', p.st));
      const fd = await l.open('f', l.O_CREAT | l.O_WRONLY, 0o644);
      const link = async (path: string): Promise<string> => { const r = await l.readlink(path, p.buf, 4096); return r > 0 ? Buffer.from(l.peek(p.buf, r)).toString() : ''; };
      let s = await link(`/proc/self/fd/${fd}`);
      await p.r('fd_link_ends_f', s.length > 2 && s.endsWith('/f') ? 1 : 0);
      await l.pipe(p.st);
      s = await link(`/proc/self/fd/${l.peek_i32(p.st)}`);
      await p.r('pipe_link', s.startsWith('pipe:[') ? 1 : 0);
      await p.r('missing_fd', l.readlink('/proc/self/fd/999', p.buf, 100));
      await l.unlink('f');
      s = await link(`/proc/self/fd/${fd}`);
      n = s.length;
      await p.r('deleted_suffix', n > 10 && s.endsWith(' (deleted)') ? 1 : 0);
    },
  },
  {
    name: 'proc_self_status_stat', c_globals: SLURP,
    c: `slurp("/proc/self/status"); OUT(field("Name:\\t")); R("pid_field", atoi(field("\\nPid:\\t")) == getpid()); OUT(field("Uid:\\t")); OUT(field("State:\\t"));
        slurp("/proc/self/stat"); int pid; char comm[64], state; sscanf(sl, "%d %63s %c", &pid, comm, &state); R("stat_pid", pid == getpid()); OUT(comm); R("stat_state_R", state == 'R');
        int nf = 1; for (char *c = sl; *c; c++) if (*c == ' ') nf++; R("stat_fields", nf);
        setuid(1000); slurp("/proc/self/status"); OUT(field("Uid:\\t"));`,
    run: async (p, l) => {
      let s = await slurp(l, '/proc/self/status') as string;
      p.out(field(s, 'Name:\t'));
      await p.r('pid_field', Number(field(s, '\nPid:\t')) === l.getpid() ? 1 : 0);
      p.out(field(s, 'Uid:\t'));
      p.out(field(s, 'State:\t'));
      s = await slurp(l, '/proc/self/stat') as string;
      const f = s.trim().split(' ');
      await p.r('stat_pid', Number(f[0]) === l.getpid() ? 1 : 0);
      p.out(f[1]);
      await p.r('stat_state_R', f[2] === 'R' ? 1 : 0);
      await p.r('stat_fields', f.length);
      await l.setuid(1000);
      s = await slurp(l, '/proc/self/status') as string;
      p.out(field(s, 'Uid:\t'));
    },
  },
  {
    name: 'proc_cmdline_fd_dir', c_globals: SLURP,
    c: `long n = slurp("/proc/self/cmdline"); R("cmdline_nul_terminated", n > 0 && sl[n - 1] == 0); R("argv0_is_conf", strstr(sl, "conf") != NULL);
        int fd = open("/proc/self/fd", O_RDONLY|O_DIRECTORY); R("fd_dir", fd >= 0); DIR *d = opendir("/proc/self/fd"); int has3 = 0; struct dirent *e; while ((e = readdir(d))) if (!strcmp(e->d_name, "3")) has3 = 1; closedir(d);
        R("fd_has_3", has3); S("fd_dir_mode", stat("/proc/self/fd", &st)); R("write_status", open("/proc/self/status", O_WRONLY)); R("create_in_proc", open("/proc/newfile", O_CREAT|O_WRONLY, 0644));`,
    run: async (p, l) => {
      const s = await slurp(l, '/proc/self/cmdline') as string;
      await p.r('cmdline_nul_terminated', s.length > 0 && s.endsWith('\0') ? 1 : 0);
      await p.r('argv0_is_conf', s.includes('conf') ? 1 : 0);
      const fd = await l.open('/proc/self/fd', l.O_RDONLY | l.O_DIRECTORY);
      await p.r('fd_dir', fd >= 0 ? 1 : 0);
      const names = await l.listdir('/proc/self/fd') as string[];
      await p.r('fd_has_3', names.includes('3') ? 1 : 0);
      await p.s('fd_dir_mode', l.stat('/proc/self/fd', p.st));
      await p.r('write_status', l.open('/proc/self/status', l.O_WRONLY));
      await p.r('create_in_proc', l.open('/proc/newfile', l.O_CREAT | l.O_WRONLY, 0o644));
    },
  },
  {
    name: 'proc_global_files', c_globals: SLURP,
    c: `R("meminfo", slurp("/proc/meminfo") > 0 && strstr(sl, "MemTotal:") == sl); R("version", slurp("/proc/version") > 0 && strncmp(sl, "Linux version ", 14) == 0);
        slurp("/proc/filesystems"); R("fs_tmpfs", strstr(sl, "nodev\\ttmpfs\\n") != NULL); R("fs_proc", strstr(sl, "nodev\\tproc\\n") != NULL); R("fs_devtmpfs", strstr(sl, "nodev\\tdevtmpfs\\n") != NULL);
        slurp("/proc/mounts"); R("mounts_proc", strstr(sl, "proc /proc proc rw,") != NULL); R("mounts_dev", strstr(sl, " /dev devtmpfs ") != NULL);
        S("kallsyms_mode", stat("/proc/kallsyms", &st)); R("kallsyms_T", slurp("/proc/kallsyms") > 0 && strstr(sl, " T ") != NULL); S("meminfo_mode", stat("/proc/meminfo", &st));`,
    run: async (p, l) => {
      let s = await slurp(l, '/proc/meminfo') as string;
      await p.r('meminfo', s.startsWith('MemTotal:') ? 1 : 0);
      s = await slurp(l, '/proc/version') as string;
      await p.r('version', s.startsWith('Linux version ') ? 1 : 0);
      s = await slurp(l, '/proc/filesystems') as string;
      await p.r('fs_tmpfs', s.includes('nodev\ttmpfs\n') ? 1 : 0);
      await p.r('fs_proc', s.includes('nodev\tproc\n') ? 1 : 0);
      await p.r('fs_devtmpfs', s.includes('nodev\tdevtmpfs\n') ? 1 : 0);
      s = await slurp(l, '/proc/mounts') as string;
      await p.r('mounts_proc', s.includes('proc /proc proc rw,') ? 1 : 0);
      await p.r('mounts_dev', s.includes(' /dev devtmpfs ') ? 1 : 0);
      await p.s('kallsyms_mode', l.stat('/proc/kallsyms', p.st));
      s = await slurp(l, '/proc/kallsyms') as string;
      await p.r('kallsyms_T', s.includes(' T ') ? 1 : 0);
      await p.s('meminfo_mode', l.stat('/proc/meminfo', p.st));
    },
  },
  {
    name: 'dev_nodes_and_tty',
    c: `S("null", stat("/dev/null", &st)); S("zero", stat("/dev/zero", &st)); S("full", stat("/dev/full", &st)); S("urandom", stat("/dev/urandom", &st)); S("tty", stat("/dev/tty", &st));
        stat("/dev/null", &st); R("null_rdev", major(st.st_rdev) * 1000 + minor(st.st_rdev)); R("missing", stat("/dev/nonexistent", &st));`,
    c_globals: '#include <sys/sysmacros.h>',
    run: async (p, l) => {
      for (const n of ['null', 'zero', 'full', 'urandom', 'tty']) await p.s(n, l.stat(`/dev/${n}`, p.st));
      const rdev = (): number => { const r = l.parse_stat(p.st).rdev; return ((r >>> 8) & 0xfff) * 1000 + ((r & 0xff) | ((r >>> 12) & ~0xff)); };
      await l.stat('/dev/null', p.st);
      await p.r('null_rdev', rdev());
      await p.r('missing', l.stat('/dev/nonexistent', p.st));
    },
  },
  {
    name: 'mount_umount_tmpfs',
    c: `mkdir("m", 0755); close(open("m/under", O_CREAT|O_WRONLY, 0644)); R("mount", mount("none", "m", "tmpfs", 0, "mode=0700")); LS("ls_mounted", "m"); S("root_mode", stat("m", &st));
        close(open("m/inside", O_CREAT|O_WRONLY, 0644)); R("link_across", link("m/inside", "outside")); R("rename_across", rename("m/inside", "outside")); R("rmdir_mountpoint", rmdir("m"));
        R("bad_type", mount("none", "m", "nosuchfs", 0, NULL)); R("on_file", mount("none", "m/inside", "tmpfs", 0, NULL)); chdir("m"); R("umount_busy", umount("../m")); chdir("..");
        R("umount", umount("m")); LS("ls_after", "m"); R("umount_again", umount("m")); R("umount_bad_flags", umount2("m", 0x100));`,
    run: async (p, l) => {
      await l.mkdir('m', 0o755);
      await l.close(await l.open('m/under', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('mount', l.mount('none', 'm', 'tmpfs', 0, 'mode=0700'));
      await p.ls('ls_mounted', 'm');
      await p.s('root_mode', l.stat('m', p.st));
      await l.close(await l.open('m/inside', l.O_CREAT | l.O_WRONLY, 0o644));
      await p.r('link_across', l.link('m/inside', 'outside'));
      await p.r('rename_across', l.rename('m/inside', 'outside'));
      await p.r('rmdir_mountpoint', l.rmdir('m'));
      await p.r('bad_type', l.mount('none', 'm', 'nosuchfs', 0, 0));
      await p.r('on_file', l.mount('none', 'm/inside', 'tmpfs', 0, 0));
      await l.chdir('m');
      await p.r('umount_busy', l.umount('../m'));
      await l.chdir('..');
      await p.r('umount', l.umount('m'));
      await p.ls('ls_after', 'm');
      await p.r('umount_again', l.umount('m'));
      await p.r('umount_bad_flags', l.umount2('m', 0x100));
    },
  },
];

conformance(test, 'fs_proc_dev', cases);
