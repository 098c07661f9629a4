import type { Libc } from '../../../libc/index.ts';
export default async function main(libc: Libc): Promise<number> {
  const fd = await libc.open('/mnt/out.txt', libc.O_CREAT | libc.O_WRONLY, 0o644);
  await libc.write(fd, 'written inside privos\n');
  return await libc.close(fd);
}
