// A plain ESM project's test of privos (no TypeScript loader): node test.mjs.
// test/tools/lib_package.test.ts installs privos next to it and runs it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boot } from 'privos';

test('privos from another project', async () => {
  const m = await boot({ arch: 'arm64', mem: 64 });
  try {
    await m.writeFile('/tmp/greeting', 'hello from the host\n');
    const cat = await m.run('/bin/cat', ['/tmp/greeting']);
    assert.deepEqual([cat.status, cat.signal, cat.stdout, cat.stderr], [0, null, 'hello from the host\n', '']);

    const both = await m.run('./both.mjs', ['a', 'b']);
    assert.equal(both.stdout, 'to stdout: a b\n');
    assert.equal(both.stderr, 'to stderr\n');
    assert.equal(both.status, 3);
    assert.ok(both.cycles.user > 0 && both.cycles.system > 0);

    const segv = await m.run('./both.mjs', ['null']);
    assert.deepEqual([segv.status, segv.signal, segv.stdout, segv.stderr], [null, 'SIGSEGV', 'to stdout: null\n', 'to stderr\n']);

    await m.loadModule('./greet.mjs', { greeting: 'hi' });
    const greet = await m.run('/bin/cat', ['/dev/greet']);
    assert.deepEqual([greet.status, greet.stdout, greet.stderr], [0, 'hi\n', '']);

    await assert.rejects(m.readFile('/tmp/missing'), { code: 'ENOENT', syscall: 'open', path: '/tmp/missing' });
    assert.match(m.dmesg(), /Linux version/);
  } finally {
    await m.shutdown();
  }
});
