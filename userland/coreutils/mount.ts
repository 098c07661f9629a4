/** mount(8): without arguments lists /proc/mounts; mount [-t TYPE] [-o OPTS] SOURCE DIR; umount is umount(8). */
import type { Libc } from '../../libc/index.ts';
import { err, getopt, lines, out, read_all } from './common.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  const o = await getopt(libc, argv, 't:o:r');
  if (!o) return 1;
  if (!o.args.length) {
    const d = await read_all(libc, '/proc/mounts');
    if (!d) { await err(libc, `mount: /proc/mounts: ${libc.strerror(libc.errno)}`); return 32; }
    for (const l of lines(new TextDecoder().decode(d))) {
      const [src, dir, type, opts] = l.split(' ');
      await out(libc, `${src} on ${dir} type ${type} (${opts})\n`);
    }
    return 0;
  }
  const [src, dir] = o.args.length === 1 ? [o.values.get('t') ?? 'none', o.args[0]] : o.args;
  const type = o.values.get('t') ?? src;
  const flags = o.flags.has('r') || (o.values.get('o') ?? '').split(',').includes('ro') ? 1 : 0;
  if ((await libc.mount(src, dir, type, flags, 0)) < 0) {
    const e = libc.errno;
    await err(libc, `mount: ${dir}: ${e === libc.ENODEV ? `unknown filesystem type '${type}'` : e === libc.EPERM ? 'must be superuser to use mount' : libc.strerror(e)}.`);
    return 32;
  }
  return 0;
}
