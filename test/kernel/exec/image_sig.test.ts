/**
 * Image signatures (kernel/fs/image_sig.ts): the loader takes an image's build tags at their word
 * only when the toolchain signed it. A hand-made image that claims `ops=v2` (instrumented) but
 * carries a loop the user-op pass never saw would otherwise hold the whole machine; the loader
 * runs the pass over any unsigned image, so the watchdog sees its loops.
 */
import test from 'ava';
import { boot, capture_console, run, shell_status, spawn } from '../../../tools/machine.ts';
import { format_image, parse_image } from '../../../kernel/include/uapi/privos_image.ts';
import { image_sign, image_signed, set_load_pass } from '../../../kernel/fs/image_sig.ts';
import { link_program } from '../../../tools/link/link.ts';
import { instrument_image } from '../../../tools/link/instrument.ts';
import { C } from '../../../kernel/time/cost.ts';
import type { Kernel } from '../../../kernel/kernel.ts';

const SYS_exit_group = 231; // x86_64
const hand_made = (body: string, sig = ''): string => format_image(
  { entry: '_start', source: 'hand-made', build: 'sfi=none ops=v2', hash: '0'.repeat(64), sig },
  `(function () { return (door) => { ${body}; door.syscall(${SYS_exit_group}, 0, 0, 0, 0, 0, 0); }; })`);

async function ops_of(k: Kernel, image: string): Promise<number> {
  const before = k.cpu.breakdown[C.user_op];
  const t = await spawn(k, { program: '/tmp/hand', argv: ['hand'], image });
  if (shell_status(await t.exited) !== 0) throw new Error(k.log.text());
  return (k.cpu.breakdown[C.user_op] - before) / k.cpu.profile.cost.user_op;
}

test.serial('the linker signs its images; an edited one is no longer signed', (t) => {
  const img = parse_image(link_program('userland/coreutils/true.ts'))!;
  t.true(image_signed(img.header, img.code));
  t.false(image_signed(img.header, img.code.replace('true', 'True')));
  t.false(image_signed({ ...img.header, build: img.header.build.replace('sfi=none', 'sfi=full') }, img.code));
  t.false(image_signed({ ...img.header, sig: '' }, img.code));
});

test.serial("an unsigned image's forged ops=v2 tag is ignored: its loop is counted (uncounted with the load pass off)", async (t) => {
  const k = boot({ console: capture_console().console });
  const loop = 'for (let i = 0; i < 1000000; i++) {}';
  const forged_sig = image_sign({ entry: '_start', build: 'sfi=none ops=v2', hash: '1'.repeat(64) });
  t.true(await ops_of(k, hand_made(loop)) >= 1_000_000);
  t.true(await ops_of(k, hand_made(loop, forged_sig)) >= 1_000_000, 'a signature over another hash does not transfer');
  // The defence off: the loader trusts the tag (the pass is the identity) and the loop goes unseen.
  set_load_pass((code) => code);
  try {
    t.true(await ops_of(k, hand_made(loop.replace('1000000', '1000001'))) < 1000);
  } finally { set_load_pass(instrument_image); }
});

test.serial('an unsigned image that spins without syscalls dies of SIGXCPU; the machine carries on', async (t) => {
  const k = boot({ console: capture_console().console });
  const task = await spawn(k, { program: '/tmp/spin', argv: ['spin'], image: hand_made('for (;;) {}') });
  const ws = await task.exited;
  t.is(ws & 0x7f, 24); // SIGXCPU
  t.regex(k.log.text(), /watchdog: .*SIGXCPU/);
  t.is((await run(k, { program: '/bin/true', argv: ['true'] })).status, 0);
});

test.serial("an unsigned image may not use the pass's reserved names (it could reach the op counter)", async (t) => {
  const k = boot({ console: capture_console().console });
  await t.throwsAsync(spawn(k, { program: '/tmp/evil', argv: ['evil'], image: hand_made('const __po_c = [1e9]') }), { message: /errno 8/ });
  t.regex(k.log.text(), /refused by the user-op pass: .*'__po_c' is reserved by the linker/);
});

test.serial('no realm has Atomics.wait (it would block the host thread); pathological regexps end', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const src = `export default async function main(libc) {
    await libc.puts(typeof Atomics.wait + ' ' + typeof Atomics.add);
    await libc.puts(String(/(a+)+$/.test('a'.repeat(40) + 'b')));
    return 0;
  }`;
  const r = await run(k, { program: `data:text/typescript,${encodeURIComponent(src)}`, argv: ['p'] });
  t.is(r.status, 0, k.log.text());
  t.is(cap.output(), 'undefined function\nfalse\n');
});
