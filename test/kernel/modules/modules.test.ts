/**
 * Loadable modules: the docs/writing-a-module.md walk-through (hello_dev: load with a
 * parameter, misc device read/write/ioctl, ENOTTY, unload), reference counts, the error
 * returns of init_module/finit_module/delete_module, the oops of a table write without lifting
 * write protection, and the _IOC encodings against the C headers.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devtmpfs_root } from '../../../kernel/fs/devfs/devtmpfs.ts';

import { _IO, _IOR, _IOW, _IOWR, _IOC_NR, _IOC_SIZE, _IOC_TYPE, _IOC_DIR } from '../../../kernel/include/uapi/ioctl.ts';
import { boot, capture_console, install_module, run } from '../../../tools/machine.ts';
import { have_cc } from '../../../tools/bench/harness.ts';

const HELLO = new URL('./fixtures/hello_dev.ts', import.meta.url).href;
const BAD = new URL('./fixtures/bad_hook.ts', import.meta.url).href;
const USER = new URL('./progs/hello_user.ts', import.meta.url).href;

function machine(arch: 'x86_64' | 'arm64' = 'x86_64') {
  const cap = capture_console('', { tty: true }) // a terminal: line-buffered stdout;
  const k = boot({ console: cap.console, arch });
  install_module(k, '/lib/modules/hello_dev.ko', HELLO);
  install_module(k, '/lib/modules/bad_hook.ko', BAD);
  const sh = async (program: string, args: string[] = [], uid = 0): Promise<number> =>
    (await run(k, { program, argv: [program, ...args], uid })).status;
  return { k, out: cap.output, sh };
}

test('the writing-a-module guide: insmod with a parameter, use /dev/hello, modinfo, rmmod', async (t) => {
  const m = machine();
  t.is(await m.sh('/sbin/modinfo', ['hello_dev']), 0);
  for (const re of [/^license:\s+GPL$/m, /^description:\s+says hello through \/dev\/hello$/m, /^name:\s+hello_dev$/m,
    /^parm:\s+greeting:what read returns \(charp\)$/m]) t.regex(m.out(), re);
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko', 'greeting=hi']), 0);
  t.truthy(devtmpfs_root(m.k).d_children.get('hello'));
  t.regex(m.k.kallsyms.proc_kallsyms(), /^ffffffffa0[0-9a-f]{6} T hello_init\t\[hello_dev\]$/m);
  t.not(m.k.kallsyms.kallsyms_lookup_name('hello_exit'), 0);
  t.is(await m.sh(USER), 0);
  t.regex(m.out(), /read=hi count=2 r=0 bad=-1 errno=25\n/); // ENOTTY for the unknown ioctl
  t.is(await m.sh('/sbin/rmmod', ['hello_dev']), 0);
  t.falsy(devtmpfs_root(m.k).d_children.get('hello'));
  t.false(m.k.kallsyms.proc_kallsyms().includes('[hello_dev]'));
  t.is(m.k.kallsyms.kallsyms_lookup_name('hello_exit'), 0);
  t.regex(m.k.log.text(), /hello: goodbye \(last write: 4 bytes\)/);
});

test('rmmod of a module whose device is open fails (in use, EWOULDBLOCK as Linux), then succeeds', async (t) => {
  const m = machine();
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko']), 0);
  t.is(await m.sh(USER, ['hold', '/sbin/rmmod', 'hello_dev']), 0); // rmmod runs while /dev/hello is open
  t.regex(m.out(), /rmmod: ERROR: Module hello_dev is in use/);
  t.is(await m.sh('/sbin/rmmod', ['hello_dev']), 0);
});

test('/proc/modules and lsmod: the loaded module, its size and users; addresses for root only', async (t) => {
  const m = machine();
  t.is(await m.sh('/sbin/lsmod'), 0);
  t.is(m.out(), 'Module                  Size  Used by\n', 'nothing loaded');
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko']), 0);
  t.is(await m.sh('/bin/cat', ['/proc/modules']), 0);
  t.regex(m.out(), /^hello_dev \d+ 0 - Live 0xffffffffa0[0-9a-f]{6} \(O\)$/m);
  t.is(await m.sh('/bin/cat', ['/proc/modules'], 1000), 0);
  t.regex(m.out(), /^hello_dev \d+ 0 - Live 0x0000000000000000 \(O\)$/m);
  t.is(await m.sh(USER, ['hold', '/sbin/lsmod']), 0); // lsmod runs while /dev/hello is open
  t.regex(m.out(), /^hello_dev\s+\d+  1$/m, 'one user while /dev/hello is open');
  t.is(await m.sh('/sbin/rmmod', ['hello_dev']), 0);
  t.is(await m.sh('/bin/cat', ['/proc/modules']), 0);
  t.notRegex(m.out().split('holding').pop()!, /^hello_dev .* Live/m);
});

test('module syscall errors: EPERM for non-root, EEXIST, ENOENT, ENOEXEC, EINVAL parameter', async (t) => {
  const m = machine();
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko'], 1000), 1);
  t.regex(m.out(), /could not insert module \/lib\/modules\/hello_dev\.ko: Operation not permitted/);
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko']), 0);
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/hello_dev.ko']), 1);
  t.regex(m.out(), /hello_dev\.ko: File exists/);
  t.is(await m.sh('/sbin/rmmod', ['hello_dev'], 1000), 1);
  t.regex(m.out(), /could not remove module hello_dev: Operation not permitted/);
  t.is(await m.sh('/sbin/rmmod', ['nosuch']), 1);
  t.regex(m.out(), /Module nosuch is not currently loaded/);
  t.is(await m.sh('/sbin/insmod', ['/bin/hello']), 1);
  t.regex(m.out(), /could not insert module \/bin\/hello: Exec format error/);
  t.is(await m.sh('/sbin/insmod', ['/lib/modules/fdcap.ko', 'soft_pac=maybe']), 1);
  t.regex(m.out(), /fdcap\.ko: Invalid argument/);
});

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: writing sys_call_table without lifting protection oopses; the kernel lives`, async (t) => {
    const m = machine(arch);
    const st = await m.sh('/sbin/insmod', ['/lib/modules/bad_hook.ko']);
    t.is(st, 128 + 11, 'insmod dies of SIGSEGV');
    t.regex(m.k.log.text(), /BUG: in finit_module: unable to handle page fault for address [0-9a-f]+: write to a read-only page/);
    t.regex(m.k.log.text(), /Oops: \w+ \[#\d+\] CPU: 0 PID: \d+ Comm: insmod/);
    t.is(await m.sh('/bin/true'), 0);
    t.false(m.k.kallsyms.proc_kallsyms().includes('[bad_hook]'));
  });
}

test('_IO/_IOR/_IOW/_IOWR encode exactly as the C headers', (t) => {
  const ours = [_IO('f', 1), _IOR('f', 2, 4), _IOW('V', 3, 8), _IOWR(0xfc, 4, 16), _IOR('T', 0x13, 8)];
  t.is(_IOC_NR(ours[3]), 4); t.is(_IOC_TYPE(ours[3]), 0xfc); t.is(_IOC_SIZE(ours[3]), 16); t.is(_IOC_DIR(ours[3]), 3);
  if (!have_cc()) { t.log('no C compiler: compared with the decoded fields only'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'privos-ioc-'));
  writeFileSync(join(dir, 'ioc.c'), `#include <stdio.h>
#include <linux/ioctl.h>
struct s16 { char b[16]; };
int main(void){ printf("%u %u %u %u %u\\n", _IO('f',1), _IOR('f',2,int), _IOW('V',3,long), _IOWR(0xfc,4,struct s16), _IOR('T',0x13,long)); return 0; }`);
  execFileSync('cc', ['-o', join(dir, 'ioc'), join(dir, 'ioc.c')]);
  const c = execFileSync(join(dir, 'ioc'), { encoding: 'utf8' }).trim().split(' ').map(Number);
  t.deepEqual(ours, c);
});
