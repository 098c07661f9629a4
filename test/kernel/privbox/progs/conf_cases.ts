/**
 * A few conformance cases in the suite's own style (test/conformance/p.ts's helpers): files,
 * pipes, directories and errors. A module of its own, so the boxed program is multi-module.
 */
import type { Libc } from '../../../../libc/index.ts';
import type { P } from '../../../conformance/p.ts';

export interface BoxCase { name: string; run: (p: P, l: Libc) => Promise<void> }

export const cases: BoxCase[] = [
  {
    name: 'files',
    run: async (p, l) => {
      const fd = await p.r('open', l.open('f', l.O_CREAT | l.O_RDWR, 0o644));
      await p.r('write', l.write(fd, 'hello, box', 10));
      await p.r('lseek', l.lseek(fd, 0, l.SEEK_SET));
      await p.rd('read', l.read(fd, p.buf, 64));
      await p.s('fstat', l.fstat(fd, p.st));
      await p.r('close', l.close(fd));
      await p.r('enoent', l.open('missing', l.O_RDONLY));
      await p.r('ebadf', l.close(77));
    },
  },
  {
    name: 'pipes',
    run: async (p, l) => {
      const fds = l.malloc(8);
      await p.r('pipe', l.pipe(fds));
      const r = l.peek_i32(fds), w = l.peek_i32(fds + 4);
      await p.r('write', l.write(w, 'through the pipe', 16));
      await p.rd('read', l.read(r, p.buf, 100));
      await p.r('close_w', l.close(w));
      await p.rd('eof', l.read(r, p.buf, 100));
      l.free(fds);
    },
  },
  {
    name: 'dirs',
    run: async (p, l) => {
      await p.r('mkdir', l.mkdir('d', 0o755));
      await p.r('eexist', l.mkdir('d', 0o755));
      for (const n of ['b', 'a', 'c']) await p.r(`creat_${n}`, l.close(await l.open(`d/${n}`, l.O_CREAT | l.O_WRONLY, 0o600)));
      await p.ls('ls', 'd');
      await p.s('stat', l.stat('d', p.st));
      await p.r('enotempty', l.rmdir('d'));
      await p.r('unlink', l.unlink('d/a'));
      await p.ls('ls2', 'd');
    },
  },
];
