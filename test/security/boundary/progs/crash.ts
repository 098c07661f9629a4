/** Ways a program can die of its own JavaScript: argv[1] picks one. */
import type { Libc } from '../../../../libc/index.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  await libc.write(1, 'started\n');
  switch (argv[1]) {
    case 'throw-odd':
      // A thrown object whose toString throws: still a crash of this process only.
      throw { toString() { throw new Error('nope'); }, get stack() { throw new Error('no stack'); } };
    case 'throw-proxy':
      throw new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
    case 'reject':
      // A rejection nobody handles, while main goes on sleeping.
      void Promise.reject(new TypeError('floating'));
      await libc.nanosleep(5e9);
      return 0;
    default:
      return 3;
  }
}
