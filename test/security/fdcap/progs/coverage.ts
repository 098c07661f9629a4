/**
 * `coverage JSON`: for each syscall of JSON ([name, nr, argument kinds] triples), and for each
 * argument that names fds, calls the syscall from context B with the raw number of a file
 * protected in context A at that argument (in a register, a struct pollfd, an fd_set, an
 * SCM_RIGHTS message or a close_range range) and every other fd argument -1. Prints one line
 * per call: `name#pos r=R errno=E failed=+N` (N: the module's failure counter's increase).
 */
import type { Libc } from '../../../../libc/index.ts';

type Spec = [string, number, string[]];
const FD_USE = ['fd', 'atfd', 'fdrange', 'pollfds', 'fd_set', 'msghdr_in'];

async function site(libc: Libc, ctx: number): Promise<number> { return await libc.fdcap_enter(ctx); }

/** A struct msghdr (one 1-byte iovec) whose control buffer carries one SCM_RIGHTS fd. */
function scm_msghdr(libc: Libc, fd: number): number {
  const m = libc.malloc(72), c = libc.malloc(1), ctl = libc.malloc(24);
  libc.poke_u64(ctl, 20); libc.poke_u32(ctl + 8, libc.SOL_SOCKET); libc.poke_u32(ctl + 12, libc.SCM_RIGHTS);
  libc.poke_u32(ctl + 16, fd); libc.poke_u32(ctl + 20, 0);
  libc.poke_u8(c, 1);
  libc.poke_u64(m, 0); libc.poke_u64(m + 8, 0); libc.poke_u64(m + 16, m + 56); libc.poke_u64(m + 24, 1);
  libc.poke_u64(m + 32, ctl); libc.poke_u64(m + 40, 24); libc.poke_u64(m + 48, 0);
  libc.poke_u64(m + 56, c); libc.poke_u64(m + 64, 1);
  return m;
}

/** The six arguments of `kinds` with fd at argument pos and harmless values elsewhere. */
function args_for(libc: Libc, kinds: string[], pos: number, fd: number, sock: number): number[] {
  const a = [0, 0, 0, 0, 0, 0];
  kinds.forEach((k, i) => {
    if (k === 'fd' || k === 'atfd') a[i] = -1;
    else if (k === 'mapflags') a[i] = libc.MAP_PRIVATE;
    else if (k === 'prot') a[i] = libc.PROT_READ;
    else if (k === 'fcntl_cmd') a[i] = libc.F_GETFL;
    else if (k === 'uint') a[i] = 1;
  });
  const kind = kinds[pos];
  if (kind === 'fd' || kind === 'atfd') a[pos] = fd;
  else if (kind === 'fdrange') { a[pos] = fd; a[pos + 1] = fd; }
  else if (kind === 'pollfds') {
    const pfd = libc.malloc(8);
    libc.poke_u32(pfd, fd); libc.poke_u32(pfd + 4, libc.POLLIN);
    a[pos] = pfd; a[pos + 1] = 1;
  } else if (kind === 'fd_set') {
    const set = libc.malloc(128);
    libc.poke(set, new Uint8Array(128));
    libc.poke_u8(set + (fd >> 3), 1 << (fd & 7));
    a[0] = fd + 1; a[pos] = set;
  } else if (kind === 'msghdr_in') {
    a[pos] = scm_msghdr(libc, fd);
    if (kinds[0] === 'fd') a[0] = sock;
  }
  return a;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const specs = JSON.parse(argv[1]) as Spec[];
  const sv = libc.malloc(8);
  if (await libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM, 0, sv) < 0) return 2;
  const sock = libc.peek_i32(sv);
  const w = await libc.open('/tmp/secret', libc.O_CREAT | libc.O_WRONLY | libc.O_TRUNC, 0o600);
  await libc.write(w, 'TOPSECRET');
  await libc.close(w);
  if ((await libc.fdcap_init(site)) !== 0) return 3;
  const A = await libc.fdcap_create(), B = await libc.fdcap_create();
  if ((await site(libc, A)) !== 0) return 4;
  const tok = await libc.open('/tmp/secret', libc.O_RDONLY);
  await libc.fdcap_exit();
  const fd = tok & 0xffffff;
  if (fd === tok) return 5; // not protected
  if ((await site(libc, B)) !== 0) return 6;
  let out = '';
  for (const [name, nr, kinds] of specs) {
    for (let pos = 0; pos < kinds.length; pos++) {
      if (!FD_USE.includes(kinds[pos])) continue;
      const a = args_for(libc, kinds, pos, fd, sock);
      const before = libc.fdcap_stats();
      libc.errno = 0;
      const r = await libc.syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
      const errno = libc.errno;
      const after = libc.fdcap_stats();
      if (before === -1 || after === -1) return 7;
      out += `${name}#${pos} r=${r} errno=${errno} failed=+${after.failed - before.failed}\n`;
    }
  }
  await libc.printf('%s', out);
  return 0;
}
