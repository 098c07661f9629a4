/**
 * The procfs and sysfs files a user expects (issue 13 §5), each compared with this machine's
 * real /proc where the format can be compared: cpuinfo per arch, stat, loadavg, /proc/sys
 * (read, and written where Linux lets root write), VmRSS/VmPeak, the program in maps,
 * /dev/kmsg, /sys/module/NAME/parameters.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import type { Libc } from '../../../libc/index.ts';
import { boot, run_inline } from '../../../tools/machine.ts';
import { calc_load, EXP_1, FIXED_1, fmt_load } from '../../../kernel/sched/loadavg.ts';
import { load_fdcap } from '../../../kernel/modules/fdcap/load.ts';
import { find_module } from '../../../kernel/modules/main.ts';
import { skylake_nopti } from '../../../kernel/arch/x86/profile_skylake.ts';

async function cat(l: Libc, path: string): Promise<string | null> {
  const fd = await l.open(path, l.O_RDONLY);
  if (fd < 0) return null;
  const b = l.malloc(1 << 16); let out = '', n: number;
  while ((n = await l.read(fd, b, 1 << 16)) > 0) out += Buffer.from(l.peek(b, n)).toString();
  await l.close(fd);
  return out;
}

/** write(2) of text to path: the errno on failure, else 0. */
async function echo(l: Libc, path: string, text: string): Promise<number> {
  const fd = await l.open(path, l.O_WRONLY);
  if (fd < 0) return l.errno;
  const r = await l.write(fd, text);
  await l.close(fd);
  return r < 0 ? l.errno : 0;
}

const keys = (text: string, sep: RegExp | string): string[] => text.split('\n').filter(Boolean).map((line) => line.split(sep)[0]);

test('/proc/cpuinfo on x86_64: the host format; flags has smap, smep and pti as the machine has them', async (t) => {
  const host = readFileSync('/proc/cpuinfo', 'utf8');
  for (const [opts, want] of [[{}, ['smap', 'smep', 'pti']], [{ profile: skylake_nopti, features: { smap: false } }, ['smep']]] as const) {
    await run_inline(boot(opts), async (l) => {
      const info = (await cat(l, '/proc/cpuinfo'))!;
      const flags = /^flags\t\t: (.*)$/m.exec(info)![1].split(' ');
      for (const f of ['smap', 'smep', 'pti']) t.is(flags.includes(f), (want as readonly string[]).includes(f), f);
      if (host.includes('vendor_id')) {
        // Every key privos shows is one the host's x86 kernel shows, with the same tab layout.
        const host_keys = new Set([...host.split('\n').map((line) => line.split(':')[0]), 'microcode\t']); // a VM hides microcode
        for (const line of info.split('\n').filter(Boolean)) t.true(host_keys.has(line.split(':')[0]), line);
      }
    });
  }
});

test('/proc/cpuinfo on arm64: Features has paca and pacg; the arm64 keys', async (t) => {
  await run_inline(boot({ arch: 'arm64' }), async (l) => {
    const info = (await cat(l, '/proc/cpuinfo'))!;
    const features = /^Features\t: (.*)$/m.exec(info)![1].split(' ');
    t.true(features.includes('paca') && features.includes('pacg'));
    t.deepEqual(keys(info, /\s*:/), ['processor', 'BogoMIPS', 'Features', 'CPU implementer', 'CPU architecture', 'CPU variant', 'CPU part', 'CPU revision']);
  });
});

test('/proc/stat and /proc/loadavg have the host layout; loadavg counts tasks and the last pid', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const stat = (await cat(l, '/proc/stat'))!;
    const host = readFileSync('/proc/stat', 'utf8');
    const host_keys = new Set(keys(host, ' '));
    for (const key of keys(stat, ' ')) t.true(host_keys.has(key), key);
    t.is(/^cpu {2}(.*)$/m.exec(stat)![1].split(' ').length, /^cpu {2}(.*)$/m.exec(host)![1].split(' ').length);
    t.regex(stat, /^processes 1$/m);
    t.true(Number(/^ctxt (\d+)$/m.exec(stat)![1]) >= 1);
    const loadavg = /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/;
    t.regex(readFileSync('/proc/loadavg', 'utf8'), loadavg);
    const child = await l.fork(async (c) => { await c.sleep(10); return 0; });
    let la = '';
    // Until the child has gone to sleep in nanosleep, it is running too.
    for (let i = 0; i < 100 && !la.endsWith(` 1/2 ${child}\n`); i++) { await l.usleep(1000); la = (await cat(l, '/proc/loadavg'))!; }
    t.regex(la, loadavg);
    t.true(la.endsWith(` 1/2 ${child}\n`), la);
    await l.kill(child, l.SIGKILL);
    await l.wait(0);
  });
});

