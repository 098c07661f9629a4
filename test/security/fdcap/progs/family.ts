/**
 * fdcap across fork. `family MODE [ARGS]`:
 * - `revoke`: contexts are per-process copies after fork — a revoke in the child leaves the
 *   parent's tokens working, and a revoke in the parent leaves the child's working.
 * - `brute POLICY`: the fork brute force of issue 11 §2. The attacker knows the raw fd of a file
 *   protected in the context it runs in, not the token; it forks one child per guess of the 7-bit
 *   code (each child inherits the context, its modifier and the keys) and learns from the
 *   child's fate whether the guess was right. Prints `guess G: …` per child and `found at N`.
 * - `exec`: the image that exec starts must fdcap_init again (and may); the fds it keeps stay
 *   protected, and the old tokens are dead (the keys are redrawn at exec).
 * - `hold`: the module cannot be removed under a protected process: after closing /dev/fdcap,
 *   delete_module still fails (EWOULDBLOCK) in the process and in a forked child, raw fds are
 *   still refused, and the module's reference count follows the protected processes.
 */
import type { Libc } from '../../../../libc/index.ts';

const SECRET = 'TOPSECRET';
const FD_MASK = (1 << 24) - 1;

async function site(libc: Libc, ctx: number): Promise<number> { return await libc.fdcap_enter(ctx); }

async function reads_secret(libc: Libc, v: number): Promise<boolean> {
  const buf = new Uint8Array(32);
  if (await libc.lseek(v, 0, libc.SEEK_SET) < 0) return false;
  const n = await libc.read(v, buf, 32);
  return n > 0 && new TextDecoder().decode(buf.subarray(0, n)) === SECRET;
}

/** Creates /tmp/secret, inits fdcap with policy, enters a new context: [ctx, token]. */
async function protect_secret(libc: Libc, policy: 'ebadf' | 'kill'): Promise<[number, number]> {
  const w = await libc.open('/tmp/secret', libc.O_CREAT | libc.O_WRONLY | libc.O_TRUNC, 0o600);
  await libc.write(w, SECRET);
  await libc.close(w);
  if ((await libc.fdcap_init(site, policy)) !== 0) return [-1, -1];
  const A = await libc.fdcap_create();
  if ((await site(libc, A)) !== 0) return [-1, -1];
  return [A, await libc.open('/tmp/secret', libc.O_RDONLY)];
}

const say = async (libc: Libc, s: string): Promise<void> => { await libc.write(1, s + '\n'); };

/** Runs child in a forked process and returns its wait status. */
async function in_child(libc: Libc, child: (c: Libc) => Promise<number>): Promise<number> {
  const pid = await libc.fork(async (c) => { c.fdcap_atfork_child(libc); return child(c); });
  const st = libc.malloc(4);
  await libc.waitpid(pid, st, 0);
  return libc.peek_i32(st);
}

/** Revokes ctx until tok stops authenticating (each revoke leaves the old code valid with p = 1/128). */
async function revoke_until_dead(libc: Libc, ctx: number, tok: number): Promise<boolean> {
  for (let i = 0; i < 8; i++) {
    await libc.fdcap_revoke(ctx);
    if (!(await reads_secret(libc, tok))) return true;
  }
  return false;
}

async function revoke(libc: Libc): Promise<number> {
  const [A, tok] = await protect_secret(libc, 'ebadf');
  if (tok < 0) return 2;
  // Child side: the child's revoke kills the child's token, not the parent's.
  const st = await in_child(libc, async (c) => {
    const inherited = await reads_secret(c, tok);
    const dead = await revoke_until_dead(c, A, tok);
    await say(c, `child: inherited token reads=${inherited ? 1 : 0} dead after its revoke=${dead ? 1 : 0}`);
    return inherited && dead ? 0 : 1;
  });
  const parent_ok = await reads_secret(libc, tok);
  await say(libc, `parent after the child's revoke: reads=${parent_ok ? 1 : 0} (child status ${st >> 8})`);
  // Parent side: a child forked before the parent's revoke keeps its own working copy.
  const p = libc.malloc(8);
  await libc.fdcap_exit(); // a plain pipe: its ends must outlive the revokes
  await libc.pipe2(p, 0);
  await site(libc, A);
  const rd = libc.peek_i32(p), wr = libc.peek_i32(p + 4);
  const pid = await libc.fork(async (c) => {
    c.fdcap_atfork_child(libc);
    await c.close(wr);
    await c.read(rd, new Uint8Array(1), 1); // wait for the parent's revoke
    const ok = await reads_secret(c, tok);
    await say(c, `child after the parent's revoke: reads=${ok ? 1 : 0}`);
    return ok ? 0 : 1;
  });
  const dead = await revoke_until_dead(libc, A, tok);
  await libc.write(wr, 'x');
  const wst = libc.malloc(4);
  await libc.waitpid(pid, wst, 0);
  await say(libc, `parent: dead after its revoke=${dead ? 1 : 0}`);
  return st === 0 && parent_ok && dead && libc.peek_i32(wst) === 0 ? 0 : 1;
}

