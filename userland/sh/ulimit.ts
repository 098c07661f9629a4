/**
 * ulimit, as dash has it (src/miscbltin.c): `ulimit [-H|-S] [-a | -tfdscmlpnvwr] [value]`.
 * One resource (the last option given; -f when none), printed or set through prlimit64(2).
 * Setting changes both limits unless -H or -S narrows it; printing shows the soft limit unless
 * -H. Sizes are in dash's units (512-byte blocks for -f and -c, KiB for memory). Errors as dash
 * words them, status 2: "Illegal option -x", "bad number", "too many arguments",
 * "error setting limit (strerror)". https://man7.org/linux/man-pages/man1/dash.1.html
 */
import type { Libc } from '../../libc/index.ts';
import { type Builtin, ShellError } from './shell.ts';

/** dash's table for Linux: option letter, name shown by -a, RLIMIT_*, unit in bytes. */
const LIMITS: readonly (readonly [string, string, number, number])[] = [
  ['t', 'time(seconds)', 0, 1], ['f', 'file(blocks)', 1, 512], ['d', 'data(kbytes)', 2, 1024],
  ['s', 'stack(kbytes)', 3, 1024], ['c', 'coredump(blocks)', 4, 512], ['m', 'memory(kbytes)', 5, 1024],
  ['l', 'locked memory(kbytes)', 8, 1024], ['p', 'process', 6, 1], ['n', 'nofiles', 7, 1],
  ['v', 'vmemory(kbytes)', 9, 1024], ['w', 'locks', 10, 1], ['r', 'rtprio', 14, 1],
];
const SOFT = 1, HARD = 2;

/** The limit at rl + off in the resource's unit; 'unlimited' for RLIM_INFINITY. */
function shown(lc: Libc, rl: number, off: number, unit: number): string {
  if (lc.peek_u32(rl + off) === 0xffffffff && lc.peek_u32(rl + off + 4) === 0xffffffff) return 'unlimited';
  return String(Math.floor(lc.peek_u64(rl + off) / unit));
}

/** Parses the options; returns which limits, which resource (-1: all) and the operands left. */
function options(argv: string[]): { how: number; res: number; rest: string[] } {
  let how = 0, res = 1, i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--') { i++; break; }
    for (const ch of argv[i].slice(1)) {
      if (ch === 'H') how |= HARD;
      else if (ch === 'S') how |= SOFT;
      else if (ch === 'a') res = -1;
      else {
        const k = LIMITS.findIndex(([c]) => c === ch);
        if (k < 0) throw new ShellError(`ulimit: Illegal option -${ch}`, 2);
        if (res !== -1) res = k;
      }
    }
  }
  return { how, res, rest: argv.slice(i) };
}

/** `unlimited` or a decimal count of units, as bytes/limit units; RLIM_INFINITY is null. */
function parse_value(s: string, unit: number): number | null {
  if (s === 'unlimited') return null;
  if (!/^\d+$/.test(s) || Number(s) * unit > Number.MAX_SAFE_INTEGER) throw new ShellError('ulimit: bad number', 2);
  return Number(s) * unit;
}

async function print_all(sh: Parameters<Builtin>[0], how: number, rl: number): Promise<void> {
  const lc = sh.lc;
  let text = '';
  for (const [, name, r, unit] of LIMITS) {
    lc.prlimit(0, r, 0, rl);
    text += `${name.padEnd(20)} ${shown(lc, rl, how & SOFT ? 0 : 8, unit)}\n`;
  }
  await sh.write(1, text);
}

export const ulimit: Builtin = async (sh, argv) => {
  const lc = sh.lc, o = options(argv);
  if (o.rest.length > 1) throw new ShellError('ulimit: too many arguments', 2);
  const rl = lc.malloc(16);
  try {
    if (o.res === -1) { await print_all(sh, o.how || SOFT, rl); return 0; }
    const [, , r, unit] = LIMITS[o.res];
    if ((lc.prlimit(0, r, 0, rl) as number) < 0) throw new ShellError(`ulimit: error getting limit (${lc.strerror(lc.errno)})`, 2);
    if (o.rest.length === 0) {
      await sh.write(1, shown(lc, rl, (o.how || SOFT) & SOFT ? 0 : 8, unit) + '\n');
      return 0;
    }
    const v = parse_value(o.rest[0], unit), how = o.how || SOFT | HARD;
    for (const off of [how & SOFT ? 0 : -1, how & HARD ? 8 : -1]) {
      if (off < 0) continue;
      if (v === null) { lc.poke_u32(rl + off, 0xffffffff); lc.poke_u32(rl + off + 4, 0xffffffff); } else lc.poke_u64(rl + off, v);
    }
    if ((lc.prlimit(0, r, rl, 0) as number) < 0) throw new ShellError(`ulimit: error setting limit (${lc.strerror(lc.errno)})`, 2);
    return 0;
  } finally {
    lc.free(rl);
  }
};