test('calc_load decays toward the active count as Linux computes it', (t) => {
  t.is(calc_load(0, EXP_1, FIXED_1), 164, 'one period with one task running: (2048 * 164 + 2047) / 2048');
  t.is(fmt_load(164), '0.08');
  let load = 0;
  for (let i = 0; i < 200; i++) load = calc_load(load, EXP_1, 2 * FIXED_1);
  t.is(fmt_load(load), '2.00');
});

test('/proc/sys: values; root writes the writable ones (and they take effect), others may not', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    t.is(await cat(l, '/proc/sys/kernel/ostype'), 'Linux\n');
    t.is(await cat(l, '/proc/sys/kernel/osrelease'), '6.18.0-privos\n');
    t.is(await cat(l, '/proc/sys/kernel/pid_max'), '32768\n');
    t.is(await cat(l, '/proc/sys/net/core/somaxconn'), '4096\n');
    t.is(await cat(l, '/proc/sys/fs/file-max'), '13107\n', '10% of 128 MiB at 1 KiB per file');
    t.is(await echo(l, '/proc/sys/kernel/ostype', 'Plan9\n'), l.EACCES, 'read-only, for root too');
    t.is(await echo(l, '/proc/sys/kernel/pid_max', '100\n'), l.EINVAL, 'below RESERVED_PIDS + 1');
    t.is(await echo(l, '/proc/sys/kernel/pid_max', 'many\n'), l.EINVAL);
    t.is(await echo(l, '/proc/sys/net/core/somaxconn', '16\n'), 0);
    t.is(await cat(l, '/proc/sys/net/core/somaxconn'), '16\n');
    t.is(await echo(l, '/proc/sys/kernel/pid_max', '400\n'), 0);
    // pids wrap past pid_max to RESERVED_PIDS (300).
    k.next_pid = 399;
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) { pids.push(await l.fork(async () => 0)); await l.wait(0); }
    t.deepEqual(pids, [399, 300]);
  });
  const { status } = await run_inline(k, async (l) => (await echo(l, '/proc/sys/net/core/somaxconn', '1\n')) === l.EACCES ? 0 : 1, [], 1000);
  t.is(status, 0, 'a user may not write');
});

test('/proc/PID/status has VmPeak, VmRSS and the rest in the host order; maps names the program', async (t) => {
  const host = keys(readFileSync('/proc/self/status', 'utf8'), ':').filter((key) => /^(Vm|Rss)/.test(key));
  await run_inline(boot(), async (l) => {
    const before = (await cat(l, '/proc/self/status'))!;
    const mine = keys(before, ':').filter((key) => /^(Vm|Rss)/.test(key));
    t.deepEqual(mine, host);
    const kb = (s: string, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(s)![1]);
    const p = l.mmap(0, 1 << 20, l.PROT_READ | l.PROT_WRITE, l.MAP_PRIVATE | l.MAP_ANONYMOUS, -1, 0) as number;
    for (let a = p; a < p + (1 << 20); a += 4096) l.poke_u8(a, 1); // fault in 256 pages
    const during = (await cat(l, '/proc/self/status'))!;
    t.true(kb(during, 'VmRSS') - kb(before, 'VmRSS') >= 1024, 'the touched MiB is resident');
    await l.munmap(p, 1 << 20);
    const after = (await cat(l, '/proc/self/status'))!;
    t.true(kb(after, 'VmPeak') >= kb(during, 'VmSize'), 'VmPeak remembers the peak');
    t.true(kb(after, 'VmSize') < kb(during, 'VmSize'));
    t.true(kb(after, 'VmHWM') >= kb(during, 'VmRSS'));
    const maps = (await cat(l, '/proc/self/maps'))!;
    t.regex(maps, /^00400000-04400000 r-xp 00000000 00:00 0 +inline$/m);
    const lb = l.malloc(4096);
    const n = await l.readlink('/proc/self/exe', lb, 4096);
    t.regex(Buffer.from(l.peek(lb, n)).toString(), /^inline$/); // the harness program's name (an exec'd image: its path)
  });
});

