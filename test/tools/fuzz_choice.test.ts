/**
 * The guided fuzzer's speed and guidance (issue 14 §3): the fork-server executor, resource-aware
 * call choice, the choice table's learning, and `--execs` runs that do not depend on the host.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../tools/machine.ts';
import { type CallDesc, desc_index, describe_syscalls } from '../../tools/fuzz/describe.ts';
import { Generator } from '../../tools/fuzz/gen.ts';
import { ChoiceTable, consumes } from '../../tools/fuzz/choice.ts';
import { Executor } from '../../tools/fuzz/executor.ts';
import { fake_source } from '../../tools/fuzz/cover.ts';
import { Fuzzer } from '../../tools/fuzz/fuzzer.ts';
import { type Call, RET, format_prog, num, parse_prog } from '../../tools/fuzz/prog.ts';
import { hostile, hostile_values, prng } from '../../tools/fuzz/values.ts';

const ARCHES = ['x86_64', 'arm64'] as const;
const EBADF = -9;

/** Index of a call's first plain fd argument (-1: none). */
const fd_arg = (d: CallDesc): number => d.args.indexOf('fd');

for (const arch of ARCHES) {
  test(`${arch}: generated calls that take an fd get a live one far more often than chance, and fewer EBADFs than hostile fds`, async (t) => {
    const f = new Fuzzer({ arch, seed: 4, cover: fake_source, boot: () => boot({ arch }) }), by = f.by_name;
    await f.run_one(f.setup_calls()); // what run() does first: the known-good producers
    const progs: Call[][] = Array.from({ length: 25 }, () => f.gen.gen_prog(16));
    let consumers = 0, live = 0;
    for (const p of progs) {
      p.forEach((c, i) => {
        const at = fd_arg(by.get(c.name)!);
        if (at < 0) return;
        consumers++;
        const a = c.args[at];
        if (a.t === 'res' && a.call < i && by.get(p[a.call].name)!.produces.some((x) => x.kind === 'fd' && (x.sub === a.sub || a.sub === RET))) live++;
      });
    }
    // Chance: the share of calls that produce an fd at all (what a uniform earlier call would be).
    const chance = f.descs.filter((d) => d.produces.some((x) => x.kind === 'fd')).length / f.descs.length;
    t.true(consumers > 60, `${consumers} fd consumers`);
    t.true(live / consumers > 0.6 && live / consumers > 3 * chance, `live fds in ${live}/${consumers}, chance ${chance.toFixed(2)}`);
    // Run: the same programs with each of those fds replaced by a hostile number (the random
    // fuzzer's choice, which hits the small fds real objects have) get EBADF far more often.
    const r = prng(9), values = hostile_values(f.k.sys_call_table);
    const control = progs.map((p) => p.map((c): Call => {
      const at = fd_arg(by.get(c.name)!), args = c.args.slice();
      if (at >= 0) args[at] = num(hostile(r, values));
      return { name: c.name, args };
    }));
    const ebadf = async (set: Call[][]): Promise<number> => {
      let n = 0, ran = 0;
      for (const p of set) (await f.run_one(p, false)).rets.forEach((ret, i) => { if (fd_arg(by.get(p[i].name)!) >= 0) { ran++; if (ret === EBADF) n++; } });
      return n / ran;
    };
    const guided = await ebadf(progs), hostile_fds = await ebadf(control);
    t.true(guided < 0.85 * hostile_fds, `EBADF: ${guided.toFixed(2)} with live fds, ${hostile_fds.toFixed(2)} with hostile ones`);
  });
}

