/**
 * The hot `privos run` command line (tools/run_args.ts) is parsed without yargs: for every line
 * it takes, the result is what yargs gives (tools/cli.ts run_builder); the rest it leaves to yargs.
 */
import test from 'ava';
import yargs from 'yargs';
import { split_program_args } from '../../tools/cli_args.ts';
import { run_builder } from '../../tools/cli.ts';
import { fast_run_args } from '../../tools/run_args.ts';

const KEYS = ['program', 'args', '--', 'arch', 'profile', 'dmesg', 'uid', 'gid', 'mem', 'privbox', 'mount', 'publish',
  'fdcap', 'fdcap-policy', 'soft-pac', 'kcov', 'strace'] as const;

/** What yargs gives `privos run` for a command line (split as the CLI splits it). */
async function by_yargs(args: string[]): Promise<Record<string, unknown>> {
  let got: Record<string, unknown> = {};
  await yargs(args).command('run <program> [args..]', '', run_builder, (a) => { got = { ...a }; })
    .fail((msg, err) => { throw err ?? new Error(msg); }).parseAsync();
  return Object.fromEntries(KEYS.map((k) => [k, got[k]]));
}

const PLAIN = [
  'run /bin/hello', 'run /bin/hello a b -c --d', 'run --privbox /bin/hello z', 'run --strace --arch arm64 /bin/echo hi',
  'run --mem=64 --uid 1000 --gid=100 /bin/id', 'run --fdcap --soft-pac --fdcap-policy kill /bin/cat /etc/hostname',
  'run --profile apple-m1 --arch=arm64 --dmesg --kcov /bin/true', 'run -- /bin/echo -n a', 'run /bin/ls -- x',
];

for (const line of PLAIN) {
  test.serial(`parsed as yargs parses it: privos ${line}`, async (t) => {
    const args = split_program_args(line.split(' '));
    const fast = fast_run_args(args);
    t.truthy(fast, 'the fast path takes it');
    t.deepEqual(Object.fromEntries(KEYS.map((k) => [k, (fast as unknown as Record<string, unknown>)[k]])), await by_yargs(args));
  });
}

test('anything less plain goes to yargs: help, aliases, --no-x, repeats, a bad choice, a missing program', (t) => {
  for (const line of ['run --help /bin/x', 'run -a arm64 /bin/x', 'run --no-dmesg /bin/x', 'run --dmesg --dmesg /bin/x',
    'run --arch sparc /bin/x', 'run --mount /a:/b /bin/x', 'run --mem', 'run', 'strace /bin/x', 'run --dmesg=true /bin/x']) {
    t.is(fast_run_args(split_program_args(line.split(' '))), null, line);
  }
});

test('a -- before PROGRAM ends the options, so PROGRAM may start with a dash (yargs would read it as flags)', (t) => {
  const r = fast_run_args(split_program_args(['run', '--', '-weird', 'x']));
  t.is(r?.program, '-weird');
  t.deepEqual(r?.['--'], ['x']);
});
