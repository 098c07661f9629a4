/**
 * modinfo(8): modinfo FILE|NAME — prints a module's .modinfo (filename, license, author,
 * description, parm) without loading it. A bare NAME is looked up as /lib/modules/NAME.ko.
 */
import type { Libc } from '../../libc/index.ts';
import { image_url } from '../../kernel/modules/module_syscalls.ts';
import { module_name_of } from '../../kernel/modules/main.ts';
import { type KernelParam, type ModInfo, section_of } from '../../kernel/modules/module.ts';

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await libc.fprintf(libc.stderr, 'Usage: modinfo [options] filename [args]\n'); return 1; }
  const arg = argv[1];
  const file = arg.includes('/') ? arg : `/lib/modules/${arg}.ko`;
  const fd = (await libc.open(file, libc.O_RDONLY)) as number;
  if (fd < 0) { await libc.fprintf(libc.stderr, 'modinfo: ERROR: Module %s not found.\n', arg); return 1; }
  const buf = new Uint8Array(4096);
  const n = (await libc.read(fd, buf, buf.length)) as number;
  await libc.close(fd);
  const url = image_url(new TextDecoder().decode(buf.subarray(0, Math.max(0, n))));
  if (typeof url === 'number') { await libc.fprintf(libc.stderr, 'modinfo: ERROR: could not get modinfo from \'%s\': Exec format error\n', arg); return 1; }
  // Reading the image's .modinfo: the module's tagged records, without running its init.
  const ns = (await import(url)) as Record<string, unknown>;
  let out = `filename:       ${file}\n`;
  const params: KernelParam[] = [];
  for (const v of Object.values(ns)) {
    const s = section_of(v);
    if (s === 'modinfo') { const m = v as ModInfo; out += `${(m.key + ':').padEnd(16)}${m.value}\n`; }
    if (s === 'param') params.push(v as KernelParam);
  }
  out += `name:           ${module_name_of(url)}\n`;
  for (const p of params) out += `parm:           ${p.name}:${p.desc} (${p.type})\n`;
  await libc.write(1, out);
  return 0;
}
