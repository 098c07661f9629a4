/**
 * Word expansion (POSIX XCU 2.6): tilde, parameters (${…} with -, =, +, ?, #, %, and their
 * colon forms), command substitution $(…) and `…`, arithmetic $((…)), field splitting on IFS,
 * pathname expansion (* ? [...]), and quote removal.
 */

/** What expansion needs from the shell. */
export interface ExpandCtx {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  positional(): string[];
  /** $?, $$, $!, $#, $-, $0 */
  special(c: string): string;
  cmdsubst(src: string): Promise<string>;
  listdir(dir: string): Promise<string[] | null>;
  /** Reports ${x?msg} and arithmetic errors (the shell prints and fails the command). */
  error(msg: string): never;
}

/** One character of an expanded word: quoted (no globbing), or from an unquoted expansion (split). */
interface Ch { c: string; quoted: boolean; split: boolean }
/** A break between fields that "$@" forces. */
const BREAK: Ch = { c: '', quoted: true, split: false };

class Out {
  chars: Ch[] = [];
  /** Did the word contain quotes (so an empty result is still a field)? */
  had_quotes = false;
  push(s: string, quoted: boolean, split: boolean): void { for (const c of s) this.chars.push({ c, quoted, split }); }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Finds the end of a ${...}, $(...) or quoted construct starting at i (as the lexer does). */
function match_close(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') { j++; continue; }
    if (c === "'" && open !== '{') { const k = s.indexOf("'", j + 1); j = k < 0 ? s.length : k; continue; }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j;
  }
  return s.length;
}

/** A shell pattern as a regular expression; `quoted[i]` marks characters that match literally. */
export function pattern_regex(p: string, quoted: boolean[] = [], anchor = true): RegExp {
  let r = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (quoted[i]) { r += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); continue; }
    if (c === '*') r += '.*';
    else if (c === '?') r += '.';
    else if (c === '[') {
      const j = p.indexOf(']', i + 2);
      if (j < 0) { r += '\\['; continue; }
      let set = p.slice(i + 1, j);
      if (set[0] === '!') set = '^' + set.slice(1);
      r += '[' + set.replace(/\\/g, '\\\\') + ']';
      i = j;
    } else if (c === '\\' && i + 1 < p.length) { r += p[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }
    else r += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(anchor ? `^${r}$` : r, 's');
}

/** Strips the shortest or longest prefix/suffix matching a pattern (${x#p} ${x##p} ${x%p} ${x%%p}). */
function trim(v: string, pat: string, op: string): string {
  const re = pattern_regex(pat);
  if (op === '#' || op === '##') {
    const order = op === '#' ? [...Array(v.length + 1).keys()] : [...Array(v.length + 1).keys()].reverse();
    for (const n of order) if (re.test(v.slice(0, n))) return v.slice(n);
  } else {
    const order = op === '%' ? [...Array(v.length + 1).keys()].reverse() : [...Array(v.length + 1).keys()];
    for (const n of order) if (re.test(v.slice(n))) return v.slice(0, n);
  }
  return v;
}

export class Expander {
  constructor(readonly ctx: ExpandCtx) {}

  private param_value(name: string): string | undefined {
    if (/^\d+$/.test(name)) { const n = Number(name); return n === 0 ? this.ctx.special('0') : this.ctx.positional()[n - 1]; }
    if (name === '@' || name === '*') return this.ctx.positional().join(' ');
    if (name.length === 1 && '?$!#-'.includes(name)) return this.ctx.special(name);
    return this.ctx.get(name);
  }