test('the choice table ranks producers of the consumer\'s family first, and learns pairs from successful runs', (t) => {
  const k = boot(), descs = describe_syscalls(k), by = desc_index(descs), table = new ChoiceTable(descs), r = prng(7);
  const count = (consumer: string, want: RegExp): number => {
    let n = 0;
    for (let i = 0; i < 400; i++) if (want.test(table.producer(r, 'fd', by.get(consumer)!)!.name)) n++;
    return n;
  };
  const producers = descs.filter((d) => d.produces.some((x) => x.kind === 'fd')).length;
  t.true(producers > 15);
  // epoll_ctl's family (its name stem and its epoll_event argument) is epoll_create1's.
  t.true(count('epoll_ctl', /^epoll_create/) > 400 / 4, 'epoll producers for epoll_ctl');
  // listen has no family marker; the corpus teaches it that socket's fd is the one that works.
  const before = count('listen', /^socket$/);
  t.true(before < 400 / 8, `socket for listen by chance: ${before}/400`);
  const prog = parse_prog('r0 = socket(0x2, 0x1, 0x0)\nr1 = listen(r0, 0x4)');
  for (let i = 0; i < 5; i++) table.note_run(prog, [3, 0]);
  table.note_run(parse_prog('r0 = openat(0xffffffffffffff9c, &"/tmp/f0", 0x42, 0x1a4)\nr1 = listen(r0, 0x4)'), [3, -88]);
  t.true(count('listen', /^socket$/) > 400 / 3, 'after learning, socket first');
  t.true(consumes(by.get('listen')!).has('fd'));
  // A call that needs an fd in a program that has none gets a producer first, often.
  const g = new Generator(prng(2), descs, 'x86_64', k.sys_call_table);
  let with_producer = 0;
  for (let i = 0; i < 200; i++) {
    const p: Call[] = [];
    g.append_call(p);
    const last = by.get(p[p.length - 1].name)!;
    if (fd_arg(last) >= 0 && p.length > 1) with_producer++;
  }
  t.true(with_producer > 20, `${with_producer} calls came with their producer`);
});

test('the fork server: each program starts from the executor\'s state, blocked calls get EINTR, and a program that kills the executor does not stop the fuzzer', async (t) => {
  const k = boot(), by = desc_index(describe_syscalls(k)), e = new Executor(k, by, fake_source);
  const a = await e.run(parse_prog('r0 = setresuid(0xfffe, 0xfffe, 0xfffe)\nr1 = close(0x0)\nr2 = getuid()'));
  t.deepEqual(a.rets, [0, 0, 0xfffe]);
  const b = await e.run(parse_prog('r0 = getuid()\nr1 = fcntl(0x0, 0x1, 0x0)'));
  t.deepEqual(b.rets, [0, 0], 'the next program is root again, with its fd 0');
  const c = await e.run(parse_prog('r0 = pipe2(&[8], 0x0)\nr1 = read(r0.0, &[8], 0x8)\nr2 = getpid()'));
  t.is(c.rets[1], -4, 'a read of an empty pipe is interrupted with EINTR');
  t.is(c.rets.length, 3, 'and the program goes on');
  t.false(c.stuck);
  t.is(e.starts, 1);
  const d = await e.run(parse_prog('r0 = getppid()\nr1 = pidfd_open(r0, 0x0)\nr2 = pidfd_send_signal(r1, 0x9, 0x0, 0x0)\nr3 = getpid()'));
  t.true(d.stuck, 'the program died with its executor');
  const f = await e.run(parse_prog('r0 = getpid()'));
  t.true(f.rets[0] > 0, 'a new executor runs the next one');
  t.is(e.starts, 2);
  e.stop();
});

test('--execs-style budgets make a run depend on the seed only: the same corpus twice', async (t) => {
  const run = async (): Promise<string[]> => {
    const f = new Fuzzer({ arch: 'x86_64', seed: 5, cover: fake_source, boot: () => boot(), execs: 60 });
    const o = await f.run();
    t.is(o.execs, 60);
    return o.corpus_progs.map(format_prog);
  };
  const a = await run();
  t.true(a.length > 10);
  t.deepEqual(await run(), a);
});

const root = new URL('../..', import.meta.url).pathname;
test.serial('privos fuzz --execs N stops after N programs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'privos-fuzz-'));
  const r = spawnSync(process.execPath, ['bin/privos.js', 'fuzz', '--arch', 'arm64', '--execs', '25', '--seed', '3', '--corpus', dir], { cwd: root, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /guided on arm64, seed 3, 60s, 25 programs at most/);
  const last = [...r.stdout.matchAll(/corpus +(\d+) +execs +(\d+)/g)].at(-1)!;
  t.is(Number(last[2]), 25, r.stdout);
  t.is(readdirSync(dir).filter((x) => x.endsWith('.prog')).length, Number(last[1]));
  const bad = spawnSync(process.execPath, ['bin/privos.js', 'fuzz', '--execs', '-1'], { cwd: root, encoding: 'utf8' });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--execs wants a count/);
});
