/** printf(1): FORMAT with %d %i %u %o %x %X %c %s %b %e %f %g %%, escapes, reused while arguments remain. */
import type { Libc } from '../../libc/index.ts';
import { format } from '../../libc/index.ts';
import { err, out } from './common.ts';

const ESC: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

function unescape(s: string): string {
  return s.replace(/\\(0?[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (_m, e: string) => {
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESC[e] ?? '\\' + e;
  });
}

export default async function main(libc: Libc, argv: string[]): Promise<number> {
  if (argv.length < 2) { await err(libc, 'printf: usage: printf format [arguments]'); return 1; }
  const fmt = argv[1];
  const args = argv.slice(2);
  let status = 0, used = 0, text = '';
  const specs = /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcsb%])/g;
  do {
    const start = used;
    text += fmt.split(/(%[-+ 0#]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcsb%])/).map((piece) => {
      specs.lastIndex = 0;
      const m = specs.exec(piece);
      if (!m || m.index !== 0 || m[0].length !== piece.length) return unescape(piece);
      if (m[4] === '%') return '%';
      const a = args[used++] ?? '';
      if (m[4] === 'b') return unescape(a);
      if (m[4] === 's' || m[4] === 'c') return format(piece, [a]);
      let n = a.startsWith("'") || a.startsWith('"') ? a.charCodeAt(1) : Number(a || 0);
      if (Number.isNaN(n)) { status = 1; void err(libc, `printf: ${a}: invalid number`); n = 0; }
      return format(piece, [n]);
    }).join('');
    if (used === start) break;
  } while (used < args.length);
  await out(libc, text);
  return status;
}