  /** ${...}: the operators and their word. */
  private async braced(body: string, out: Out, quoted: boolean): Promise<void> {
    if (body[0] === '#' && body.length > 1) { out.push(String((this.param_value(body.slice(1)) ?? '').length), quoted, !quoted); return; }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|\d+|[@*#?$!-])(:?[-=+?]|##?|%%?)?([\s\S]*)$/.exec(body);
    if (!m) this.ctx.error(`\${${body}}: Bad substitution`);
    const [, name, op, rest] = m;
    if ((name === '@' || name === '*') && !op && quoted && name === '@') { this.at(out); return; }
    const v = this.param_value(name);
    const word = async (): Promise<string> => (await this.expand_fields(rest, { split: false, glob: false }))[0] ?? '';
    if (!op) { out.push(v ?? '', quoted, !quoted); return; }
    const unset = op.startsWith(':') ? !v : v === undefined;
    const kind = op.replace(':', '');
    if (kind === '-') out.push(unset ? await word() : v!, quoted, !quoted);
    else if (kind === '=') { let x = v!; if (unset) { x = await word(); this.ctx.set(name, x); } out.push(x, quoted, !quoted); }
    else if (kind === '+') out.push(unset ? '' : await word(), quoted, !quoted);
    else if (kind === '?') { if (unset) this.ctx.error(`${name}: ${rest ? await word() : 'parameter not set'}`); out.push(v!, quoted, !quoted); }
    else out.push(trim(v ?? '', rest, op), quoted, !quoted);
  }

  /** "$@": one field per positional parameter. */
  private at(out: Out): void {
    const ps = this.ctx.positional();
    out.had_quotes = ps.length > 0 || out.had_quotes;
    ps.forEach((p, i) => { if (i) out.chars.push(BREAK); out.push(p, true, false); });
  }

  /** $... at s[i]; returns the index after it. */
  private async dollar(s: string, i: number, out: Out, quoted: boolean): Promise<number> {
    const n = s[i + 1];
    if (n === '(' && s[i + 2] === '(') {
      const end = match_close(s, i + 1, '(', ')');
      const expr = (await this.expand_fields(s.slice(i + 3, end - 1), { split: false, glob: false, dquote: true }))[0] ?? '';
      out.push(String(arith(expr, this.ctx)), quoted, !quoted);
      return end + 1;
    }
    if (n === '(') {
      const end = match_close(s, i + 1, '(', ')');
      out.push(await this.ctx.cmdsubst(s.slice(i + 2, end)), quoted, !quoted);
      return end + 1;
    }
    if (n === '{') {
      const end = match_close(s, i + 1, '{', '}');
      await this.braced(s.slice(i + 2, end), out, quoted);
      return end + 1;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (m) { out.push(this.ctx.get(m[0]) ?? '', quoted, !quoted); return i + 1 + m[0].length; }
    if (n !== undefined && /[0-9?$!#@*-]/.test(n)) {
      if (n === '@' && quoted) this.at(out);
      else out.push(this.param_value(n) ?? '', quoted, !quoted);
      return i + 2;
    }
    out.push('$', quoted, false);
    return i + 1;
  }

  /** Expands one raw word into characters (before splitting); dquote treats the word as inside "…". */
  private async chars(s: string, dquote: boolean, tilde: boolean): Promise<Out> {
    const out = new Out();
    let i = 0;
    if (tilde && s[0] === '~') {
      const m = /^~([A-Za-z0-9_.-]*)(?=\/|$)/.exec(s);
      if (m && m[1] === '') { out.push(this.ctx.get('HOME') ?? '~', true, false); i = 1; }
    }
    const inner = async (j: number, q: boolean): Promise<number> => {
      const c = s[j];
      if (c === '$') return this.dollar(s, j, out, q);
      if (c === '`') {
        let k = j + 1, src = '';
        for (; k < s.length && s[k] !== '`'; k++) { if (s[k] === '\\' && '$`\\'.includes(s[k + 1])) k++; src += s[k]; }
        out.push(await this.ctx.cmdsubst(src), q, !q);
        return k + 1;
      }
      return -1;
    };
    while (i < s.length) {
      const c = s[i];
      if (dquote) {
        if (c === '\\' && i + 1 < s.length && '$`"\\\n'.includes(s[i + 1])) { if (s[i + 1] !== '\n') out.push(s[i + 1], true, false); i += 2; continue; }
        const r = await inner(i, true);
        if (r >= 0) { i = r; continue; }
        out.push(c, true, false); i++; continue;
      }
      if (c === "'") { const j = s.indexOf("'", i + 1); out.push(s.slice(i + 1, j), true, false); out.had_quotes = true; i = j + 1; continue; }
      if (c === '\\') { if (s[i + 1] !== '\n') out.push(s[i + 1] ?? '', true, false); i += 2; continue; }
      if (c === '"') {
        out.had_quotes = true;
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && '$`"\\\n'.includes(s[i + 1])) { if (s[i + 1] !== '\n') out.push(s[i + 1], true, false); i += 2; continue; }
          const r = await inner(i, true);
          if (r >= 0) { i = r; continue; }
          out.push(s[i], true, false); i++;
        }
        i++;
        continue;
      }
      const r = await inner(i, false);
      if (r >= 0) { i = r; continue; }
      out.push(c, false, false); i++;
    }
    return out;
  }

  /** Splits on IFS (whitespace runs collapse; other IFS characters each end a field) and at "$@" breaks. */
  private split(out: Out, split: boolean): Ch[][] {
    const ifs = this.ctx.get('IFS') ?? ' \t\n';
    const fields: Ch[][] = [];
    let cur: Ch[] = [], started = false;
    const end = (): void => { fields.push(cur); cur = []; started = false; };
    for (const ch of out.chars) {
      if (ch === BREAK) { end(); continue; }
      if (split && ch.split && ifs.includes(ch.c)) {
        if (/\s/.test(ch.c)) { if (started) end(); }
        else end();
        continue;
      }
      cur.push(ch); started = true;
    }
    if (started || cur.length || (fields.length === 0 && out.had_quotes)) fields.push(cur);
    return fields;
  }

  /** Pathname expansion of one field; the field itself when nothing matches. */
  private async glob(f: Ch[]): Promise<string[]> {
    const word = f.map((c) => c.c).join('');
    if (!f.some((c) => !c.quoted && '*?['.includes(c.c))) return [word];
    const parts: { s: string; q: boolean[] }[] = [{ s: '', q: [] }];
    for (const c of f) {
      if (c.c === '/' ) { parts.push({ s: '', q: [] }); continue; }
      const p = parts[parts.length - 1]; p.s += c.c; p.q.push(c.quoted);
    }
    let bases = [word.startsWith('/') ? '/' : ''];
    const comps = word.startsWith('/') ? parts.slice(1) : parts;
    for (const [idx, comp] of comps.entries()) {
      const last = idx === comps.length - 1;
      const magic = comp.q.some((q, i) => !q && '*?['.includes(comp.s[i]));
      const next: string[] = [];
      for (const b of bases) {
        if (!magic) { next.push(b + comp.s + (last ? '' : '/')); continue; }
        const names = await this.ctx.listdir(b || '.');
        if (!names) continue;
        const re = pattern_regex(comp.s, comp.q);
        for (const n of names.sort()) {
          if (n === '.' || n === '..') { if (comp.s.startsWith('.') && re.test(n)) next.push(b + n + (last ? '' : '/')); continue; }
          if (n.startsWith('.') && !comp.s.startsWith('.')) continue;
          if (re.test(n)) next.push(b + n + (last ? '' : '/'));
        }
      }
      bases = next;
    }
    return bases.length ? bases : [word];
  }

  /** Full expansion of a word into fields. */
  async expand_fields(word: string, o: { split?: boolean; glob?: boolean; dquote?: boolean } = {}): Promise<string[]> {
    const out = await this.chars(word, o.dquote ?? false, !o.dquote);
    const fields = this.split(out, o.split ?? true);
    if (o.glob === false) return fields.map((f) => f.map((c) => c.c).join(''));
    const res: string[] = [];
    for (const f of fields) res.push(...(await this.glob(f)));
    return res;
  }

  /** A word that yields one string (assignments, redirection targets, case words). */
  async expand_one(word: string): Promise<string> {
    return (await this.expand_fields(word, { split: false, glob: false })).join(' ');
  }

  /** A case pattern: expanded without splitting, quoted characters matching literally. */
  async expand_pattern(word: string): Promise<RegExp> {
    const out = await this.chars(word, false, true);
    return pattern_regex(out.chars.map((c) => c.c).join(''), out.chars.map((c) => c.quoted));
  }

  /** A here-document body: parameters, command substitution and arithmetic, as inside "…". */
  async expand_heredoc(body: string): Promise<string> {
    return (await this.expand_fields(body, { split: false, glob: false, dquote: true })).join('');
  }
}

/** $((…)): integer arithmetic with C's operators and precedence (the common subset). */
export function arith(src: string, ctx: ExpandCtx): number {
  const toks = src.match(/\d+|[A-Za-z_]\w*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~&|^?:]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const bin: Record<string, [number, (a: number, b: number) => number]> = {
    '||': [1, (a, b) => +(a !== 0 || b !== 0)], '&&': [2, (a, b) => +(a !== 0 && b !== 0)],
    '|': [3, (a, b) => a | b], '^': [4, (a, b) => a ^ b], '&': [5, (a, b) => a & b],
    '==': [6, (a, b) => +(a === b)], '!=': [6, (a, b) => +(a !== b)],
    '<': [7, (a, b) => +(a < b)], '>': [7, (a, b) => +(a > b)], '<=': [7, (a, b) => +(a <= b)], '>=': [7, (a, b) => +(a >= b)],
    '<<': [8, (a, b) => a << b], '>>': [8, (a, b) => a >> b],
    '+': [9, (a, b) => a + b], '-': [9, (a, b) => a - b],
    '*': [10, (a, b) => a * b],
    '/': [10, (a, b) => { if (b === 0) ctx.error('arithmetic expression: division by zero'); return Math.trunc(a / b); }],
    '%': [10, (a, b) => { if (b === 0) ctx.error('arithmetic expression: division by zero'); return a % b; }],
  };
  const unary = (): number => {
    const t = toks[i++];
    if (t === undefined) ctx.error(`arithmetic expression: expecting primary: "${src}"`);
    if (t === '-') return -unary();
    if (t === '+') return unary();
    if (t === '!') return +(unary() === 0);
    if (t === '~') return ~unary();
    if (t === '(') { const v = expr(0); if (toks[i++] !== ')') ctx.error(`arithmetic expression: expecting ')': "${src}"`); return v; }
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return Number(ctx.get(t) ?? 0) || 0;
    return ctx.error(`arithmetic expression: expecting primary: "${src}"`);
  };
  const expr = (min: number): number => {
    let a = unary();
    for (;;) {
      const op = peek();
      if (op === '?' && min === 0) { i++; const b = expr(0); if (toks[i++] !== ':') ctx.error('arithmetic expression: expecting ":"'); const c = expr(0); a = a ? b : c; continue; }
      const b = op !== undefined ? bin[op] : undefined;
      if (!b || b[0] <= min - 1 || b[0] < min) return a;
      i++;
      a = b[1](a, expr(b[0] + 1)) | 0;
    }
  };
  const v = expr(0);
  if (i < toks.length) ctx.error(`arithmetic expression: expecting EOF: "${src}"`);
  return v;
}
