/**
 * The kcov commands end to end: `privos run --kcov` runs kcov.rst's example (the PCs of one
 * read(-1, NULL, 0)), `privos addr2line` maps them to kernel/fs/read_write.ts, and `privos
 * cover` writes the lcov report of what a program reached.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const privos = (...args: string[]) => spawnSync(process.execPath, ['bin/privos.js', ...args], { cwd: root, encoding: 'utf8', input: '' });

test.serial('run --kcov: the example collects PCs; addr2line maps them to read_write.ts', (t) => {
  const r = privos('run', '--kcov', 'test/tools/progs/kcov_read.ts');
  t.is(r.status, 0, r.stderr);
  const pcs = r.stdout.trim().split('\n');
  t.true(pcs.length > 10, r.stdout);
  t.true(pcs.every((pc) => /^0xffffffff9[0-9a-f]{7}$/.test(pc)), r.stdout);
  const a = privos('addr2line', ...pcs);
  t.is(a.status, 0, a.stderr);
  const lines = a.stdout.trim().split('\n');
  t.is(lines.length, pcs.length);
  t.true(lines.every((l) => /^kernel\/[\w/]+\.ts:\d+$/.test(l)), a.stdout);
  t.true(lines.some((l) => l.startsWith('kernel/fs/read_write.ts:')), a.stdout);
  t.false(lines.some((l) => l.startsWith('kernel/fs/open.ts:')), 'nothing of the open before ENABLE');
});

test.serial('run without --kcov: the example cannot open the file (ENOENT)', (t) => {
  const r = privos('run', 'test/tools/progs/kcov_read.ts');
  t.is(r.status, 1);
  t.regex(r.stderr, /open: No such file or directory/);
});

test.serial('addr2line: an address that is no block is ??:0; -a prints the address first', (t) => {
  const r = privos('addr2line', '-a', '0xffffffff90000000', '0x1234', 'junk');
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[0], '0xffffffff90000000');
  t.regex(lines[1], /^kernel\/[\w/]+\.ts:\d+$/);
  t.deepEqual(lines.slice(2, 6), ['0x0000000000001234', '??:0', 'junk', '??:0']);
});

test.serial('cover: the program runs as usual; the lcov report has the lines its syscalls reached', (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'kcov-')), 'echo.lcov');
  const r = privos('cover', '--out', out, '--', '/bin/echo', 'hi');
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, 'hi\n');
  const m = /^kcov: (\d+)\/(\d+) basic blocks hit \([\d.]+%\), (\d+)\/(\d+) lines in (\d+)\/(\d+) files; lcov written to /m.exec(r.stderr);
  t.truthy(m, r.stderr);
  const [hit, total] = [Number(m![1]), Number(m![2])];
  t.true(hit > 100 && hit < total, r.stderr);
  const lcov = readFileSync(out, 'utf8');
  const rec = lcov.split('end_of_record').find((s) => s.includes('kernel/fs/read_write.ts'))!;
  t.truthy(rec, 'read_write.ts has a record');
  t.regex(rec, /^DA:\d+,[1-9]\d*$/m); // echo's write(2) reached some of it
  t.regex(rec, /^LH:[1-9]\d*$/m);
  const hits = [...lcov.matchAll(/^LH:(\d+)$/gm)].reduce((s, x) => s + Number(x[1]), 0);
  t.is(hits, Number(m![3]), 'the summary counts what the report holds');
});

test.serial('addr2line -e: a table that does not exist is an error, status 1', (t) => {
  const r = privos('addr2line', '-e', '/nonexistent/kcov.json', '0xffffffff90000000');
  t.is(r.status, 1);
  t.regex(r.stderr, /^privos addr2line: \/nonexistent\/kcov\.json: ENOENT/);
});
