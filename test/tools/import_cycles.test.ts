import test from 'ava';
import { import_cycles, import_graph, include_leaks } from '../../tools/import_cycles.ts';

/**
 * The value-import cycles kernel/ may keep, each with its reason: only Linux's own, kernel/exit.c
 * and kernel/signal.c calling each other (do_group_exit ↔ send_signal). (af_unix's socket calls
 * and data path share struct unix_sock through unix_sock.ts, as Linux's through af_unix.h.)
 */
const ALLOWED = [
  ['kernel/sched/exit.ts', 'kernel/sched/signal.ts'],
].map((c) => c.join(' '));

const graph = import_graph('kernel');

test('kernel/ has no value-import cycle but the one Linux has', (t) => {
  const cycles = import_cycles(graph).map((c) => c.join(' '));
  t.deepEqual(cycles, ALLOWED);
});

test('include/ imports no value from outside include/', (t) => {
  t.deepEqual(include_leaks(graph), []);
});

test('the cycle finder finds a planted cycle and ignores a chain', (t) => {
  const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]]);
  t.deepEqual(import_cycles(g), [['a', 'b', 'c'], ['e']]);
  t.deepEqual(import_cycles(new Map([['a', ['b']], ['b', []]])), []);
});
