/**
 * Lua 5.1 patterns (lstrlib.c's matcher): character classes %a %c %d %l %p %s %u %w %x (and
 * their complements), sets [...] with ranges and ^, the quantifiers * + - ?, anchors, captures
 * (including position captures ()), %b and %f, back-references %1–%9.
 * https://www.lua.org/manual/5.1/manual.html#5.4.1
 */
import { rt_error } from './lvm.ts';

const MAXCAPTURES = 32;
const CAP_UNFINISHED = -1, CAP_POSITION = -2;

export interface MatchState { src: string; pat: string; level: number; capture: { init: number; len: number }[]; depth: number }

function class_end(ms: MatchState, p: number): number {
  const pat = ms.pat;
  if (pat[p++] === '%') {
    if (p >= pat.length) rt_error('malformed pattern (ends with \'%\')');
    return p + 1;
  }
  if (pat[p - 1] === '[') {
    if (pat[p] === '^') p++;
    do {
      if (p >= pat.length) rt_error("malformed pattern (missing ']')");
      if (pat[p++] === '%' && p < pat.length) p++;
    } while (pat[p] !== ']');
    return p + 1;
  }
  return p;
}

function single_class(c: number, cl: string): boolean {
  let res: boolean;
  switch (cl.toLowerCase()) {
    case 'a': res = (c >= 65 && c <= 90) || (c >= 97 && c <= 122); break;
    case 'c': res = c < 32 || c === 127; break;
    case 'd': res = c >= 48 && c <= 57; break;
    case 'l': res = c >= 97 && c <= 122; break;
    case 'p': res = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126); break;
    case 's': res = c === 32 || (c >= 9 && c <= 13); break;
    case 'u': res = c >= 65 && c <= 90; break;
    case 'w': res = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); break;
    case 'x': res = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102); break;
    case 'z': res = c === 0; break;
    default: return cl.charCodeAt(0) === c;
  }
  return cl >= 'A' && cl <= 'Z' ? !res : res;
}

function match_set(ms: MatchState, c: number, p: number, ec: number): boolean {
  const pat = ms.pat;
  let sig = true;
  if (pat[p + 1] === '^') { sig = false; p++; }
  while (++p < ec) {
    if (pat[p] === '%') { p++; if (single_class(c, pat[p])) return sig; }
    else if (pat[p + 1] === '-' && p + 2 < ec) {
      p += 2;
      if (pat.charCodeAt(p - 2) <= c && c <= pat.charCodeAt(p)) return sig;
    } else if (pat.charCodeAt(p) === c) return sig;
  }
  return !sig;
}

function single_match(ms: MatchState, s: number, p: number, ep: number): boolean {
  if (s >= ms.src.length) return false;
  const c = ms.src.charCodeAt(s);
  switch (ms.pat[p]) {
    case '.': return true;
    case '%': return single_class(c, ms.pat[p + 1]);
    case '[': return match_set(ms, c, p, ep - 1);
    default: return ms.pat.charCodeAt(p) === c;
  }
}

function match_balance(ms: MatchState, s: number, p: number): number {
  if (p + 1 >= ms.pat.length) rt_error('unbalanced pattern');
  const b = ms.pat[p], e = ms.pat[p + 1];
  if (ms.src[s] !== b) return -1;
  let cont = 1;
  for (let i = s + 1; i < ms.src.length; i++) {
    const ch = ms.src[i];
    if (ch === e) { if (--cont === 0) return i + 1; } else if (ch === b) cont++;
  }
  return -1;
}

function max_expand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (single_match(ms, s + i, p, ep)) i++;
  while (i >= 0) { const r = do_match(ms, s + i, ep + 1); if (r !== -1) return r; i--; }
  return -1;
}

function min_expand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    const r = do_match(ms, s, ep + 1);
    if (r !== -1) return r;
    if (single_match(ms, s, p, ep)) s++; else return -1;
  }
}

function start_capture(ms: MatchState, s: number, p: number, what: number): number {
  if (ms.level >= MAXCAPTURES) rt_error('too many captures');
  ms.capture[ms.level] = { init: s, len: what };
  ms.level++;
  const r = do_match(ms, s, p);
  if (r === -1) ms.level--;
  return r;
}

