/**
 * Lua 5.1 semantics (lvm.c, ldo.c) by compiling the AST to JS closures: locals resolve at
 * compile time to a slot of their function's frame. A local that an inner function uses lives
 * in a box, made anew each time its declaration runs, and a closure keeps a copy of the frame
 * it was made in — the boxes, shared — so closures made in a loop each see their iteration's
 * variables, as Lua's upvalues do (a first compiling pass finds which locals are captured,
 * the second boxes them; the others stay plain slots). Arithmetic coerces numeric
 * strings, comparisons and metamethods (__index, __newindex, __call, __eq, __lt, __le,
 * __concat, __unm and the arithmetic ones) follow the manual's §2.8.
 */
import type { Expr, FuncBody, Stat } from './lparser.ts';
import { LuaError, LuaFunction, type LuaValue, LuaTable, num_to_str, READONLY_MSG, str_to_num, type_name } from './lobject.ts';

/** A captured local's storage (an open/closed upvalue in Lua's terms). */
interface Box { v: LuaValue }
/** A frame's slots: values, or boxes for the captured locals. */
type Reg = LuaValue | Box;
export interface Frame { regs: Reg[]; up: Frame | null; varargs: LuaValue[]; ret: LuaValue[] }
const NO_VALUES: LuaValue[] = [];

/** The script's current line, for error positions ("user_script:3: …"). */
export const where = { chunk: 'user_script', line: 0 };

/**
 * luaMaskCountHook's counter: loop iterations and function entries; every 4096 of them the
 * hook (set by the host, eval.ts) may stop the script by throwing.
 */
export const steps = { n: 0, hook: null as (() => void) | null };
function lua_step(): void { if ((++steps.n & 4095) === 0 && steps.hook) steps.hook(); }

export function rt_error(msg: string): never { throw new LuaError(`${where.chunk}:${where.line}: ${msg}`); }

export function getmetamethod(v: LuaValue, name: string): LuaValue {
  return v instanceof LuaTable && v.meta ? v.meta.get(name) : undefined;
}

/** info: how the called value was named ("field 'x'", "global 'f'", …), as Lua's messages say. */
export function call_value(fn: LuaValue, args: LuaValue[], info = ''): LuaValue[] {
  if (fn instanceof LuaFunction) return fn.call(args);
  const h = getmetamethod(fn, '__call');
  if (h !== undefined) return call_value(h, [fn, ...args]);
  return rt_error(info ? `attempt to call ${info} (a ${type_name(fn)} value)` : `attempt to call a ${type_name(fn)} value`);
}

export function index(obj: LuaValue, key: LuaValue): LuaValue {
  for (let loop = 0; loop < 100; loop++) {
    let h: LuaValue;
    if (obj instanceof LuaTable) {
      const v = obj.get(key);
      if (v !== undefined || !obj.meta) return v;
      h = obj.meta.get('__index');
      if (h === undefined) return undefined;
    } else {
      h = typeof obj === 'string' ? string_meta.get('__index') : undefined;
      if (h === undefined) rt_error(`attempt to index a ${type_name(obj)} value`);
    }
    if (h instanceof LuaFunction) return h.call([obj, key])[0];
    obj = h;
  }
  return rt_error("'__index' chain too long; possible loop");
}

export function setindex(obj: LuaValue, key: LuaValue, v: LuaValue): void {
  for (let loop = 0; loop < 100; loop++) {
    if (!(obj instanceof LuaTable)) rt_error(`attempt to index a ${type_name(obj)} value`);
    const t = obj as LuaTable;
    if (t.readonly) rt_error(READONLY_MSG);
    const h = t.meta && t.get(key) === undefined ? t.meta.get('__newindex') : undefined;
    if (h === undefined) {
      if (key === undefined) rt_error('table index is nil');
      if (typeof key === 'number' && Number.isNaN(key)) rt_error('table index is NaN');
      t.set(key, v);
      return;
    }
    if (h instanceof LuaFunction) { h.call([t, key, v]); return; }
    obj = h;
  }
}

/** The metatable strings share: its __index is the string library (s:upper()). */
export const string_meta = new LuaTable();

export function tonum(v: LuaValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const n = str_to_num(v); return Number.isNaN(n) ? null : n; }
  return null;
}