test('/dev/kmsg: one record per read in the kernel format; a write is a record', async (t) => {
  const k = boot();
  await run_inline(k, async (l) => {
    const fd = await l.open('/dev/kmsg', l.O_RDWR | l.O_NONBLOCK);
    const b = l.malloc(4096);
    const first = Buffer.from(l.peek(b, await l.read(fd, b, 4096))).toString();
    t.regex(first, /^5,0,\d+,-;Linux version 6\.18\.0-privos .*\n$/);
    t.is(await l.read(fd, b, 8), -1, 'a buffer too small for the record');
    t.is(l.errno, l.EINVAL);
    while (await l.read(fd, b, 4096) > 0);
    t.is(l.errno, l.EAGAIN, 'the end, nonblocking');
    t.is(await l.write(fd, '<3>privos-test: hello\n'), 22);
    const mine = Buffer.from(l.peek(b, await l.read(fd, b, 4096))).toString();
    t.regex(mine, /^11,\d+,\d+,-;privos-test: hello\n$/, 'LOG_USER|LOG_ERR');
    t.is(await l.write(fd, 'plain\n'), 6);
    t.regex(Buffer.from(l.peek(b, await l.read(fd, b, 4096))).toString(), /^12,\d+,\d+,-;plain\n$/, 'LOG_USER|LOG_WARNING');
  });
  t.true(k.log.text().includes('privos-test: hello'));
});

test('/sys/module/NAME/parameters: a module parameter read and, where its mode lets root, written', async (t) => {
  const k = boot({ arch: 'arm64' });
  await load_fdcap(k, { policy: 'ebadf' });
  await run_inline(k, async (l) => {
    t.deepEqual(await l.listdir('/sys/module/fdcap/parameters'), ['.', '..', 'enter_nonce', 'max_failures', 'policy', 'soft_pac']);
    t.is(await cat(l, '/sys/module/fdcap/parameters/policy'), 'ebadf\n');
    t.is(await cat(l, '/sys/module/fdcap/initstate'), 'live\n');
    t.is(await echo(l, '/sys/module/fdcap/parameters/policy', 'kill\n'), 0);
  });
  t.is(find_module(k, 'fdcap')!.params.find((p) => p.name === 'policy')!.value, 'kill', 'the module sees the write');
  await run_inline(k, async (l) => {
    t.is(await cat(l, '/sys/module/fdcap/parameters/soft_pac'), 'N\n');
    t.is(await echo(l, '/sys/module/fdcap/parameters/soft_pac', 'Y\n'), l.EACCES, '0444: not even root');
    t.is(await cat(l, '/sys/module/nosuch/parameters/x'), null);
  });
});

test('/sys/kernel and /sys/devices/system/cpu: what privos backs, read-only as on Linux, compared with this machine', async (t) => {
  const k = boot();
  k.oops_count = 2;
  const host = (p: string): string | null => { try { return readFileSync(p, 'utf8'); } catch { return null; } };
  await run_inline(k, async (l) => {
    t.is(await cat(l, '/sys/kernel/oops_count'), '2\n', 'the kernel\'s own oops counter');
    t.is(await cat(l, '/sys/kernel/cpu_byteorder'), 'little\n');
    t.is(await cat(l, '/sys/kernel/address_bits'), '64\n');
    for (const f of ['address_bits', 'cpu_byteorder']) {
      const h = host(`/sys/kernel/${f}`);
      if (h !== null) t.is(await cat(l, `/sys/kernel/${f}`), h, `/sys/kernel/${f} as on this machine`);
    }
    for (const f of ['online', 'possible', 'present']) t.is(await cat(l, `/sys/devices/system/cpu/${f}`), '0\n', 'one CPU');
    t.is(await echo(l, '/sys/kernel/oops_count', '0\n'), l.EACCES, '0444: not even root');
    t.is(await echo(l, '/sys/devices/system/cpu/online', '0\n'), l.EACCES);
    t.true((await l.listdir('/sys/kernel') as string[]).includes('debug'), 'debugfs is still there');
    t.is(await cat(l, '/sys/class/net/lo/mtu'), null, 'no network interfaces: nothing pretends to be one');
  });
});
