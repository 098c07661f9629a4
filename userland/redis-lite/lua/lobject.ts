/**
 * Lua values (lobject.h, ltable.c): nil is undefined; booleans, numbers (doubles) and strings
 * (latin1 JS strings) are JS primitives; tables have an array part and a hash part; functions
 * take and return value lists. Errors carry a Lua value.
 */

export type LuaValue = undefined | boolean | number | string | LuaTable | LuaFunction;

export class LuaError {
  /** The error's Lua value, and the call stack depth it was raised at (for pcall). */
  constructor(public value: LuaValue) {}
}

export class LuaFunction {
  /** lua: compiled from Lua source (a Lua closure), not a library function (a C function in Lua). */
  constructor(readonly name: string, readonly call: (args: LuaValue[]) => LuaValue[], readonly lua = false) {}
}

/** The readonly tables of Redis's script environment refuse every write (lua_enablereadonlytable). */
export const READONLY_MSG = 'Attempt to modify a readonly table';

export class LuaTable {
  arr: LuaValue[] = [];
  hash = new Map<LuaValue, LuaValue>();
  meta: LuaTable | null = null;
  readonly = false;

  get(k: LuaValue): LuaValue {
    if (typeof k === 'number') {
      if (k >= 1 && k <= this.arr.length && Number.isInteger(k)) return this.arr[k - 1];
      if (k === 0) k = 0; // -0 and 0 are one key
    }
    return this.hash.get(k);
  }

  /** rawset; the caller checked readonly and nil/NaN keys. */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === 'number' && Number.isInteger(k) && k >= 1) {
      const n = this.arr.length;
      if (k <= n) {
        this.arr[k - 1] = v;
        if (v === undefined && k === n) this.trim();
        return;
      }
      if (k === n + 1 && v !== undefined) { this.arr.push(v); this.hash.delete(k); this.migrate(); return; }
    }
    if (k === 0) k = 0;
    if (v === undefined) this.hash.delete(k); else this.hash.set(k, v);
  }

  /** Moves n+1, n+2, … from the hash part once the array part reaches them. */
  private migrate(): void {
    if (this.hash.size === 0) return;
    for (let k = this.arr.length + 1; this.hash.has(k); k++) { this.arr.push(this.hash.get(k)); this.hash.delete(k); }
  }

  private trim(): void { while (this.arr.length && this.arr[this.arr.length - 1] === undefined) this.arr.pop(); }

  /** The length operator: the array part's border (its trailing nils trimmed). */
  length(): number { return this.arr.length; }

  /** next(t, k): the entry after k (array part first, then the hash part in insertion order). */
  next(k: LuaValue): [LuaValue, LuaValue] | null | 'bad' {
    let i = 0;
    if (k !== undefined) {
      if (typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= this.arr.length) i = k;
      else {
        let found = false;
        for (const [hk, hv] of this.hash) {
          if (found) return [hk, hv];
          if (hk === k) found = true;
        }
        return found ? null : 'bad';
      }
    }
    for (; i < this.arr.length; i++) if (this.arr[i] !== undefined) return [i + 1, this.arr[i]];
    const first = this.hash.entries().next();
    return first.done ? null : first.value;
  }
}

export function type_name(v: LuaValue): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (v instanceof LuaTable) return 'table';
  return 'function';
}

/** %.Ng as C prints it (used for %.14g, Lua's number format, and %.17g). */
export function fmt_g(n: number, prec: number, upper = false): string {
  if (Number.isNaN(n)) return n < 0 ? '-nan' : (upper ? 'NAN' : 'nan');
  if (!Number.isFinite(n)) return n < 0 ? (upper ? '-INF' : '-inf') : (upper ? 'INF' : 'inf');
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const p = prec === 0 ? 1 : prec;
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= p) {
    const [m, e] = n.toExponential(p - 1).split('e');
    const ev = Number(e);
    s = `${strip_zeros(m)}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  } else s = strip_zeros(n.toFixed(Math.max(0, p - 1 - exp)));
  return upper ? s.toUpperCase() : s;
}

const strip_zeros = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** tostring of a number: LUAI_NUMFFORMAT "%.14g". */
export function num_to_str(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return Object.is(n, -0) ? '-0' : String(n);
  return fmt_g(n, 14);
}

/** lua_tonumber of a string: decimal or hex, surrounding blanks allowed; NaN if not a number. */
export function str_to_num(s: string, base = 10): number {
  const t = s.trim();
  if (base !== 10) {
    if (!t || !/^-?[0-9a-zA-Z]+$/.test(t)) return NaN;
    const neg = t[0] === '-', digits = neg ? t.slice(1) : t;
    let v = 0;
    for (const ch of digits.toLowerCase()) {
      const d = parseInt(ch, 36);
      if (Number.isNaN(d) || d >= base) return NaN;
      v = v * base + d;
    }
    return neg ? -v : v;
  }
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) { const v = parseInt(t.replace(/^[-+]/, ''), 16); return t[0] === '-' ? -v : v; }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}
