/**
 * Calibration of the `user_op` cost (issue 9, item 5; docs/cost-model.md). One counted op is what
 * the linker's user-op pass (tools/link/instrument.ts) counts: a function entry or one loop
 * iteration. Known loops run here twice in a realm of their own — uninstrumented, for the host's
 * time per iteration, and instrumented, to count their ops — and the host's nanoseconds per
 * counted op times the host's clock give host cycles per counted op. The instrumented time is
 * printed too: it is what the counting costs the emulator, not the modeled program.
 */
import vm from 'node:vm';
import { instrument } from '../link/instrument.ts';
import { host_hz, median, sample_ns, table } from './harness.ts';

/** Loops of the kinds ported programs run: arithmetic, byte buffers, text scanning, calls, hashing. */
const KERNELS: Record<string, string> = {
  int_sum: 'function k(n){ let x=0; for (let i=0;i<n;i++) x=(x+i)|0; return x; }',
  byte_sum: 'const b=new Uint8Array(4096).fill(7); function k(n){ let x=0; for (let r=0;r<n/4096;r++) for (let i=0;i<4096;i++) x=(x+b[i])|0; return x; }',
  str_scan: "const s='GET /index.html HTTP/1.1\\r\\nHost: x\\r\\n'.repeat(100); function k(n){ let c=0; for (let r=0;r<n/s.length;r++) for (let i=0;i<s.length;i++) if (s.charCodeAt(i)===10) c++; return c; }",
  calls: 'function add(a,b){return (a+b)|0} function k(n){ let x=0; for (let i=0;i<n/2;i++) x=add(x,i); return x; }',
  djb_hash: 'function k(n){ let h=5381; for (let i=0;i<n;i++) h=((h<<5)+h+(i&255))|0; return h; }',
};
const N = 1 << 22;

/** The kernel's function k in a fresh realm, instrumented or not, and a reader of the ops it counted. */
function load(src: string, inst: boolean): { k: (n: number) => number; ops: () => number } {
  const code = `(function () { 'use strict'; ${src} return k; })`;
  const c = new Int32Array(1), B = 65536;
  let counted = 0;
  c[0] = B;
  const ops = { c, t() { counted += B - c[0]; c[0] = B; }, y() { ops.t(); return 0; }, k() { /* no marker */ }, m: {} };
  const f = vm.runInContext(inst ? instrument(code) : code, vm.createContext({})) as (o: typeof ops) => (n: number) => number;
  const k = f(ops);
  return { k, ops: () => { ops.t(); const n = counted; counted = 0; return n; } };
}


export default async function (): Promise<void> {
  const rows: (string | number)[][] = [];
  const per_op: number[] = [];
  const hz = host_hz();
  for (const [name, src] of Object.entries(KERNELS)) {
    const bare = load(src, false), inst = load(src, true);
    inst.ops();
    inst.k(N);
    const counted = inst.ops();
    const bare_ns = sample_ns(() => bare.k(N), 1, 7).median / counted;
    const inst_ns = sample_ns(() => inst.k(N), 1, 7).median / counted;
    per_op.push(bare_ns);
    rows.push([name, counted, bare_ns, hz ? bare_ns * hz / 1e9 : 'n/a', inst_ns]);
  }
  const m = median(per_op);
  rows.push(['median', '', m, hz ? m * hz / 1e9 : 'n/a', '']);
  table('user_op', `user_op calibration: host time per counted op (host clock ${(hz / 1e9).toFixed(2)} GHz)`,
    ['loop', 'ops counted', 'host ns/op', 'host cycles/op', 'instrumented ns/op'], rows);
}
