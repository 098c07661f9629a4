/**
 * The linker (privos's ld): bundles a program, everything it imports and the C library into one
 * privos image (kernel/include/uapi/privos_image.ts) with esbuild. What an image may contain is
 * decided here, at link time: only code that resolves to files (no `node:` module, no package
 * that needs the host); the code runs in a realm with nothing but ECMAScript intrinsics.
 *
 * Images are cached by their inputs (on disk under node_modules/.cache/privos, and in memory),
 * so `privos run` and every test boot link each program once.
 */
import type { BuildFailure, Message } from 'esbuild';
import { esbuild } from '../esbuild.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format_image } from '../../kernel/include/uapi/privos_image.ts';
import { REPO_ROOT } from '../../kernel/init/paths.ts';
import type { SfiBuild } from '../../kernel/privbox/privbox.ts';
import { sfi_linked } from '../../kernel/privbox/sfi_image.ts';
import { image_sign, set_load_pass } from '../../kernel/fs/image_sig.ts';
import { sfi_link } from '../sfi/link_pass.ts';
import { SfiRejection } from '../sfi/pass.ts';
import { OPS_BUILD_TAG, instrument_image } from './instrument.ts';

// The loader runs the same pass over an image the toolchain did not sign (kernel/fs/image_sig.ts).
set_load_pass(instrument_image);

export { REPO_ROOT };
/** Bumped when the image layout or the entry stub changes (invalidates every cached image). */
const LINKER_VERSION = 5;
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'privos', 'images');

/** A link failed: each diagnostic is `file:line:col: error: message`, as a compiler prints it. */
export class LinkError extends Error {
  constructor(readonly diagnostics: string[]) { super(diagnostics.join('\n')); }
}

interface CacheEntry { inputs: Record<string, [number, number]>; image: string }
const memory = new Map<string, string>();

function diag(m: Message): string {
  const l = m.location;
  return l ? `${l.file}:${l.line}:${l.column + 1}: error: ${m.text}` : `error: ${m.text}`;
}

/** The entry stub: realm globals first, then the program and crt0's _start. */
function entry_stub(program: string, root: string): string {
  const lib = (f: string): string => JSON.stringify(join(root, 'libc', f));
  return `import ${lib('utf8.ts')};\nimport main from ${JSON.stringify(program)};\n` +
    `import { crt0 } from ${lib('index.ts')};\nexport const _start = (door, how) => crt0(door, how, main);\n`;
}

/** Runs esbuild; the bundle's code as a function expression returning the entry, and its inputs. */
function bundle(program: string, build: SfiBuild): { code: string; inputs: string[] } {
  if (build === 'none') {
    const b = bundle_at(program, REPO_ROOT);
    return { ...b, code: b.code.replace(STRICT, (m) => m + intrinsics_prologue(b.code)) };
  }
  try {
    return sfi_link(program, build, bundle_at);
  } catch (e) {
    if (e instanceof SfiRejection) throw new LinkError(e.diagnostics);
    throw e;
  }
}

/**
 * The ECMAScript intrinsics an image may name (a realm has nothing else). A realm's global object
 * is a vm context's, and every global lookup there goes through Node's contextify interceptor, a
 * call into C++ (~180 ns a lookup on this host, against a register load for a local): so the
 * image binds those it names as locals of its function, once, when it is loaded. eval, Function
 * and globalThis are left out (no image needs a local of them; box code may not name them).
 */
const INTRINSICS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean',
  'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Int16Array',
  'Int32Array', 'Int8Array', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
  'ReferenceError', 'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError',
  'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet',
  'Infinity', 'NaN', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
];

/**
 * `const { … } = globalThis;` for the intrinsics `code` names and never assigns (`Map = …`,
 * `globalThis.Map = …`: a program replacing an intrinsic sees its replacement, as without the
 * locals). Plain builds only: an SFI build's defence against box code replacing what its runtime
 * calls is the frozen intrinsics (kernel/privbox/lockdown.ts), tested as such.
 */
function intrinsics_prologue(code: string): string {
  const names = (n: string): boolean => new RegExp(`(?<![\\w$.])${n}(?![\\w$])`).test(code);
  const assigned = (n: string): boolean => new RegExp(`(?<![\\w$])(?:globalThis\\.)?${n}\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?!=)`).test(code);
  const used = INTRINSICS.filter((n) => names(n) && !assigned(n));
  return used.length ? `const { ${used.join(', ')} } = globalThis;\n` : '';
}

