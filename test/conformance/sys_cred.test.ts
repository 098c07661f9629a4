/** Conformance: set*uid/set*gid rules (real, effective, saved, fs ids), getres*id, setfs*id, getgroups/setgroups. */
import test from 'ava';
import type { Libc } from '../../libc/index.ts';
import { conformance, type ConfCase, type P } from './harness.ts';

const HELPERS = String.raw`
#include <sys/fsuid.h>
#include <grp.h>
static void UID(const char *l) { uid_t r, e, s; getresuid(&r, &e, &s); int fs = setfsuid(-1); printf("%s: r=%u e=%u s=%u fs=%d\n", l, r, e, s, fs); }
static void GID(const char *l) { gid_t r, e, s; getresgid(&r, &e, &s); int fs = setfsgid(-1); printf("%s: r=%u e=%u s=%u fs=%d\n", l, r, e, s, fs); }
static void GR(const char *l) { gid_t g[8]; int n = getgroups(8, g); printf("%s: %d", l, n); for (int i = 0; i < n; i++) printf(" %u", g[i]); printf("\n"); }
`;

async function ids(p: P, l: Libc, label: string, gid: boolean): Promise<void> {
  const b = l.malloc(12);
  await (gid ? l.getresgid(b, b + 4, b + 8) : l.getresuid(b, b + 4, b + 8));
  const fs = await (gid ? l.setfsgid(-1) : l.setfsuid(-1));
  p.out(`${label}: r=${l.peek_u32(b)} e=${l.peek_u32(b + 4)} s=${l.peek_u32(b + 8)} fs=${fs}`);
}
const UID = (p: P, l: Libc, label: string): Promise<void> => ids(p, l, label, false);
const GID = (p: P, l: Libc, label: string): Promise<void> => ids(p, l, label, true);
async function gr(p: P, l: Libc, label: string): Promise<void> {
  const g = l.malloc(32);
  const n = await l.getgroups(8, g);
  let s = `${label}: ${n}`;
  for (let i = 0; i < n; i++) s += ` ${l.peek_u32(g + i * 4)}`;
  p.out(s);
}
function gids(l: Libc, ...v: number[]): number { const b = l.malloc(v.length * 4 + 4); v.forEach((x, i) => l.poke_u32(b + i * 4, x)); return b; }