export function tostr(v: LuaValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return num_to_str(v);
  return null;
}

const ARITH_EVENT: Record<string, string> = { '+': '__add', '-': '__sub', '*': '__mul', '/': '__div', '%': '__mod', '^': '__pow' };

/** "on a nil value", or with the operand's name: "on local 'x' (a nil value)". */
const operand = (v: LuaValue, info: string): string => (info ? `${info} (a ${type_name(v)} value)` : `a ${type_name(v)} value`);

export function arith(op: string, a: LuaValue, b: LuaValue, ia = '', ib = ''): LuaValue {
  const x = tonum(a), y = tonum(b);
  if (x !== null && y !== null) {
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return x / y;
      case '%': return x - Math.floor(x / y) * y;
      default: return Math.pow(x, y);
    }
  }
  const ev = ARITH_EVENT[op], h = getmetamethod(a, ev) ?? getmetamethod(b, ev);
  if (h !== undefined) return call_value(h, [a, b])[0];
  return rt_error(`attempt to perform arithmetic on ${x === null ? operand(a, ia) : operand(b, ib)}`);
}

export function concat(a: LuaValue, b: LuaValue, ia = '', ib = ''): LuaValue {
  const x = tostr(a), y = tostr(b);
  if (x !== null && y !== null) return x + y;
  const h = getmetamethod(a, '__concat') ?? getmetamethod(b, '__concat');
  if (h !== undefined) return call_value(h, [a, b])[0];
  return rt_error(`attempt to concatenate ${x === null ? operand(a, ia) : operand(b, ib)}`);
}

export function equals(a: LuaValue, b: LuaValue): boolean {
  if (a === b) return true;
  if (a instanceof LuaTable && b instanceof LuaTable) {
    const h = getmetamethod(a, '__eq');
    if (h !== undefined && h === getmetamethod(b, '__eq')) return truthy(call_value(h, [a, b])[0]);
  }
  return false;
}

export function less(a: LuaValue, b: LuaValue, eq: boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return eq ? a <= b : a < b;
  if (typeof a === 'string' && typeof b === 'string') return eq ? a <= b : a < b;
  const h = getmetamethod(a, eq ? '__le' : '__lt');
  if (h !== undefined && h === getmetamethod(b, eq ? '__le' : '__lt')) return truthy(call_value(h, [a, b])[0]);
  const ta = type_name(a), tb = type_name(b);
  return rt_error(ta === tb ? `attempt to compare two ${ta} values` : `attempt to compare ${ta} with ${tb}`);
}

export const truthy = (v: LuaValue): boolean => v !== undefined && v !== false;

export function len(v: LuaValue): LuaValue {
  if (typeof v === 'string') return v.length;
  if (v instanceof LuaTable) return v.length();
  return rt_error(`attempt to get length of a ${type_name(v)} value`);
}

/* ---------- the compiler ---------- */

type E = (f: Frame) => LuaValue;
type M = (f: Frame) => LuaValue[];
type S = (f: Frame) => number; // 0 next, 1 break, 2 return
const NEXT = 0, BREAK = 1, RETURN = 2;

class FuncState {
  blocks: Map<string, number>[] = [new Map()];
  nslots = 0;
  /** This function's slots that inner functions use (what the first pass learns). */
  readonly captures = new Set<number>();
  /** boxed: the slots to box (what the first pass learnt). */
  constructor(readonly parent: FuncState | null, readonly vararg: boolean, readonly boxed: ReadonlySet<number>) {}

  declare(name: string): number { const s = this.nslots++; this.blocks[this.blocks.length - 1].set(name, s); return s; }

  /** [function hops, slot] of a local or upvalue; null for a global. */
  resolve(name: string): [number, number] | null {
    let fs: FuncState | null = this, hops = 0;
    for (; fs; fs = fs.parent, hops++) {
      for (let i = fs.blocks.length - 1; i >= 0; i--) {
        const s = fs.blocks[i].get(name);
        if (s !== undefined) { if (hops > 0) fs.captures.add(s); return [hops, s]; }
      }
    }
    return null;
  }

  /** Is the slot `hops` functions out boxed? */
  is_boxed(hops: number, slot: number): boolean {
    let fs: FuncState = this;
    for (let i = 0; i < hops; i++) fs = fs.parent!;
    return fs.boxed.has(slot);
  }
}

