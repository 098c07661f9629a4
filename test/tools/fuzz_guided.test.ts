/**
 * The coverage-guided fuzzer (tools/fuzz): descriptions from the syscall table, resources
 * flowing from one call to the next, the corpus growing only on new coverage, minimisation, and
 * the CLI on both arches.
 */
import { arg_fmts } from '../../kernel/syscalls/decode.ts';
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../tools/machine.ts';
import { FD_USE_ARGS, type SyscallDef } from '../../kernel/syscalls/syscall_def.ts';
import { SKIP, desc_index, describe_syscalls } from '../../tools/fuzz/describe.ts';
import { Generator } from '../../tools/fuzz/gen.ts';
import { kcov_pc_valid } from '../../tools/fuzz/cover.ts';
import { KCOV_TEXT, KCOV_TEXT_SIZE } from '../../kernel/mm/vmalloc.ts';
import { exec_prog } from '../../tools/fuzz/executor.ts';
import { fake_source, kcov_source } from '../../tools/fuzz/cover.ts';
import { Fuzzer } from '../../tools/fuzz/fuzzer.ts';
import { minimize_failure, repro_test, run_prog_text, signature } from '../../tools/fuzz/repro.ts';
import { type Call, format_prog, parse_prog } from '../../tools/fuzz/prog.ts';
import { prng } from '../../tools/fuzz/values.ts';

const ARCHES = ['x86_64', 'arm64'] as const;

for (const arch of ARCHES) {
  test(`${arch}: every implemented syscall with fd arguments has a description whose fd arguments draw live fds`, (t) => {
    const k = boot({ arch }), descs = describe_syscalls(k), by = desc_index(descs);
    const with_fds = k.syscall_defs.filter((d): d is SyscallDef => !!d && !SKIP.has(d.name) && arg_fmts(d).includes('fd'));
    t.true(with_fds.length > 30);
    const g = new Generator(prng(1), descs, arch, k.sys_call_table);
    const open: Call = parse_prog('openat(0xffffffffffffff9c, &"/tmp/f0", 0x42, 0x1a4)')[0];
    for (const def of with_fds) {
      const d = by.get(def.name);
      t.truthy(d, `${def.name} is described`);
      t.deepEqual(d!.args, arg_fmts(def), `${def.name}'s description is its declared args`);
      const at = d!.args.indexOf('fd');
      let live = 0;
      for (let i = 0; i < 20; i++) { const a = g.gen_args(d!, [open], 1)[at]; if (a.t === 'res' && a.call === 0) live++; }
      t.true(live >= 10, `${def.name}: its fd argument names r0 in ${live}/20 draws`);
    }
    const fd_kinds = descs.filter((d) => d.args.some((a) => FD_USE_ARGS.includes(a))).map((d) => d.name);
    t.true(['ppoll', 'pselect6', 'close_range', 'sendmsg'].every((n) => fd_kinds.includes(n)), 'fds in memory and ranges too');
  });
}

test('a resource one call produces is consumed by later calls: an fd, both ends of a pipe, a mapping', async (t) => {
  const r = await run_prog_text(boot(), [
    'r0 = openat(0xffffffffffffff9c, &"/tmp/res", 0x42, 0x1a4)',
    'r1 = write(r0, &[5]{i32 0x6c6c6568, i8 0x6f}, 0x5)',
    'r2 = pipe2(&[8], 0x0)',
    'r3 = write(r2.1, &[4]{i32 0x41414141}, 0x4)',
    'r4 = read(r2.0, &[4], 0x4)',
    'r5 = mmap(0x0, 0x1000, 0x3, 0x22, 0xffffffffffffffff, 0x0)',
    'r6 = munmap(r5, 0x1000)',
    'r7 = close(r0)',
    'r8 = close(r0)',
  ].join('\n'));
  t.is(r.rets[1], 5, 'write to the file r0 names');
  t.is(r.rets[3], 4, 'write to the pipe end r2.1');
  t.is(r.rets[4], 4, 'read from the pipe end r2.0');
  t.true(r.rets[5] > 0);
  t.is(r.rets[6], 0, 'munmap of the mapping r5');
  t.deepEqual(r.rets.slice(7), [0, -9], 'the second close of r0 is EBADF');
});

