/**
 * The fdcap attack program: `attack NAME` plays one attack against a secret file opened inside
 * a protected context, and exits 0 when the attacker read the secret, 1 when it was stopped.
 * Without the module (no /dev/fdcap), every fdcap_* call fails and tokens are plain fds.
 */
import type { Libc } from '../../../../libc/index.ts';

const SECRET = 'TOPSECRET';
const FD_MASK = (1 << 24) - 1;

async function trusted_enter(libc: Libc, ctx: number): Promise<number> { return libc.fdcap_enter(ctx, trusted_enter) as number; }
async function attacker_enter(libc: Libc, ctx: number): Promise<number> { return libc.fdcap_enter(ctx, attacker_enter) as number; }

async function try_read(libc: Libc, v: number): Promise<boolean> {
  const buf = new Uint8Array(32);
  await libc.lseek(v, 0, libc.SEEK_SET);
  const n = (await libc.read(v, buf, 32)) as number;
  return n > 0 && new TextDecoder().decode(buf.subarray(0, n)) === SECRET;
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const name = argv[1];
  const policy = argv[2] === 'kill' ? 'kill' : 'ebadf';
  const w = (await libc.open('/tmp/secret', libc.O_CREAT | libc.O_WRONLY | libc.O_TRUNC, 0o600)) as number;
  await libc.write(w, SECRET);
  await libc.close(w);
  const on = (await libc.fdcap_init(trusted_enter, policy)) === 0;
  const A = on ? (await libc.fdcap_create()) as number : 0;
  const B = on ? (await libc.fdcap_create()) as number : 0;
  await trusted_enter(libc, A);
  const tok = (await libc.open('/tmp/secret', libc.O_RDONLY)) as number;
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