/** The key of a function's captured-slot set: its body, or null for the main chunk. */
type FuncKey = FuncBody | null;
const NO_SLOTS: ReadonlySet<number> = new Set();

/** Compiles a parsed chunk: once to find the captured locals, again to box them if there are any. */
export function compile_lua(body: Stat[], env: LuaTable): LuaFunction {
  const first = new Compiler(env, null);
  const main = first.chunk(body);
  if ([...first.states.values()].every((fs) => fs.captures.size === 0)) return main;
  const boxes = new Map<FuncKey, ReadonlySet<number>>();
  for (const [k, fs] of first.states) boxes.set(k, fs.captures);
  return new Compiler(env, boxes).chunk(body);
}

function frame_at(f: Frame, hops: number): Frame {
  let x = f;
  for (let i = 0; i < hops; i++) x = x.up!;
  return x;
}

export class Compiler {
  private fs: FuncState;
  /** Every function's state, by its body (null: the main chunk). */
  readonly states = new Map<FuncKey, FuncState>();
  constructor(private readonly env: LuaTable, private readonly boxes: Map<FuncKey, ReadonlySet<number>> | null) {
    this.fs = this.state(null, null, true);
  }

  private state(key: FuncKey, parent: FuncState | null, vararg: boolean): FuncState {
    const fs = new FuncState(parent, vararg, this.boxes?.get(key) ?? NO_SLOTS);
    this.states.set(key, fs);
    return fs;
  }

  /** Stores a declared local's first value: in a fresh box when it is captured. */
  private init(slot: number): (f: Frame, v: LuaValue) => void {
    return this.fs.boxed.has(slot) ? (f, v) => { f.regs[slot] = { v }; } : (f, v) => { f.regs[slot] = v; };
  }

  /** The main chunk as a function (vararg, as Lua's main chunk is). */
  chunk(body: Stat[]): LuaFunction {
    const run = this.block(body), fs = this.fs;
    return new LuaFunction('main', (args) => {
      const f: Frame = { regs: new Array(fs.nslots), up: null, varargs: args, ret: [] };
      return run(f) === RETURN ? f.ret : [];
    }, true);
  }

  private block(stats: Stat[]): S {
    this.fs.blocks.push(new Map());
    const parts = stats.map((s) => this.stat(s));
    this.fs.blocks.pop();
    const n = parts.length;
    return (f) => {
      for (let i = 0; i < n; i++) { const r = parts[i](f); if (r !== NEXT) return r; }
      return NEXT;
    };
  }

  private func(fb: FuncBody, self_name?: string): E {
    const outer = this.fs;
    const fs = this.fs = this.state(fb, outer, fb.vararg);
    const params = fb.params.map((p) => fs.declare(p)), inits = params.map((s) => this.init(s));
    const body = this.block(fb.body);
    this.fs = outer;
    const np = params.length, name = self_name ?? '?';
    const make = (up: Frame): LuaFunction => new LuaFunction(name, (args) => {
      lua_step();
      const f: Frame = { regs: new Array(fs.nslots), up, varargs: fs.vararg && args.length > np ? args.slice(np) : [], ret: [] };
      for (let i = 0; i < np; i++) inits[i](f, args[i]);
      return body(f) === RETURN ? f.ret : [];
    }, true);
    // With boxes in the enclosing frame, the closure keeps this moment's boxes: a copy of its slots.
    if (outer.boxed.size === 0) return make;
    return (f) => make({ regs: f.regs.slice(), up: f.up, varargs: NO_VALUES, ret: NO_VALUES });
  }

