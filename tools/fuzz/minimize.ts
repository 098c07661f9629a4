/**
 * Delta debugging of a failing program (syzkaller's prog/minimization.go): drop chunks of calls,
 * halving the chunk down to single calls, then simplify what is left argument by argument
 * (numbers to 0, pointers to NULL, buffers to empty, strings to ""), keeping each change only if the program
 * still fails.
 */
import { type Arg, type Call, type Prog, num } from './prog.ts';
import { remove_call } from './refs.ts';

export type Predicate = (p: Prog) => Promise<boolean>;

async function drop_calls(prog: Call[], fails: Predicate): Promise<Call[]> {
  for (let chunk = Math.max(1, prog.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let end = prog.length; end > 0; end -= chunk) {
      let cand = prog;
      for (let i = end - 1; i >= Math.max(0, end - chunk); i--) cand = remove_call(cand, i);
      if (cand.length < prog.length && await fails(cand)) prog = cand;
    }
  }
  return prog;
}

/** Simpler forms of an argument, simplest first. */
function simpler(a: Arg): Arg[] {
  switch (a.t) {
    case 'num': return a.v === 0 ? [] : [num(0)];
    case 'res': return [];
    case 'str': return [num(0), ...(a.s === '' ? [] : [{ t: 'str' as const, s: '' }])];
    case 'buf': return [num(0),
      ...(a.fields.length ? [{ ...a, fields: [] }] : []),
      ...(a.size > 8 ? [{ ...a, size: 8, fields: a.fields.slice(0, 1) }] : []),
    ];
  }
}

async function simplify_args(prog: Call[], fails: Predicate): Promise<Call[]> {
  for (let i = 0; i < prog.length; i++) {
    for (let j = 0; j < prog[i].args.length; j++) {
      for (const s of simpler(prog[i].args[j])) {
        const args = prog[i].args.slice();
        args[j] = s;
        const cand = prog.map((c, k) => (k === i ? { name: c.name, args } : c));
        if (await fails(cand)) { prog = cand; break; }
      }
    }
  }
  return prog;
}

/** The smallest program found that still `fails`; `prog` itself must fail. */
export async function minimize(prog: Prog, fails: Predicate): Promise<Call[]> {
  return simplify_args(await drop_calls([...prog], fails), fails);
}