test('generated programs chain resources: some call consumes an earlier call\'s result', (t) => {
  const k = boot(), g = new Generator(prng(9), describe_syscalls(k), 'x86_64', k.sys_call_table);
  const progs = Array.from({ length: 50 }, () => g.gen_prog());
  t.true(progs.some((p) => /\(r\d+|, r\d+/.test(format_prog(p))));
});

test('the text form round-trips and the generator is deterministic by seed', (t) => {
  const k = boot({ arch: 'arm64' }), descs = describe_syscalls(k);
  const a = new Generator(prng(5), descs, 'arm64', 0), b = new Generator(prng(5), descs, 'arm64', 0);
  for (let i = 0; i < 50; i++) {
    const p = a.gen_prog(), text = format_prog(p);
    t.is(format_prog(b.gen_prog()), text);
    t.is(format_prog(parse_prog(text)), text);
  }
});

test('the corpus grows only on new coverage (fake source: one PC per call and outcome)', async (t) => {
  const f = new Fuzzer({ arch: 'x86_64', seed: 1, cover: fake_source, boot: () => boot() });
  const p = parse_prog('getpid()\nclose(0xffffffffffffffff)');
  await f.run_one(p);
  t.is(f.corpus.length, 1);
  t.is(f.stats.blocks, 2);
  await f.run_one(p);
  t.is(f.corpus.length, 1, 'the same coverage again adds nothing');
  await f.run_one(parse_prog('getpid()\nclose(0x0)'));
  t.is(f.corpus.length, 2, 'close succeeding is a new outcome');
  t.is(format_prog(f.corpus[1]), format_prog(parse_prog('getpid()\nclose(0x0)')));
  await f.run_one(parse_prog('close(0x0)\nclose(0x0)\ngetpid()'));
  t.is(f.corpus.length, 2, 'success then EBADF: both seen before');
  await f.run_one(parse_prog('dup(0x7fffffff)\ngetpid()'));
  t.is(f.corpus.length, 3);
  t.is(format_prog(f.corpus[2]), 'r0 = dup(0x7fffffff)\n', 'kept up to its last call with new coverage');
  t.is(f.stats.blocks, 4);
});

/** A planted kernel bug: getppid oopses when its first argument is 0x4d2. */
const planted: SyscallDef = { name: 'getppid', fn: (_t, a0) => { if (a0 === 0x4d2) throw new TypeError('planted'); return 1; } };

test('minimisation shrinks a planted failing program to the failing call, and the reproducer test replays it', async (t) => {
  const k0 = boot({ extra_syscalls: [planted] }), g = new Generator(prng(3), describe_syscalls(k0), 'x86_64', 0);
  const noise = g.gen_prog(6).filter((c) => c.name !== 'getppid');
  const prog = [...noise, ...parse_prog('getppid(0x4d2, 0x7, &[64]{i64 0x1})'), ...g.gen_prog(4).filter((c) => c.name !== 'getppid')];
  const r = await exec_prog(k0, prog, desc_index(describe_syscalls(k0)), null);
  const sig = signature(r);
  t.is(sig, 'BUG: in getppid: planted');
  const min = await minimize_failure(prog, sig!, () => boot({ extra_syscalls: [planted] }));
  t.is(format_prog(min), 'r0 = getppid(0x4d2, 0x0, 0x0)\n');
  const test_src = repro_test(min, sig!, 'x86_64');
  t.regex(test_src, /getppid\(0x4d2, 0x0, 0x0\)/);
  t.regex(test_src, /t\.deepEqual\(r\.oopses, \[\]\)/);
  const again = await run_prog_text(boot({ extra_syscalls: [planted] }), format_prog(min));
  t.deepEqual(again.oopses, ['BUG: in getppid: planted'], 'the reproducer fails on the buggy kernel');
  t.deepEqual((await run_prog_text(boot(), format_prog(min))).oopses, [], 'and passes on a fixed one');
});

test('the guided fuzzer finds a planted oops and saves a minimised reproducer', async (t) => {
  const bug: SyscallDef = { name: 'getppid', fn: () => { throw new TypeError('planted'); } };
  const dir = mkdtempSync(join(tmpdir(), 'privos-fuzz-'));
  const f = new Fuzzer({ arch: 'x86_64', seed: 11, cover: fake_source, boot: () => boot({ extra_syscalls: [bug] }), corpus_dir: dir, execs: 400 });
  const out = await f.run();
  t.is(out.found.length, 1);
  t.is(out.found[0].signature, 'BUG: in getppid: planted');
  t.regex(format_prog(out.found[0].prog), /^r0 = getppid\(0x0, 0x0, 0x0\)\n$/);
  const saved = readdirSync(join(dir, 'crashes'));
  t.is(saved.length, 2);
  t.regex(readFileSync(join(dir, 'crashes', saved.find((x) => x.endsWith('.prog'))!), 'utf8'), /getppid/);
  t.true(readdirSync(dir).filter((x) => x.endsWith('.prog')).length === out.corpus, 'one file per corpus program');
});

test('kcov guides it: guest-ABI coverage reaches kernel blocks and grows the corpus', async (t) => {
  const f = new Fuzzer({ arch: 'x86_64', seed: 2, cover: kcov_source, boot: () => boot({ kcov: true }), execs: 60 });
  const out = await f.run();
  t.true(out.covered);
  t.true(out.blocks > 300, `${out.blocks} blocks`);
  t.true(out.corpus > 5);
  t.true(out.corpus <= out.execs);
});

const root = new URL('../..', import.meta.url).pathname;
for (const arch of ARCHES) {
  test.serial(`privos fuzz --arch ${arch} --time 2 prints coverage over time and fills the corpus`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'privos-fuzz-'));
    const r = spawnSync(process.execPath, ['bin/privos.js', 'fuzz', '--arch', arch, '--time', '2', '--seed', '1', '--corpus', dir], { cwd: root, encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`guided on ${arch}, seed 1`));
    const last = [...r.stdout.matchAll(/blocks +(\d+) +corpus +(\d+) +execs +(\d+)/g)].at(-1)!;
    t.truthy(last);
    t.true(Number(last[1]) > 0 && Number(last[2]) > 0, r.stdout);
    t.is(readdirSync(dir).filter((x) => x.endsWith('.prog')).length, Number(last[2]));
  });
}

test('kcov words outside the instrumented text (a call overwrote the buffer) are not coverage', (t) => {
  const lo = KCOV_TEXT >>> 0;
  t.true(kcov_pc_valid(0xffffffff, lo));
  t.true(kcov_pc_valid(0xffffffff, lo + 4 * 1000));
  t.false(kcov_pc_valid(0xffffffff, 0xffffffff), '-1, a hostile value');
  t.false(kcov_pc_valid(0, 42), 'user data');
  t.false(kcov_pc_valid(0xffffffff, lo + 2), 'not 4-aligned');
  t.false(kcov_pc_valid(0xffffffff, lo - 4), 'below the text');
  t.false(kcov_pc_valid(0xffffffff, lo + KCOV_TEXT_SIZE), 'past the text');
});