  private stat(s: Stat): S {
    switch (s.k) {
      case 'local': return this.local(s.names, s.exprs);
      case 'assign': return this.assign(s.targets, s.exprs, s.line);
      case 'callstat': { const m = this.multi(s.call); return (f) => { m(f); return NEXT; }; }
      case 'do': return this.block(s.body);
      case 'while': {
        const c = this.expr(s.cond), b = this.block(s.body);
        return (f) => { while (truthy(c(f))) { lua_step(); const r = b(f); if (r === BREAK) break; if (r === RETURN) return r; } return NEXT; };
      }
      case 'repeat': return this.repeat(s.body, s.cond);
      case 'if': return this.if_(s.clauses, s.else_);
      case 'fornum': return this.fornum(s);
      case 'forin': return this.forin(s);
      case 'localfunction': {
        // Declared first (the function sees itself), then made: its box exists before the closure copies the frame.
        const slot = this.fs.declare(s.name), init = this.init(slot), set = this.slot_setter(0, slot), mk = this.func(s.f, s.name);
        return (f) => { init(f, undefined); set(f, mk(f)); return NEXT; };
      }
      case 'return': {
        const m = this.exprlist(s.exprs);
        return (f) => { f.ret = m(f); return RETURN; };
      }
      case 'break': return () => BREAK;
    }
  }

  private local(names: string[], exprs: Expr[]): S {
    const m = exprs.length ? this.exprlist(exprs) : null;
    const slots = names.map((n) => this.fs.declare(n)); // after the values: `local x = x` sees the outer x
    const inits = slots.map((s) => this.init(s));
    if (slots.length === 1 && exprs.length === 1) {
      const e = this.expr(exprs[0]), s0 = slots[0];
      if (!this.fs.boxed.has(s0)) return (f) => { f.regs[s0] = e(f); return NEXT; };
      return (f) => { f.regs[s0] = { v: e(f) }; return NEXT; };
    }
    return (f) => {
      const vals = m ? m(f) : NO_VALUES;
      for (let i = 0; i < slots.length; i++) inits[i](f, vals[i]);
      return NEXT;
    };
  }

  private assign(targets: Expr[], exprs: Expr[], line: number): S {
    const setters = targets.map((t) => this.setter(t));
    if (targets.length === 1 && exprs.length === 1) {
      const e = this.expr(exprs[0]), set = setters[0];
      return (f) => { where.line = line; set(f, e(f)); return NEXT; };
    }
    const m = this.exprlist(exprs);
    return (f) => {
      where.line = line;
      const vals = m(f);
      for (let i = 0; i < setters.length; i++) setters[i](f, vals[i]);
      return NEXT;
    };
  }

  private setter(t: Expr): (f: Frame, v: LuaValue) => void {
    if (t.k === 'name') {
      const r = this.fs.resolve(t.name);
      if (r) return this.slot_setter(r[0], r[1]);
      const env = this.env, key = t.name;
      return (_f, v) => setindex(env, key, v);
    }
    if (t.k !== 'index') throw new Error('bad assignment target');
    const o = this.expr(t.obj), k = this.expr(t.key), line = t.line;
    return (f, v) => { const ov = o(f), kv = k(f); where.line = line; setindex(ov, kv, v); };
  }

  /** Assignment to a local `hops` functions out: its slot, or its box's value. */
  private slot_setter(hops: number, slot: number): (f: Frame, v: LuaValue) => void {
    if (this.fs.is_boxed(hops, slot)) return hops === 0 ? (f, v) => { (f.regs[slot] as Box).v = v; } : (f, v) => { (frame_at(f, hops).regs[slot] as Box).v = v; };
    return hops === 0 ? (f, v) => { f.regs[slot] = v; } : (f, v) => { frame_at(f, hops).regs[slot] = v; };
  }

  private repeat(body: Stat[], cond: Expr): S {
    // The condition sees the body's locals: one scope for both.
    this.fs.blocks.push(new Map());
    const parts = body.map((s) => this.stat(s)), c = this.expr(cond);
    this.fs.blocks.pop();
    return (f) => {
      for (;;) {
        lua_step();
        let r = NEXT;
        for (const p of parts) { r = p(f); if (r !== NEXT) break; }
        if (r === BREAK) return NEXT;
        if (r === RETURN) return r;
        if (truthy(c(f))) return NEXT;
      }
    };
  }

  private if_(clauses: [Expr, Stat[]][], else_: Stat[] | null): S {
    const cs = clauses.map(([c, b]) => [this.expr(c), this.block(b)] as const);
    const eb = else_ ? this.block(else_) : null;
    return (f) => {
      for (const [c, b] of cs) if (truthy(c(f))) return b(f);
      return eb ? eb(f) : NEXT;
    };
  }

