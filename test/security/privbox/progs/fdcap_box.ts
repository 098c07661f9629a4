/** Uses fdcap from inside a box (run with `privos run --privbox --fdcap --soft-pac`). */
import type { Libc } from '../../../../libc/index.ts';

async function site(libc: Libc, ctx: number): Promise<number> { return await libc.fdcap_enter(ctx, site); }

export default async function main(libc: Libc): Promise<number> {
  if ((await libc.fdcap_init(site)) !== 0) return 10;
  const ctx = await libc.fdcap_create();
  if ((await site(libc, ctx)) !== 0) return 11;
  const tok = await libc.open('/etc/hostname', libc.O_RDONLY);
  // The token with one PAC bit flipped: never the right code (a raw fd number would equal the
  // token in the 1/128 cases where the 7 PAC bits happen to be zero).
  const forged = tok ^ (1 << 24);
  const buf = new Uint8Array(16);
  const a = await libc.read(tok, buf, 16);
  const b = await libc.read(forged, buf, 16);
  await libc.printf('token=%d read_token=%d read_forged=%d errno=%d\n', tok >= 0 ? 1 : 0, a, b, libc.errno);
  return 0;
}
