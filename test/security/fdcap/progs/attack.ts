/**
 * The fdcap attack program: `attack NAME` plays one attack against a secret file opened inside
 * a protected context, and exits 0 when the attacker read the secret, 1 when it was stopped.
 * Without the module (no /dev/fdcap), every fdcap_* call fails and tokens are plain fds.
 */
import type { Libc } from '../../../../libc/index.ts';
import { FDCAP_ENTER_SIZE, FDCAP_IOC_ENTER } from '../../../../kernel/include/uapi/fdcap.ts';

const SECRET = 'TOPSECRET';
const FD_MASK = (1 << 24) - 1;

async function trusted_enter(libc: Libc, ctx: number): Promise<number> { return libc.fdcap_enter(ctx) as number; }
async function attacker_enter(libc: Libc, ctx: number): Promise<number> { return libc.fdcap_enter(ctx) as number; }
/** The attacker calls the stub naming the trusted function as the caller: the stub takes the site from the stack. */
async function attacker_names_trusted(libc: Libc, ctx: number): Promise<number> { return libc.fdcap_enter(ctx, trusted_enter) as number; }

/** The attacker issues FDCAP_IOC_ENTER itself with a struct fdcap_enter it obtained earlier. */
async function attacker_replay(libc: Libc, saved: Uint8Array): Promise<number> {
  const p = libc.malloc(FDCAP_ENTER_SIZE);
  libc.poke(p, saved);
  return await libc.ioctl(libc.fdcap_fd!, FDCAP_IOC_ENTER, p);
}

/**
 * A legitimate enter while the attacker watches its argument (a thread reading the struct while
 * the call is in flight): returns the signed struct fdcap_enter it saw.
 */
async function enter_watched(libc: Libc, ctx: number): Promise<Uint8Array> {
  let seen: Uint8Array = new Uint8Array(FDCAP_ENTER_SIZE);
  const ioctl = libc.ioctl;
  libc.ioctl = function (fd, cmd, arg) {
    if (cmd === FDCAP_IOC_ENTER) seen = libc.peek(arg as number, FDCAP_ENTER_SIZE);
    return ioctl.call(this, fd, cmd, arg);
  };
  try { await trusted_enter(libc, ctx); } finally { libc.ioctl = ioctl; }
  return seen;
}

async function try_read(libc: Libc, v: number): Promise<boolean> {
  const buf = new Uint8Array(32);
  await libc.lseek(v, 0, libc.SEEK_SET);
  const n = await libc.read(v, buf, 32);
  return n > 0 && new TextDecoder().decode(buf.subarray(0, n)) === SECRET;
}

/** A struct msghdr with one 1-byte iovec and the given control buffer. */
function msghdr(libc: Libc, control: number, controllen: number): number {
  const m = libc.malloc(72), c = libc.malloc(1);
  libc.poke_u8(c, 70);
  libc.poke_u64(m, 0); libc.poke_u64(m + 8, 0); libc.poke_u64(m + 16, m + 56); libc.poke_u64(m + 24, 1);
  libc.poke_u64(m + 32, control); libc.poke_u64(m + 40, controllen); libc.poke_u64(m + 48, 0);
  libc.poke_u64(m + 56, c); libc.poke_u64(m + 64, 1);
  return m;
}

/** sendmsg with one SCM_RIGHTS cmsg carrying fd. */
async function send_fd(libc: Libc, s: number, fd: number): Promise<number> {
  const ctl = libc.malloc(24);
  libc.poke_u64(ctl, 20); libc.poke_u32(ctl + 8, libc.SOL_SOCKET); libc.poke_u32(ctl + 12, libc.SCM_RIGHTS);
  libc.poke_u32(ctl + 16, fd); libc.poke_u32(ctl + 20, 0);
  return await libc.sendmsg(s, msghdr(libc, ctl, 24), 0);
}

/** recvmsg of one SCM_RIGHTS fd (-1 when none came). */
async function recv_fd(libc: Libc, s: number): Promise<number> {
  const ctl = libc.malloc(24);
  const m = msghdr(libc, ctl, 24);
  if (await libc.recvmsg(s, m, 0) < 0 || libc.peek_u64(m + 40) < 20) return -1;
  return libc.peek_i32(ctl + 16);
}