  private fornum(s: Extract<Stat, { k: 'fornum' }>): S {
    const start = this.expr(s.start), stop = this.expr(s.stop), step = s.step ? this.expr(s.step) : null;
    this.fs.blocks.push(new Map());
    const slot = this.fs.declare(s.v), init = this.init(slot), body = this.block(s.body);
    this.fs.blocks.pop();
    const line = s.line;
    return (f) => {
      where.line = line;
      const a = tonum(start(f)), b = tonum(stop(f)), c = step ? tonum(step(f)) : 1;
      if (a === null) rt_error("'for' initial value must be a number");
      if (b === null) rt_error("'for' limit must be a number");
      if (c === null) rt_error("'for' step must be a number");
      for (let i = a!; c! > 0 ? i <= b! : i >= b!; i += c!) {
        lua_step();
        init(f, i); // a fresh variable each iteration
        const r = body(f);
        if (r === BREAK) break;
        if (r === RETURN) return r;
      }
      return NEXT;
    };
  }

  private forin(s: Extract<Stat, { k: 'forin' }>): S {
    const m = this.exprlist(s.exprs);
    this.fs.blocks.push(new Map());
    const slots = s.names.map((n) => this.fs.declare(n)), inits = slots.map((sl) => this.init(sl)), body = this.block(s.body);
    this.fs.blocks.pop();
    const line = s.line;
    return (f) => {
      const [fn, state, init] = m(f);
      let ctl = init;
      for (;;) {
        where.line = line;
        lua_step();
        const vals = call_value(fn, [state, ctl]);
        if (vals[0] === undefined) return NEXT;
        ctl = vals[0];
        for (let i = 0; i < slots.length; i++) inits[i](f, vals[i]);
        const r = body(f);
        if (r === BREAK) return NEXT;
        if (r === RETURN) return r;
      }
    };
  }

  /** A list of expressions; the last one, a call or `...`, contributes all its values. */
  private exprlist(exprs: Expr[]): M {
    if (exprs.length === 0) return () => [];
    const head = exprs.slice(0, -1).map((e) => this.expr(e)), last = exprs[exprs.length - 1];
    const tail = last.k === 'call' || last.k === 'method' || last.k === 'vararg' ? this.multi(last) : null;
    const tail1 = tail ? null : this.expr(last);
    return (f) => {
      const out: LuaValue[] = new Array(head.length);
      for (let i = 0; i < head.length; i++) out[i] = head[i](f);
      if (tail) { const r = tail(f); for (const v of r) out.push(v); } else out.push(tail1!(f));
      return out;
    };
  }

  /** getobjname's description of a called expression. */
  private varinfo(e: Expr): string {
    if (e.k === 'name') return this.fs.resolve(e.name) ? `local '${e.name}'` : `global '${e.name}'`;
    if (e.k === 'index') return e.key.k === 'str' ? `field '${e.key.v}'` : `field '?'`;
    return '';
  }

  private multi(e: Expr): M {
    if (e.k === 'vararg') return (f) => f.varargs;
    if (e.k === 'call') {
      const fn = this.expr(e.fn), args = this.exprlist(e.args), line = e.line, info = this.varinfo(e.fn);
      return (f) => { const fv = fn(f), av = args(f); where.line = line; return call_value(fv, av, info); };
    }
    if (e.k === 'method') {
      const o = this.expr(e.obj), args = this.exprlist(e.args), name = e.name, line = e.line;
      const info = `method '${name}'`;
      return (f) => { const ov = o(f); where.line = line; const fv = index(ov, name); const av = args(f); where.line = line; return call_value(fv, [ov, ...av], info); };
    }
    const one = this.expr(e);
    return (f) => [one(f)];
  }