const STRICT = "\n'use strict';\n";

/** Runs esbuild on the program with the C library of `root`. */
function bundle_at(program: string, root: string): { code: string; inputs: string[] } {
  try {
    const r = esbuild().buildSync({
      stdin: { contents: entry_stub(program, root), resolveDir: REPO_ROOT, sourcefile: '<entry>', loader: 'ts' },
      bundle: true, write: false, metafile: true, format: 'iife', globalName: '__image',
      platform: 'neutral', target: 'es2022', charset: 'utf8', legalComments: 'none', logLevel: 'silent',
      mainFields: ['module', 'main'],
    });
    const code = `(function () {${STRICT}${r.outputFiles[0].text}return __image._start;\n})`;
    return { code, inputs: Object.keys(r.metafile.inputs).filter((f) => f !== '<entry>').map((f) => resolve(REPO_ROOT, f)) };
  } catch (e) {
    const errors = (e as BuildFailure).errors;
    if (!errors) throw e;
    throw new LinkError(errors.map(diag));
  }
}

function stamp(f: string): [number, number] | null {
  try { const s = statSync(f); return [s.mtimeMs, s.size]; } catch { return null; }
}

function cache_file(program: string): string {
  return join(CACHE_DIR, createHash('sha256').update(`${LINKER_VERSION}\0${OPS_BUILD_TAG}\0${program}`).digest('hex').slice(0, 32) + '.json');
}

/** A cached image whose every input is unchanged, or null. */
function cached(program: string): string | null {
  const f = cache_file(program);
  if (!existsSync(f)) return null;
  try {
    const e = JSON.parse(readFileSync(f, 'utf8')) as CacheEntry;
    for (const [p, [m, n]] of Object.entries(e.inputs)) {
      const s = stamp(p);
      if (!s || s[0] !== m || s[1] !== n) return null;
    }
    return e.image;
  } catch { return null; }
}

function store(program: string, inputs: string[], image: string): void {
  const entry: CacheEntry = { inputs: {}, image };
  for (const p of inputs) { const s = stamp(p); if (s) entry.inputs[p] = s; }
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const f = cache_file(program), tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, f); // atomic: concurrent test processes never read half a file
  } catch { /* a read-only tree: link again next time */ }
}

/** The source label an image records: repository-relative where possible. */
function label(program: string): string {
  const r = relative(REPO_ROOT, program);
  return r.startsWith('..') || isAbsolute(r) ? program : r;
}

/**
 * Links a program file (a path or file: URL) into an image; throws LinkError on a bad program.
 * `sfi` other than 'none' runs PrivBox's SFI pass over every module (`build: sfi=…` in the header).
 */
export function link_program(program: string, sfi: SfiBuild = 'none'): string {
  const path = program.startsWith('file:') ? fileURLToPath(program) : resolve(REPO_ROOT, program);
  const key = sfi === 'none' ? path : `${path}\0sfi=${sfi}`;
  const image = memory.get(key) ?? cached(key) ?? link_fresh(path, key, sfi);
  memory.set(key, image);
  sfi_linked(image, (b) => link_program(path, b));
  return image;
}

/** Links without looking at the caches (the result is cached under `key`); the PrivBox bench times it. */
export function link_fresh(path: string, key: string, sfi: SfiBuild): string {
  const { code: linked, inputs } = bundle(path, sfi);
  // The user-op pass runs last, over the SFI build too (its counters are not box state).
  const code = instrument_image(linked, label(path));
  const hash = createHash('sha256').update(code).digest('hex');
  const h = { entry: '_start', source: label(path), build: `sfi=${sfi} ${OPS_BUILD_TAG}`, hash };
  const image = format_image({ ...h, sig: image_sign(h) }, code);
  store(key, inputs, image);
  return image;
}

/** Links program source text (a test's inline program); cached by the text itself. */
export function link_source(source: string, name = 'inline.ts'): string {
  const key = createHash('sha256').update(source).digest('hex');
  const dir = join(CACHE_DIR, 'src');
  const file = join(dir, `${key.slice(0, 32)}-${name.replace(/[^\w.-]/g, '_')}`);
  if (!existsSync(file)) { mkdirSync(dir, { recursive: true }); writeFileSync(file, source); }
  return link_program(file);
}