async function brute(libc: Libc, policy: 'ebadf' | 'kill'): Promise<number> {
  const [, tok] = await protect_secret(libc, policy);
  if (tok < 0) return 2;
  const fd = tok & FD_MASK; // all the attacker knows
  for (let g = 0; g < 128; g++) {
    const st = await in_child(libc, async (c) => ((await reads_secret(c, (g << 24) | fd)) ? 0 : 1));
    await say(libc, `guess ${g}: ${st === 0 ? 'read the secret' : (st & 0x7f) === 9 ? 'killed' : 'refused'}`);
    if (st === 0) { await say(libc, `found at ${g + 1}`); return 0; }
  }
  return 1;
}

async function modules_refcnt(libc: Libc): Promise<string> {
  const fd = await libc.open('/proc/modules', libc.O_RDONLY);
  const buf = new Uint8Array(4096);
  const n = await libc.read(fd, buf, 4096);
  await libc.close(fd);
  return /^fdcap \d+ (\d+)/m.exec(new TextDecoder().decode(buf.subarray(0, Math.max(n, 0))))?.[1] ?? '?';
}

async function try_rmmod(libc: Libc): Promise<string> {
  const r = await libc.syscall(libc.SYS.delete_module, libc.str('fdcap'), libc.O_NONBLOCK);
  return `${r} errno=${r < 0 ? libc.errno : 0}`;
}

async function hold(libc: Libc): Promise<number> {
  const [, tok] = await protect_secret(libc, 'ebadf');
  if (tok < 0) return 2;
  await libc.fdcap_exit();
  await say(libc, `hold: refcnt with /dev/fdcap open=${await modules_refcnt(libc)}`);
  await libc.close(libc.fdcap_fd!);
  await say(libc, `hold: refcnt after closing /dev/fdcap=${await modules_refcnt(libc)} delete_module=${await try_rmmod(libc)}`);
  const st = await in_child(libc, async (c) => {
    await say(c, `hold child: refcnt=${await modules_refcnt(c)} delete_module=${await try_rmmod(c)} raw fd reads=${(await reads_secret(c, tok & FD_MASK)) ? 1 : 0}`);
    return 0;
  });
  await say(libc, `hold: after the child (status ${st}) refcnt=${await modules_refcnt(libc)} raw fd reads=${(await reads_secret(libc, tok & FD_MASK)) ? 1 : 0}`);
  return 0;
}

/** Before exec: protect the secret, then exec /bin/family exec2 TOKEN. */
async function exec1(libc: Libc): Promise<number> {
  const [, tok] = await protect_secret(libc, 'ebadf');
  if (tok < 0) return 2;
  await libc.execv('/bin/family', ['family', 'exec2', String(tok)]);
  return 3;
}

/** After exec: init again, then try the old token and the raw fd from a new context. */
async function exec2(libc: Libc, tok: number): Promise<number> {
  const init = await libc.fdcap_init(site);
  const B = await libc.fdcap_create();
  const entered = await site(libc, B);
  const fd = tok & FD_MASK;
  await say(libc, `exec2: init=${init} enter=${entered} old token reads=${(await reads_secret(libc, tok)) ? 1 : 0} raw fd reads=${(await reads_secret(libc, fd)) ? 1 : 0}`);
  return 0;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  switch (argv[1]) {
    case 'exec': return exec1(libc);
    case 'exec2': return exec2(libc, Number(argv[2]));
    case 'revoke': return revoke(libc);
    case 'brute': return brute(libc, argv[2] === 'kill' ? 'kill' : 'ebadf');
    case 'hold': return hold(libc);
    default: return 3;
  }
}
