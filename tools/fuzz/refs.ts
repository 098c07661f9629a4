/** Keeping a program's result references right when calls move or go (syzkaller's prog/analysis). */
import { type Arg, type Call, type Prog, num } from './prog.ts';

/** `call` with every result reference (in registers and in buffers) rewritten by `f`. */
export function map_refs(call: Call, f: (a: Arg & { t: 'res' }) => Arg): Call {
  const one = (a: Arg): Arg => {
    if (a.t === 'res') return f(a);
    if (a.t === 'buf' && a.fields.length) return { ...a, fields: a.fields.map((x) => ({ width: x.width, v: one(x.v) })) };
    return a;
  };
  return { name: call.name, args: call.args.map(one) };
}

/** References to calls at or after `from` moved by `by` (a reference that would point at or past itself becomes -1). */
export function shift_refs(call: Call, from: number, by: number): Call {
  return map_refs(call, (a) => (a.call >= from ? (a.call + by >= 0 ? { ...a, call: a.call + by } : num(-1)) : a));
}

/** The program without call `i`: references to it become -1 (what a failed call leaves), later ones move down. */
export function remove_call(prog: Prog, i: number): Call[] {
  return prog.filter((_, k) => k !== i).map((c, k) => (k < i ? c : map_refs(c, (a) => (a.call === i ? num(-1) : a.call > i ? { ...a, call: a.call - 1 } : a))));
}