const cases: ConfCase[] = [
  {
    name: 'setresuid_rules', c_globals: HELPERS,
    c: `UID("start"); R("set_all", setresuid(1000, 2000, 0)); UID("after"); R("euid_to_saved", setresuid(-1, 0, -1)); UID("root_again"); R("drop", setresuid(1000, 2000, 3000)); UID("dropped");
        R("noop", setresuid(-1, -1, -1)); R("same_values", setresuid(1000, 2000, 3000)); R("permute", setresuid(3000, 1000, 2000)); UID("permuted"); R("new_id", setresuid(-1, 4000, -1)); R("root", setresuid(-1, 0, -1));
        R("setuid_saved", setuid(2000)); UID("setuid_unpriv"); uid_t r; R("efault", getresuid(&r, (uid_t *)8, &r)); R("efault_first", getresuid((uid_t *)8, &r, &r)); R("geteuid", geteuid());`,
    run: async (p, l) => {
      await UID(p, l, 'start');
      await p.r('set_all', l.setresuid(1000, 2000, 0));
      await UID(p, l, 'after');
      await p.r('euid_to_saved', l.setresuid(-1, 0, -1));
      await UID(p, l, 'root_again');
      await p.r('drop', l.setresuid(1000, 2000, 3000));
      await UID(p, l, 'dropped');
      await p.r('noop', l.setresuid(-1, -1, -1));
      await p.r('same_values', l.setresuid(1000, 2000, 3000));
      await p.r('permute', l.setresuid(3000, 1000, 2000));
      await UID(p, l, 'permuted');
      await p.r('new_id', l.setresuid(-1, 4000, -1));
      await p.r('root', l.setresuid(-1, 0, -1));
      await p.r('setuid_saved', l.setuid(2000));
      await UID(p, l, 'setuid_unpriv');
      const b = l.malloc(4);
      await p.r('efault', l.getresuid(b, 8, b));
      await p.r('efault_first', l.getresuid(8, b, b));
      await p.r('geteuid', l.geteuid());
    },
  },
  {
    name: 'setreuid_saved_id_rule', c_globals: HELPERS,
    c: `R("re", setreuid(1000, 2000)); UID("saved_follows"); R("e_to_r", setreuid(-1, 1000)); UID("saved_kept"); R("e_to_saved", setreuid(-1, 2000)); UID("e_saved"); R("r_to_e", setreuid(2000, -1)); UID("r_set_saved");
        R("r_new", setreuid(5000, -1)); R("e_new", setreuid(-1, 5000)); R("swap", setreuid(2000, 2000)); UID("final"); R("noop", setreuid(-1, -1));`,
    run: async (p, l) => {
      await p.r('re', l.setreuid(1000, 2000));
      await UID(p, l, 'saved_follows');
      await p.r('e_to_r', l.setreuid(-1, 1000));
      await UID(p, l, 'saved_kept');
      await p.r('e_to_saved', l.setreuid(-1, 2000));
      await UID(p, l, 'e_saved');
      await p.r('r_to_e', l.setreuid(2000, -1));
      await UID(p, l, 'r_set_saved');
      await p.r('r_new', l.setreuid(5000, -1));
      await p.r('e_new', l.setreuid(-1, 5000));
      await p.r('swap', l.setreuid(2000, 2000));
      await UID(p, l, 'final');
      await p.r('noop', l.setreuid(-1, -1));
    },
  },
  {
    name: 'setfsuid_and_access', c_globals: HELPERS,
    c: `close(open("secret", O_CREAT|O_WRONLY, 0600)); R("old_fs", setfsuid(1000)); R("now_fs", setfsuid(-1)); R("open_as_fs_1000", open("secret", O_RDONLY)); R("back", setfsuid(0)); R("open_as_root", open("secret", O_RDONLY));
        R("uid_kept", getuid()); setresuid(1000, 1000, 1000); R("unpriv_other", setfsuid(5000)); R("unchanged", setfsuid(-1)); R("to_root_refused", setfsuid(0)); R("still", setfsuid(-1)); R("open_unpriv", open("secret", O_RDONLY));`,
    run: async (p, l) => {
      await l.close(await l.open('secret', l.O_CREAT | l.O_WRONLY, 0o600));
      await p.r('old_fs', l.setfsuid(1000));
      await p.r('now_fs', l.setfsuid(-1));
      await p.r('open_as_fs_1000', l.open('secret', l.O_RDONLY));
      await p.r('back', l.setfsuid(0));
      await p.r('open_as_root', l.open('secret', l.O_RDONLY));
      await p.r('uid_kept', l.getuid());
      await l.setresuid(1000, 1000, 1000);
      await p.r('unpriv_other', l.setfsuid(5000));
      await p.r('unchanged', l.setfsuid(-1));
      await p.r('to_root_refused', l.setfsuid(0));
      await p.r('still', l.setfsuid(-1));
      await p.r('open_unpriv', l.open('secret', l.O_RDONLY));
    },
  },
  {
    name: 'setresgid_setregid_setfsgid', c_globals: HELPERS,
    c: `GID("start"); R("setresgid", setresgid(100, 200, 300)); GID("after"); R("setregid", setregid(-1, 100)); GID("re"); R("setfsgid", setfsgid(50)); GID("fs"); R("setregid_r", setregid(400, -1)); GID("r_set");
        setresuid(1000, 1000, 1000); R("unpriv_new", setresgid(-1, 999, -1)); R("unpriv_own", setresgid(-1, 300, -1)); GID("own"); R("unpriv_setregid", setregid(999, -1)); R("unpriv_fsgid", setfsgid(999)); R("fsgid_now", setfsgid(-1));
        gid_t g; R("efault", getresgid(&g, &g, (gid_t *)8));`,
    run: async (p, l) => {
      await GID(p, l, 'start');
      await p.r('setresgid', l.setresgid(100, 200, 300));
      await GID(p, l, 'after');
      await p.r('setregid', l.setregid(-1, 100));
      await GID(p, l, 're');
      await p.r('setfsgid', l.setfsgid(50));
      await GID(p, l, 'fs');
      await p.r('setregid_r', l.setregid(400, -1));
      await GID(p, l, 'r_set');
      await l.setresuid(1000, 1000, 1000);
      await p.r('unpriv_new', l.setresgid(-1, 999, -1));
      await p.r('unpriv_own', l.setresgid(-1, 300, -1));
      await GID(p, l, 'own');
      await p.r('unpriv_setregid', l.setregid(999, -1));
      await p.r('unpriv_fsgid', l.setfsgid(999));
      await p.r('fsgid_now', l.setfsgid(-1));
      const g = l.malloc(4);
      await p.r('efault', l.getresgid(g, g, 8));
    },
  },
  {
    name: 'getgroups_setgroups', c_globals: HELPERS,
    c: `gid_t g3[] = {30, 10, 20, 10}; R("set", setgroups(4, g3)); R("count", getgroups(0, 0)); GR("sorted"); gid_t g[8]; R("too_small", getgroups(2, g)); R("negative", getgroups(-1, g)); R("efault", getgroups(4, (gid_t *)8));
        R("count_null_ok", getgroups(0, (gid_t *)8)); R("set_too_many", setgroups(65537, g3)); R("set_max_efault", setgroups(65536, (gid_t *)8)); R("set_efault", setgroups(2, (gid_t *)8)); R("set_negative", setgroups(-1, g3)); GR("unchanged");
        setresgid(-1, 20, -1); close(open("grp", O_CREAT|O_WRONLY, 0640)); setresgid(-1, 0, -1); S("grp", stat("grp", &st)); setresuid(1000, 1000, 1000); R("read_via_group", open("grp", O_RDONLY) >= 0); R("unpriv_set", setgroups(0, 0)); GR("unpriv_get"); R("unpriv_empty_still_eperm", setgroups(0, g3));`,
    run: async (p, l) => {
      const g3 = gids(l, 30, 10, 20, 10);
      await p.r('set', l.setgroups(4, g3));
      await p.r('count', l.getgroups(0, 0));
      await gr(p, l, 'sorted');
      const g = l.malloc(32);
      await p.r('too_small', l.getgroups(2, g));
      await p.r('negative', l.getgroups(-1, g));
      await p.r('efault', l.getgroups(4, 8));
      await p.r('count_null_ok', l.getgroups(0, 8));
      await p.r('set_too_many', l.setgroups(65537, g3));
      await p.r('set_max_efault', l.setgroups(65536, 8));
      await p.r('set_efault', l.setgroups(2, 8));
      await p.r('set_negative', l.setgroups(-1, g3));
      await gr(p, l, 'unchanged');
      await l.setresgid(-1, 20, -1);
      await l.close(await l.open('grp', l.O_CREAT | l.O_WRONLY, 0o640));
      await l.setresgid(-1, 0, -1);
      await p.s('grp', l.stat('grp', p.st));
      await l.setresuid(1000, 1000, 1000);
      await p.r('read_via_group', await l.open('grp', l.O_RDONLY) >= 0 ? 1 : 0);
      await p.r('unpriv_set', l.setgroups(0, 0));
      await gr(p, l, 'unpriv_get');
      await p.r('unpriv_empty_still_eperm', l.setgroups(0, g3));
    },
  },
];

conformance(test, 'sys_cred', cases);
