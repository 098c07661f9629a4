/**
 * modinfo(8): modinfo FILE|NAME — prints a module's .modinfo (filename, license, author,
 * description, parm) from the image file, without loading it. A bare NAME is looked up as
 * /lib/modules/NAME.ko.
 */
import type { Libc } from '../../libc/index.ts';
import { module_image_info, module_image_url, module_name_of } from '../../kernel/include/uapi/module_image.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await libc.fprintf(libc.stderr, 'Usage: modinfo [options] filename [args]\n'); return 1; }
  const arg = argv[1];
  const file = arg.includes('/') ? arg : `/lib/modules/${arg}.ko`;
  const fd = (await libc.open(file, libc.O_RDONLY)) as number;
  if (fd < 0) { await libc.fprintf(libc.stderr, 'modinfo: ERROR: Module %s not found.\n', arg); return 1; }
  const buf = new Uint8Array(65536);
  const n = (await libc.read(fd, buf, buf.length)) as number;
  await libc.close(fd);
  const text = new TextDecoder().decode(buf.subarray(0, Math.max(0, n)));
  const url = module_image_url(text);
  if (url === null) { await libc.fprintf(libc.stderr, 'modinfo: ERROR: could not get modinfo from \'%s\': Exec format error\n', arg); return 1; }
  const { info, parms } = module_image_info(text);
  let out = `filename:       ${file}\n`;
  for (const [key, value] of info) out += `${(key + ':').padEnd(16)}${value}\n`;
  out += `name:           ${module_name_of(url)}\n`;
  for (const p of parms) out += `parm:           ${p}\n`;
  await libc.write(1, out);
  return 0;
}
