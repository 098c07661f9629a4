/**
 * Programs as linked images: `privos cc` writes one, `privos run` runs it from a mounted
 * directory, and the shell's answers for programs that cannot run (127 missing, 126 not
 * executable / not an image / does not link, with file:line:col for a syntax error).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMAGE_MAGIC, parse_image } from '../../kernel/include/uapi/privos_image.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const privos = (...args: string[]) => spawnSync(process.execPath, ['bin/privos.js', ...args], { cwd: root, encoding: 'utf8', input: '' });

test('privos cc links a program into an image that runs from a mounted directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'privos-cc-'));
  const img = join(dir, 'exit3');
  t.is(privos('cc', 'test/tools/progs/exit3.ts', '-o', img).status, 0);
  const text = readFileSync(img, 'utf8');
  t.true(text.startsWith(IMAGE_MAGIC));
  t.is(parse_image(text)?.header.entry, '_start');
  t.is(parse_image(text)?.header.source, 'test/tools/progs/exit3.ts');
  const r = privos('run', '--mount', `${dir}:/mnt`, '/mnt/exit3', 'x');
  t.is(r.status, 3, r.stderr);
  t.is(r.stdout, 'args:x\n');
});

test('a file that is not an image does not run: 126, Exec format error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'privos-cc-'));
  writeFileSync(join(dir, 'script'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  const r = privos('run', '--mount', `${dir}:/mnt`, '/mnt/script');
  t.is(r.status, 126);
  t.regex(r.stderr, /Exec format error/);
});

test('missing programs are 127, non-executable ones 126, syntax errors file:line:col and 126', (t) => {
  t.is(privos('run', '/bin/nope').status, 127);
  t.is(privos('run', './nope.ts').status, 127);
  const p = privos('run', '/etc/passwd');
  t.is(p.status, 126);
  t.regex(p.stderr, /Permission denied/);
  const dir = mkdtempSync(join(tmpdir(), 'privos-cc-'));
  writeFileSync(join(dir, 'bad.ts'), 'export default async function main(): Promise<number> {\n  const x = ;\n  return x;\n}\n');
  const s = privos('run', join(dir, 'bad.ts'));
  t.is(s.status, 126);
  t.regex(s.stderr, /bad\.ts:2:13: error: Unexpected ";"$/m);
});

test('privos cc of a program that imports the host fails to link', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'privos-cc-'));
  const src = join(dir, 'host.ts');
  writeFileSync(src, "import { readFileSync } from 'node:fs';\nexport default async function main() { return readFileSync ? 1 : 0; }\n");
  const r = privos('cc', src, '-o', join(dir, 'out'));
  t.is(r.status, 1);
  t.regex(r.stderr, /host\.ts:1:\d+: error: .*node:fs/);
});