  expr(e: Expr): E {
    switch (e.k) {
      case 'nil': return () => undefined;
      case 'true': return () => true;
      case 'false': return () => false;
      case 'num': { const v = e.v; return () => v; }
      case 'str': { const v = e.v; return () => v; }
      case 'vararg': return (f) => f.varargs[0];
      case 'func': return this.func(e.f);
      case 'paren': return this.expr(e.e);
      case 'name': return this.name(e.name, e.line);
      case 'index': {
        const o = this.expr(e.obj), k = this.expr(e.key), line = e.line;
        return (f) => { const ov = o(f), kv = k(f); where.line = line; return index(ov, kv); };
      }
      case 'call': case 'method': { const m = this.multi(e); return (f) => m(f)[0]; }
      case 'and': { const a = this.expr(e.a), b = this.expr(e.b); return (f) => { const v = a(f); return truthy(v) ? b(f) : v; }; }
      case 'or': { const a = this.expr(e.a), b = this.expr(e.b); return (f) => { const v = a(f); return truthy(v) ? v : b(f); }; }
      case 'un': return this.unary(e.op, this.expr(e.a), e.line);
      case 'bin': return this.binary(e.op, this.expr(e.a), this.expr(e.b), e.line, this.varinfo(e.a), this.varinfo(e.b));
      case 'table': return this.table(e.items, e.line);
    }
  }

  private name(name: string, line: number): E {
    const r = this.fs.resolve(name);
    if (r) {
      const [hops, slot] = r;
      if (this.fs.is_boxed(hops, slot)) return hops === 0 ? (f) => (f.regs[slot] as Box).v : (f) => (frame_at(f, hops).regs[slot] as Box).v;
      return hops === 0 ? (f) => f.regs[slot] as LuaValue : (f) => frame_at(f, hops).regs[slot] as LuaValue;
    }
    const env = this.env;
    return () => { where.line = line; return index(env, name); };
  }

  private unary(op: string, a: E, line: number): E {
    if (op === 'not') return (f) => !truthy(a(f));
    if (op === '#') return (f) => { const v = a(f); where.line = line; return len(v); };
    return (f) => {
      const v = a(f);
      if (typeof v === 'number') return -v;
      where.line = line;
      const n = tonum(v);
      if (n !== null) return -n;
      const h = getmetamethod(v, '__unm');
      if (h !== undefined) return call_value(h, [v, v])[0];
      return rt_error(`attempt to perform arithmetic on a ${type_name(v)} value`);
    };
  }

  private binary(op: string, a: E, b: E, line: number, ia: string, ib: string): E {
    switch (op) {
      case '+': return (f) => { const x = a(f), y = b(f); if (typeof x === 'number' && typeof y === 'number') return x + y; where.line = line; return arith(op, x, y, ia, ib); };
      case '-': return (f) => { const x = a(f), y = b(f); if (typeof x === 'number' && typeof y === 'number') return x - y; where.line = line; return arith(op, x, y, ia, ib); };
      case '..': return (f) => { const x = a(f), y = b(f); if (typeof x === 'string' && typeof y === 'string') return x + y; where.line = line; return concat(x, y, ia, ib); };
      case '==': return (f) => equals(a(f), b(f));
      case '~=': return (f) => !equals(a(f), b(f));
      case '<': return (f) => { const x = a(f), y = b(f); where.line = line; return less(x, y, false); };
      case '<=': return (f) => { const x = a(f), y = b(f); where.line = line; return less(x, y, true); };
      case '>': return (f) => { const x = a(f), y = b(f); where.line = line; return less(y, x, false); };
      case '>=': return (f) => { const x = a(f), y = b(f); where.line = line; return less(y, x, true); };
      default: return (f) => { const x = a(f), y = b(f); where.line = line; return arith(op, x, y, ia, ib); };
    }
  }

  private table(items: { key: Expr | null; value: Expr }[], line: number): E {
    const keyed = items.filter((it) => it.key).map((it) => [this.expr(it.key!), this.expr(it.value)] as const);
    const pos = items.filter((it) => !it.key).map((it) => it.value);
    const last = pos.length ? pos[pos.length - 1] : null;
    const multi_tail = last && (last.k === 'call' || last.k === 'method' || last.k === 'vararg');
    const list = pos.length ? this.exprlist(pos) : null;
    const single = !multi_tail && list ? pos.map((p) => this.expr(p)) : null;
    return (f) => {
      const t = new LuaTable();
      where.line = line;
      for (const [k, v] of keyed) {
        const kv = k(f);
        if (kv === undefined) rt_error('table index is nil');
        t.set(kv, v(f));
      }
      const vals = single ? single.map((s) => s(f)) : list ? list(f) : [];
      for (let i = 0; i < vals.length; i++) t.set(i + 1, vals[i]);
      return t;
    };
  }
}
