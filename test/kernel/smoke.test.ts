import test from 'ava';
import { boot, run, capture_console } from '../../tools/machine.ts';

test('boot → /bin/hello → syscalls → exit status 0, output on the console', async (t) => {
  const cap = capture_console();
  const k = boot({ console: cap.console });
  const r = await run(k, { program: '/bin/hello', argv: ['hello', 'x'] });
  t.is(r.status, 0);
  t.regex(cap.output(), /Hello from privos! pid 1, x86_64, argv=\["hello","x"\]/);
  t.regex(cap.output(), /hostname: privos/);
});
