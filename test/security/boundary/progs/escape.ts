/**
 * An ordinary program trying every way out of its realm it can think of. Each probe prints
 * `name: reached` if it got hold of something of the host or the kernel, else `name: no`.
 */
import type { Libc } from '../../../../libc/index.ts';

type Probe = () => unknown;

/** True if v is (or leads to) the host: a host object, function, or capability. */
function hostish(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  const g = v as Record<string, unknown>;
  return typeof g.process === 'object' || typeof g.require === 'function' || typeof (g as { mainModule?: unknown }).mainModule === 'object' ||
    typeof (g as { binding?: unknown }).binding === 'function' || (typeof g.pid === 'number' && typeof g.exit === 'function');
}

/** Runs a probe: anything it returns that smells of the host counts as reached. */
function attempt(fn: Probe): boolean {
  try { return hostish(fn()); } catch { return false; }
}

/** Function constructors along an object's constructor chain, tried with code that returns the host. */
function via_constructors(o: unknown): boolean {
  for (let x = o as { constructor?: unknown } | null, i = 0; x !== null && x !== undefined && i < 6; i++) {
    const F = (x as { constructor?: unknown }).constructor as FunctionConstructor | undefined;
    if (typeof F === 'function' && attempt(() => F('return this.process || globalThis.process')())) return true;
    if (typeof F === 'function' && attempt(() => (F.constructor as FunctionConstructor)('return process')())) return true;
    x = Object.getPrototypeOf(x) as { constructor?: unknown } | null;
  }
  return false;
}

export default async function main(libc: Libc): Promise<number> {
  const out: string[] = [];
  const say = (name: string, reached: boolean): void => { out.push(`${name}: ${reached ? 'reached' : 'no'}`); };
  const lc = libc as unknown as Record<string, unknown>;
  say('libc.task', lc.task !== undefined);
  say('libc.kernel', lc.kernel !== undefined || (lc.door as Record<string, unknown>).kernel !== undefined);
  say('globalThis.process', typeof (globalThis as Record<string, unknown>).process !== 'undefined');
  say('require', typeof (globalThis as Record<string, unknown>).require !== 'undefined');
  say('Buffer', typeof (globalThis as Record<string, unknown>).Buffer !== 'undefined');
  say('Function constructor', attempt(() => Function('return process')()));
  say('eval', attempt(() => (0, eval)('process')));
  let imported = false;
  try { await import('node:fs'); imported = true; } catch { /* refused */ }
  say('import()', imported);
  // Everything libc hands back: the libc object, its door and its functions, a syscall's number,
  // a sleeping call's promise, the marker of an unwound call, an error.
  const door = lc.door as Record<string, unknown>;
  say('libc constructors', via_constructors(libc));
  say('door constructors', via_constructors(door));
  let fns = false;
  for (const k of Object.keys(door)) if (typeof door[k] === 'function' && via_constructors(door[k])) fns = true;
  say('door functions', fns);
  const p = libc.nanosleep(1000) as unknown as Promise<number>;
  say('promise constructors', via_constructors(p));
  await p;
  let err: unknown = null;
  try { libc.scratch_push(2 ** 40); } catch (e) { err = e; }
  say('fault value', err !== null && via_constructors(err));
  say('Reflect over door', attempt(() => Reflect.ownKeys(door).map((k) => door[k as string]).find(hostish)));
  say('JSON of door', attempt(() => JSON.parse(JSON.stringify(door))));
  say('console', typeof (globalThis as Record<string, unknown>).console === 'object' && via_constructors((globalThis as { console: unknown }).console));
  say('frozen door', !Object.isFrozen(door));
  await libc.write(1, out.join('\n') + '\n');
  return 0;
}
