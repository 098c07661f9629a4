/** Uses fdcap from inside a box (run with `privos run --privbox --fdcap --soft-pac`). */
import type { Libc } from '../../../../libc/index.ts';

async function site(libc: Libc, ctx: number): Promise<number> { return (await libc.fdcap_enter(ctx, site)) as number; }

export default async function main(libc: Libc): Promise<number> {
  if ((await libc.fdcap_init(site)) !== 0) return 10;
  const ctx = (await libc.fdcap_create()) as number;
  if ((await site(libc, ctx)) !== 0) return 11;
  const tok = (await libc.open('/etc/hostname', libc.O_RDONLY)) as number;
  const raw = tok & 0xffffff;
  const buf = new Uint8Array(16);
  const a = (await libc.read(tok, buf, 16)) as number;
  const b = (await libc.read(raw, buf, 16)) as number;
  await libc.printf('token=%d read_token=%d read_raw=%d errno=%d\n', tok !== raw ? 1 : 0, a, b, libc.errno);
  return 0;
}
