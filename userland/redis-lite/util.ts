/**
 * util.c: Redis's strict number parsing and formatting, and its glob matcher. Keys and values
 * are latin1 JS strings (one char per byte), so every byte sequence is a valid string.
 */
import type { Libc } from '../../libc/index.ts';

const LLONG_MAX = 9223372036854775807n, LLONG_MIN = -9223372036854775808n;

/**
 * string2ll: a signed 64-bit integer written exactly as Redis prints one (no sign '+', no
 * leading zeros, no spaces). Small values come back as numbers; beyond 2^53 as bigints.
 */
export function string2ll(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) { i = 1; if (n === 1) return null; }
  const c0 = s.charCodeAt(i);
  if (c0 === 48) return n === 1 ? 0 : null;
  if (c0 < 49 || c0 > 57) return null;
  for (let j = i + 1; j < n; j++) { const c = s.charCodeAt(j); if (c < 48 || c > 57) return null; }
  if (n - i <= 15) return Number(s);
  const b = BigInt(s);
  if (b > LLONG_MAX || b < LLONG_MIN) return null;
  return Number.isSafeInteger(Number(b)) ? Number(b) : b;
}

/** A 64-bit result back to number form when it is exact, else the bigint. */
export function norm(b: bigint): number | bigint {
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

export function in_ll_range(b: bigint): boolean { return b <= LLONG_MAX && b >= LLONG_MIN; }

/** string2ld/strtod as Redis uses them for scores and float increments: no spaces, no NaN. */
export function string2d(s: string, allow_inf = true): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0), cl = s.charCodeAt(s.length - 1);
  if (c0 <= 32 || cl <= 32) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return allow_inf ? Infinity : null;
  if (lower === '-inf' || lower === '-infinity') return allow_inf ? -Infinity : null;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return null;
  const v = /^[+-]?0[xX]/.test(s) ? (s[0] === '-' ? -1 : 1) * parseInt(s.replace(/^[+-]?0[xX]/, ''), 16) : Number(s);
  if (Number.isNaN(v)) return null;
  return v;
}

/** printf's %f (six decimals; inf, -inf and nan as C prints them). */
export function printf_f(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(6);
}

/**
 * strtod(3) that must consume the whole string (zslParseRange): leading blanks, a sign,
 * decimal or hexadecimal (with a p exponent) digits, inf/infinity and nan in any case; an
 * empty string converts nothing and reads as 0, as strtod leaves end == start there. null when
 * characters are left over.
 */
export function strtod_all(s: string): number | null {
  if (s === '') return 0;
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:(inf(?:inity)?)|(nan(?:\([0-9a-z_]*\))?)|0x((?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+))(?:p([+-]?\d+))?|((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))$/i.exec(s);
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2]) return sign * Infinity;
  if (m[3]) return NaN;
  if (m[6] !== undefined) return sign * Number(m[6]);
  const [int, frac = ''] = m[4].split('.');
  const mant = parseInt(int || '0', 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0);
  return sign * mant * 2 ** Number(m[5] ?? 0);
}

/** %.17g, as Redis 7.0 prints doubles (ZSCORE and friends). */
export function d2string(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e17) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -4 || e >= 17) {
    const [m, x] = v.toExponential(16).split('e');
    const ex = Number(x);
    return `${trim0(m)}e${ex < 0 ? '-' : '+'}${String(Math.abs(ex)).padStart(2, '0')}`;
  }
  return trim0(v.toPrecision(17));
}

function trim0(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** stringmatchlen: Redis's glob (*, ?, [...] with ^ and ranges, backslash escapes). */
export function stringmatch(p: string, s: string, nocase = false): boolean {
  skip_longer = false;
  return match_at(p, 0, s, 0, nocase, 0);
}

/**
 * Set when a '*' tried every remaining suffix and failed: an outer '*' trying a longer
 * prefix cannot succeed either, so it gives up (keeps nested stars from going exponential).
 */
let skip_longer = false;

function match_at(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false;
  const eq = (a: string, b: string): boolean => (nocase ? a.toLowerCase() === b.toLowerCase() : a === b);
  while (pi < p.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k < s.length; k++) {
        if (match_at(p, pi + 1, s, k, nocase, depth + 1)) return true;
        if (skip_longer) return false;
      }
      skip_longer = true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') { pi++; si++; continue; }
    if (c === '[') {
      const r = match_class(p, pi + 1, s[si], nocase);
      if (!r.ok) return false;
      pi = r.end; si++; continue;
    }
    let lit = c;
    if (c === '\\' && pi + 1 < p.length) lit = p[++pi];
    if (!eq(lit, s[si])) return false;
    pi++; si++;
  }
  return si === s.length;
}

function match_class(p: string, pi: number, ch: string, nocase: boolean): { ok: boolean; end: number } {
  const not = p[pi] === '^';
  if (not) pi++;
  let hit = false;
  const cc = nocase ? ch.toLowerCase() : ch;
  for (;;) {
    if (pi >= p.length) { pi--; break; }
    if (p[pi] === '\\' && pi + 2 <= p.length) { pi++; if (p[pi] === ch) hit = true; }
    else if (p[pi] === ']') break;
    else if (p[pi + 1] === '-' && pi + 2 < p.length) {
      let a = p[pi], b = p[pi + 2];
      if (a > b) [a, b] = [b, a];
      if (nocase) { a = a.toLowerCase(); b = b.toLowerCase(); }
      if (cc >= a && cc <= b) hit = true;
      pi += 2;
    } else if ((nocase ? p[pi].toLowerCase() : p[pi]) === cc) hit = true;
    pi++;
  }
  return { ok: not ? !hit : hit, end: pi + 1 };
}

/**
 * sdssplitargs: the inline command line split into arguments, with "…" (C escapes, \xHH) and
 * '…' quoting. null on unbalanced quotes (or a closing quote not followed by a space).
 */
export function splitargs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isspace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '', inq = false, insq = false, done = false;
    while (!done) {
      const c = line[i];
      if (inq) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === 'x' && ishex(line[i + 2]) && ishex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16)); i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isspace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else cur += c;
      } else if (insq) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === "'") { i++; cur += "'"; }
        else if (c === "'") {
          if (i + 1 < n && !isspace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else cur += c;
      } else if (i >= n || isspace(line.charCodeAt(i))) done = true;
      else if (c === '"') inq = true;
      else if (c === "'") insq = true;
      else cur += c;
      if (i < n) i++;
    }
    out.push(cur);
  }
}

function isspace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13); }
function ishex(c: string | undefined): boolean { return c !== undefined && /[0-9a-fA-F]/.test(c); }

/** A Redis-style random integer in [0, n). */
export function rand_below(n: number): number { return Math.floor(Math.random() * n); }

/** getRandomHexChars: `chars` random hex digits from getrandom(2). */
export function random_hex(libc: Libc, chars: number): string {
  const b = new Uint8Array(Math.ceil(chars / 2));
  libc.getrandom(b, b.length);
  let h = '';
  for (const x of b) h += x.toString(16).padStart(2, '0');
  return h.slice(0, chars);
}
