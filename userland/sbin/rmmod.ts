/** rmmod(8): rmmod MODULENAME — delete_module(2) with O_NONBLOCK, kmod's messages. */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await libc.fprintf(libc.stderr, 'Usage: rmmod [options] modulename ...\n'); return 1; }
  let status = 0;
  for (const arg of argv.slice(1)) {
    const name = arg.split('/').pop()!.replace(/\.ko$/, '').replace(/-/g, '_');
    const r = (await libc.with_scratch(() => libc.syscall(libc.SYS.delete_module, libc.str(name), libc.O_NONBLOCK))) as number;
    if (r === 0) continue;
    status = 1;
    const e = libc.errno;
    if (e === libc.ENOENT) await libc.fprintf(libc.stderr, 'rmmod: ERROR: Module %s is not currently loaded\n', name);
    else if (e === libc.EAGAIN || e === libc.EBUSY) await libc.fprintf(libc.stderr, 'rmmod: ERROR: Module %s is in use\n', name);
    else await libc.fprintf(libc.stderr, 'rmmod: ERROR: could not remove module %s: %s\n', name, libc.strerror(e));
  }
  return status;
}
