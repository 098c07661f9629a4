/**
 * `privos addr2line [-e TABLE] [-f] ADDR…`: the source line of each kcov PC, one per line, as
 * binutils' addr2line prints them from vmlinux (`??:0` for an address that is no block). The
 * table is the current sources' kcov build (built if needed), or the kcov.json given with -e.
 */
import type { CommandModule } from 'yargs';
import { kcov_table } from './build.ts';
import { format_pc, kcov_symbolize, parse_pc } from './symbolize.ts';

/** The lines addr2line prints for the addresses (with -a, each address first). */
export function addr2line(addrs: string[], table_file?: string, show_addr = false): string[] {
  const table = kcov_table(table_file), out: string[] = [];
  for (const a of addrs) {
    const pc = parse_pc(a);
    const pos = pc === pc ? kcov_symbolize(table, pc) : null;
    if (show_addr) out.push(pc === pc ? format_pc(pc) : a);
    out.push(pos ? `${pos.file}:${pos.line}` : '??:0');
  }
  return out;
}

/** `privos addr2line`, as a yargs command module. */
export const addr2line_command: CommandModule = {
  command: 'addr2line <addrs..>',
  describe: 'map kcov PCs (0xffffffff9…) to kernel source lines, like addr2line -e vmlinux',
  builder: (c) => c
    .positional('addrs', { type: 'string', array: true, demandOption: true })
    .option('e', { type: 'string', requiresArg: true, describe: "a kcov build's block table (kcov.json; default: the current sources' build)" })
    .option('a', { type: 'boolean', default: false, describe: 'print each address before its line' }),
  handler: (argv) => {
    const a = argv as unknown as { addrs: string[]; e?: string; a: boolean };
    let lines: string[];
    try {
      lines = addr2line(a.addrs.map(String), a.e, a.a);
    } catch (e) { // addr2line: 'FILE': No such file
      process.stderr.write(`privos addr2line: ${a.e ?? 'kcov.json'}: ${(e as Error).message.split('\n')[0]}\n`);
      process.exit(1);
    }
    process.stdout.write(lines.join('\n') + '\n');
  },
};