function end_capture(ms: MatchState, s: number, p: number): number {
  let l = -1;
  for (let i = ms.level - 1; i >= 0; i--) if (ms.capture[i].len === CAP_UNFINISHED) { l = i; break; }
  if (l < 0) rt_error('invalid pattern capture');
  ms.capture[l].len = s - ms.capture[l].init;
  const r = do_match(ms, s, p);
  if (r === -1) ms.capture[l].len = CAP_UNFINISHED;
  return r;
}

function match_capture(ms: MatchState, s: number, l: string): number {
  const i = l.charCodeAt(0) - 49;
  if (i < 0 || i >= ms.level || ms.capture[i].len === CAP_UNFINISHED) rt_error('invalid capture index');
  const cap = ms.src.substr(ms.capture[i].init, ms.capture[i].len);
  return ms.src.startsWith(cap, s) ? s + cap.length : -1;
}

/** do_match: the end of the match of pattern[p..] at src[s..], or -1. */
export function do_match(ms: MatchState, s: number, p: number): number {
  if (++ms.depth > 200) rt_error('pattern too complex');
  try {
    const pat = ms.pat;
    for (;;) {
      if (p >= pat.length) return s;
      const c = pat[p];
      if (c === '(') return pat[p + 1] === ')' ? start_capture(ms, s, p + 2, CAP_POSITION) : start_capture(ms, s, p + 1, CAP_UNFINISHED);
      if (c === ')') return end_capture(ms, s, p + 1);
      if (c === '$' && p + 1 === pat.length) return s === ms.src.length ? s : -1;
      if (c === '%' && pat[p + 1] === 'b') { s = match_balance(ms, s, p + 2); if (s === -1) return -1; p += 4; continue; }
      if (c === '%' && pat[p + 1] === 'f') {
        p += 2;
        if (pat[p] !== '[') rt_error("missing '[' after '%f' in pattern");
        const ep = class_end(ms, p);
        const prev = s === 0 ? 0 : ms.src.charCodeAt(s - 1), cur = s < ms.src.length ? ms.src.charCodeAt(s) : 0;
        if (!match_set(ms, prev, p, ep - 1) && match_set(ms, cur, p, ep - 1)) { p = ep; continue; }
        return -1;
      }
      if (c === '%' && pat[p + 1] >= '0' && pat[p + 1] <= '9') { s = match_capture(ms, s, pat[p + 1]); if (s === -1) return -1; p += 2; continue; }
      const ep = class_end(ms, p), m = single_match(ms, s, p, ep);
      switch (pat[ep]) {
        case '?': { if (m) { const r = do_match(ms, s + 1, ep + 1); if (r !== -1) return r; } p = ep + 1; continue; }
        case '*': return max_expand(ms, s, p, ep);
        case '+': return m ? max_expand(ms, s + 1, p, ep) : -1;
        case '-': return min_expand(ms, s, p, ep);
        default: if (!m) return -1; s++; p = ep; continue;
      }
    }
  } finally { ms.depth--; }
}

/** The value of capture i (the whole match when there are none). */
export function get_capture(ms: MatchState, i: number, s: number, e: number): string | number {
  if (i >= ms.level) {
    if (i === 0) return ms.src.slice(s, e);
    rt_error('invalid capture index');
  }
  const cap = ms.capture[i];
  if (cap.len === CAP_UNFINISHED) rt_error('unfinished capture');
  if (cap.len === CAP_POSITION) return cap.init + 1;
  return ms.src.substr(cap.init, cap.len);
}

export function captures(ms: MatchState, s: number, e: number, whole: boolean): (string | number)[] {
  const n = ms.level === 0 && whole ? 1 : ms.level;
  const out: (string | number)[] = [];
  for (let i = 0; i < n; i++) out.push(get_capture(ms, i, s, e));
  return out;
}

export function new_state(src: string, pat: string): MatchState { return { src, pat, level: 0, capture: [], depth: 0 }; }
