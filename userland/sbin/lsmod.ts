/** lsmod(8): formats /proc/modules ("Module Size Used by"). */
import type { Libc } from '../../libc/index.ts';

export default async function main(libc: Libc): Promise<number> {
  const fd = (await libc.open('/proc/modules', libc.O_RDONLY)) as number;
  if (fd < 0) { await libc.fprintf(libc.stderr, 'lsmod: ERROR: could not open /proc/modules: %s\n', libc.strerror(libc.errno)); return 1; }
  const buf = new Uint8Array(65536);
  let text = '';
  for (;;) {
    const n = (await libc.read(fd, buf, buf.length)) as number;
    if (n <= 0) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  await libc.close(fd);
  let out = 'Module                  Size  Used by\n';
  for (const line of text.split('\n').filter(Boolean)) {
    const [name, size, refs, deps] = line.split(' ');
    const users = deps === '-' ? '' : ' ' + deps.replace(/,$/, '');
    out += `${name.padEnd(19)} ${size.padStart(8)}  ${refs}${users}\n`;
  }
  await libc.write(1, out);
  return 0;
}
