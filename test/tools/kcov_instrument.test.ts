/**
 * The trace-pc pass (tools/kcov/instrument.ts): each kind of basic block gets its call, the
 * edited source computes what the original does, and the lines of the rest stay put.
 */
import test from 'ava';
import { transformSync } from 'esbuild';
import { instrument_source, TRACE_FN } from '../../tools/kcov/instrument.ts';

const SRC = `export function f(a: number, b: number | null): unknown[] {
  const out: unknown[] = [];
  if (a > 1) out.push('big');
  if (a === 0) { out.push('zero'); } else if (a < 0) out.push('neg'); else out.push('pos');
  out.push(a ? 't' : 'f', a && b, b ?? 'nil', a || 'z');
  let c: number | null = b; c ??= 7; out.push(c);
  switch (a) { case 1: case 2: out.push('12'); break; default: out.push('d'); }
  for (let i = 0; i < a; i++) out.push(i);
  try { if (a === 3) throw new Error('x'); } catch (e) { out.push((e as Error).message); }
  const g = (x: number) => ({ x });
  out.push(g(a));
  return out;
}
`;

/** The module's f, with the hook recording PCs into `hits`. */
function load(code: string, hits: number[]): (a: number, b: number | null) => unknown[] {
  const js = transformSync(code.replace('export function', 'function'), { loader: 'ts' }).code;
  return new Function(TRACE_FN, `${js}; return f;`)((pc: number) => { hits.push(pc); }) as never;
}

test('the instrumented source computes what the original does, for every path', (t) => {
  const { code } = instrument_source('f.ts', SRC, (i) => i);
  const plain = load(SRC, []), inst = load(code, []);
  for (const [a, b] of [[0, null], [1, 5], [2, 0], [3, null], [-4, 2]] as const) t.deepEqual(inst(a, b), plain(a, b));
});

test('every kind of block has its call; a run hits the blocks of its path and not the others', (t) => {
  const { code, blocks } = instrument_source('f.ts', SRC, (i) => i);
  // f's entry 1; line 3's if and its fall-through 2; line 4's if, its else, and the else-if's two
  // arms 4; ?: 2, && || ?? 3; ??= 1; 3 clauses; the loop body 1; line 9's if and fall-through 2,
  // the catch 1; the arrow 1.
  t.is(blocks.length, 21);
  t.is(code.split('\n').length, SRC.split('\n').length, 'lines stay put');
  const line_of = (pc: number): number => blocks[pc].line;
  const hits: number[] = [];
  load(code, hits)(0, null);
  const lines = new Set(hits.map(line_of));
  t.true(lines.has(3), "a > 1 false: line 3's fall-through block");
  t.true(lines.has(4), 'a === 0: the then arm');
  t.false(lines.has(8), 'no loop iteration for a = 0');
  const catch_pc = blocks.reduce((best, b, i) => (b.line === 9 && b.col > blocks[best].col ? i : best), blocks.findIndex((b) => b.line === 9));
  t.false(hits.includes(catch_pc), 'no catch for a = 0');
  const hits3: number[] = [];
  load(code, hits3)(3, null);
  t.true(hits3.includes(catch_pc), 'the catch ran for a = 3');
  t.true(blocks.every((b) => b.line >= 1 && b.col >= 1));
});