/** An AF_UNIX socketpair: [s0, s1] (tokens when made inside a context). */
async function pair(libc: Libc): Promise<[number, number]> {
  const sv = libc.malloc(8);
  if (await libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM, 0, sv) < 0) return [-1, -1];
  return [libc.peek_i32(sv), libc.peek_i32(sv + 4)];
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const name = argv[1];
  const policy = argv[2] === 'kill' ? 'kill' : 'ebadf';
  const w = await libc.open('/tmp/secret', libc.O_CREAT | libc.O_WRONLY | libc.O_TRUNC, 0o600);
  await libc.write(w, SECRET);
  await libc.close(w);
  const on = (await libc.fdcap_init(trusted_enter, policy)) === 0;
  const A = on ? await libc.fdcap_create() : 0;
  const B = on ? await libc.fdcap_create() : 0;
  if ((await trusted_enter(libc, A)) !== 0 && on) return 4;
  const tok = await libc.open('/tmp/secret', libc.O_RDONLY);
  const legit = await try_read(libc, tok); // the owner can read
  await libc.fdcap_exit();
  const fd = tok & FD_MASK;
  let stolen = false;
  switch (name) {
    case 'legit': await trusted_enter(libc, A); stolen = await try_read(libc, tok); break;
    case 'raw_fd': await trusted_enter(libc, B); stolen = await try_read(libc, fd); break;
    case 'forge': {
      await trusted_enter(libc, B);
      const forged = on ? ((((tok >>> 24) + 1) & 0x7f) << 24) | fd : fd;
      stolen = await try_read(libc, forged);
      break;
    }
    case 'after_exit': stolen = await try_read(libc, tok); break;
    case 'after_revoke': await libc.fdcap_revoke(A); await trusted_enter(libc, A); stolen = await try_read(libc, tok); break;
    case 'other_context': await trusted_enter(libc, B); stolen = await try_read(libc, tok); break;
    case 'bad_site': await attacker_enter(libc, A); stolen = await try_read(libc, tok); break;
    case 'forged_site': await attacker_names_trusted(libc, A); stolen = await try_read(libc, tok); break;
    case 'replay': {
      // Replays the signed call site of an earlier, legitimate enter.
      const saved = on ? await enter_watched(libc, A) : null;
      await libc.fdcap_exit();
      if (saved) await attacker_replay(libc, saved);
      stolen = await try_read(libc, tok);
      break;
    }
    case 'replay_scratch': {
      // Looks for the signed struct an earlier enter left in libc's scratch memory.
      await trusted_enter(libc, A);
      await libc.fdcap_exit();
      const left = libc.peek(libc.scratch_top, FDCAP_ENTER_SIZE);
      await libc.printf('replay_scratch: left in scratch=%d\n', left.some((b) => b !== 0) ? 1 : 0);
      if (on) await attacker_replay(libc, left);
      stolen = await try_read(libc, tok);
      break;
    }
    case 'scm_launder': {
      // From its own context, pass the raw fd of the protected file to itself over AF_UNIX:
      // what arrives is a new fd to the same file, which the protection never saw.
      await trusted_enter(libc, B);
      const [s0, s1] = await pair(libc);
      if ((await send_fd(libc, s0, fd)) === 1) stolen = await try_read(libc, await recv_fd(libc, s1));
      break;
    }
    case 'scm_token': {
      // The owner passes its token over AF_UNIX inside its context: what it receives is a
      // token too (it reads through it); the received fd's raw number, used from another
      // context, is refused. stolen = the raw number worked.
      await trusted_enter(libc, A);
      const [s0, s1] = await pair(libc);
      const sent = await send_fd(libc, s0, tok);
      const got = sent === 1 ? await recv_fd(libc, s1) : -1;
      const works = got >= 0 && await try_read(libc, got);
      await libc.printf('scm_token: sent=%d got=%x works=%d\n', sent, got, works ? 1 : 0);
      if (!works) return 3;
      await trusted_enter(libc, B);
      stolen = await try_read(libc, got & FD_MASK);
      break;
    }
    case 'brute': {
      // The attacker runs inside the owner's context but never saw a token: each trial the
      // modifier is redrawn (revoke) and one guess of the 7-bit code is tried.
      const trials = Number(argv[3] ?? 1280);
      let hits = 0;
      for (let i = 0; i < trials; i++) {
        await libc.fdcap_revoke(A);
        await trusted_enter(libc, A);
        const guess = on ? ((i * 37 + 11) & 0x7f) : 0;
        if (await try_read(libc, (guess << 24) | fd)) hits++;
      }
      await libc.printf('brute: %d/%d\n', hits, trials);
      return hits > 0 ? 0 : 1;
    }
    default: return 2;
  }
  await libc.printf('%s: legit=%d stolen=%d tok=%x\n', name, legit ? 1 : 0, stolen ? 1 : 0, tok);
  return legit && stolen ? 0 : legit ? 1 : 3;
}
