/**
 * The linker's user-op pass (tools/link/instrument.ts) on small images, run in a realm of their
 * own with a stand-in for the realm's ImageOps: where it counts, that user code keeps its
 * meaning, and that neither catch nor finally can stop the unwind marker.
 */
import test from 'ava';
import vm from 'node:vm';
import { InstrumentError, instrument } from '../../tools/link/instrument.ts';
import { LinkError, link_source } from '../../tools/link/link.ts';

const MARKER = Object.freeze({ unwind: true });

/** Evaluates `body` as an image function's body; returns its value and the ops it counted. */
function run_image(body: string, opts: { kill_after?: number } = {}): { value: unknown; ops: number; threw: unknown } {
  const code = instrument(`(function () {\n'use strict';\n${body}\n})`);
  const B = 65536, c = new Int32Array(1);
  let ops = 0;
  c[0] = B;
  const t = (): void => {
    ops += B - c[0];
    c[0] = B;
    if (opts.kill_after !== undefined && ops >= opts.kill_after) throw MARKER;
  };
  const io = { c, t, y: () => { t(); return 0; }, k: (e: unknown) => { if (e === MARKER) throw e; }, m: MARKER };
  const fn = vm.runInContext(code, vm.createContext({})) as (o: typeof io) => unknown;
  try {
    const value = fn(io);
    return { value, ops: ops + B - c[0], threw: undefined };
  } catch (e) {
    return { value: undefined, ops: ops + B - c[0], threw: e };
  }
}

test('one op per function entry and per loop iteration, whatever the loop and however it continues', (t) => {
  t.is(run_image('let s = 0; for (let i = 0; i < 10; i++) s += i; return s;').ops, 10);
  t.is(run_image('let i = 0; while (i < 7) i++; do i--; while (i > 0); return i;').ops, 7 + 7);
  t.is(run_image('let n = 0; for (const x of [1, 2, 3]) n += x; for (const k in { a: 1, b: 2 }) n++; return n;').ops, 5);
  t.is(run_image('let n = 0; L: for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) { if (j === 1) continue L; n++; } return n;').ops, 3 + 3 * 2);
  t.is(run_image('const f = (x) => x + 1; function g() { return f(1); } return g() + g();').ops, 4);
});

test('user code keeps its meaning: values, catch of ordinary errors, finally that returns', (t) => {
  t.is(run_image('let s = 0; for (let i = 0; i < 100; i++) s += i; return s;').value, 4950);
  t.is(run_image("try { throw new Error('x'); } catch (e) { return e.message; }").value, 'x');
  t.is(run_image("try { throw new Error('x'); } catch { return 'caught'; }").value, 'caught');
  t.is(run_image("try { throw { a: 5 }; } catch ({ a }) { return a; }").value, 5);
  t.is(run_image('function f() { try { return 1; } finally { return 2; } } return f();').value, 2);
  t.is(run_image('let n = 0; for (let i = 0; i < 3; i++) { try { if (i === 1) continue; n++; } finally { n += 10; } } return n;').value, 32);
});

test('neither catch nor finally stops the marker; without the pass they would', (t) => {
  const spin = 'for (;;) { try { for (let i = 0; i < 1e6; i++); } catch { } finally { continue; } }';
  const r = run_image(spin, { kill_after: 200_000 });
  t.is(r.threw, MARKER);
  t.is(run_image('function f() { try { for (;;); } finally { return 1; } } return f();', { kill_after: 100_000 }).threw, MARKER);
  t.is(run_image('try { for (;;); } catch (e) { return e; }', { kill_after: 100_000 }).threw, MARKER);
  // The same catch, uninstrumented, swallows the marker.
  const bare = vm.runInContext("(function (m) { try { throw m; } catch { return 'swallowed'; } })", vm.createContext({})) as (m: object) => string;
  t.is(bare(MARKER), 'swallowed');
});

test("the image's top-level code cannot reach the pass's parameter through `arguments`", (t) => {
  // esbuild puts module code in arrow functions, whose `arguments` is the enclosing function's.
  const r = run_image('return (() => { try { return typeof arguments[0]; } catch (e) { return e.name; } })();');
  t.is(r.value, 'ReferenceError');
});

test('a program that names the pass\'s identifiers does not link: file:line:col', (t) => {
  t.throws(() => instrument('(function () { let __po_c = 1; })'), { instanceOf: InstrumentError, message: /<image>:1:20: error: '__po_c' is reserved by the linker/ });
  const e = t.throws(() => link_source('export default async function main() { const __po_m = 0; return __po_m; }', 'reserved.ts'), { instanceOf: LinkError });
  t.regex(e!.message, /error: '__po_m' is reserved by the linker/);
});
