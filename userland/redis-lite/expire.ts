/**
 * expire.c: EXPIRE and friends with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST,
 * and the active expire cycle the cron runs hz times a second (lazy expiry is in db.ts).
 * Writes go to the AOF as PEXPIREAT with an absolute time, as Redis 7.0 propagates them.
 */
import { get_ll } from './cmdutil.ts';
import { register } from './commands.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC } from './notify.ts';
import type { Server } from './server.ts';
import { clients_paused } from './pause.ts';

const NX = 1, XX = 2, GT = 4, LT = 8;
const LLONG_MAX = 9223372036854775807;

function expire_flags(c: Client): number | null {
  let f = 0;
  for (let j = 3; j < c.argv.length; j++) {
    const o = c.argv[j].toUpperCase();
    if (o === 'NX') f |= NX; else if (o === 'XX') f |= XX; else if (o === 'GT') f |= GT; else if (o === 'LT') f |= LT;
    else { c.reply.error(`Unsupported option ${c.argv[j]}`); return null; }
  }
  if (f & NX && f & (XX | GT | LT)) { c.reply.error('NX and XX, GT or LT options at the same time are not compatible'); return null; }
  if (f & GT && f & LT) { c.reply.error('GT and LT options at the same time are not compatible'); return null; }
  return f;
}

function expire_generic(c: Client, base_now: boolean, ms: boolean, name: string): void {
  const flags = expire_flags(c);
  if (flags === null) return;
  const v = get_ll(c, c.argv[2]);
  if (v === null) return;
  let when = Number(v);
  const bad = (): void => c.reply.error(`invalid expire time in '${name}' command`);
  // Exact 64-bit bounds (C's LLONG_MAX / 1000 truncates; a double would round).
  if (!ms && (BigInt(v) > 9223372036854775807n / 1000n || BigInt(v) < -9223372036854775808n / 1000n)) { bad(); return; }
  if (!ms) when *= 1000;
  const base = base_now ? c.srv.now : 0;
  if (when > LLONG_MAX - base) { bad(); return; }
  when += base;
  const key = c.argv[1];
  if (c.db.peek(key) === undefined) { c.reply.int(0); return; }
  const cur = c.db.ttl_of(key) ?? -1;
  if ((flags & NX && cur !== -1) || (flags & XX && cur === -1) ||
    (flags & GT && (cur === -1 || when <= cur)) || (flags & LT && cur !== -1 && when >= cur)) { c.reply.int(0); return; }
  c.srv.dirty++;
  if (when <= c.srv.now) {
    c.db.delete(key);
    notify(c, NOTIFY_GENERIC, 'del', key);
    c.prop = [['DEL', key]];
  } else {
    c.db.set_expire(key, when);
    notify(c, NOTIFY_GENERIC, 'expire', key);
    c.prop = [['PEXPIREAT', key, String(when)]];
  }
  c.reply.int(1);
}

/** TTL/PTTL (ms=true) and EXPIRETIME/PEXPIRETIME (abs=true). */
function ttl_generic(c: Client, ms: boolean, abs: boolean): void {
  const key = c.argv[1];
  if (c.db.peek_notouch(key) === undefined) { c.reply.int(-2); return; }
  const when = c.db.ttl_of(key);
  if (when === undefined) { c.reply.int(-1); return; }
  if (abs) { c.reply.int(ms ? when : Math.floor(when / 1000)); return; }
  // ttlGenericCommand reads the clock (mstime()), not the time cached for the event-loop iteration.
  const libc = c.srv.libc, ttl = Math.max(0, when - Math.floor((libc.clock_ns(libc.CLOCK_REALTIME) as number) / 1e6));
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persist(c: Client): void {
  const key = c.argv[1];
  if (c.db.peek(key) === undefined || !c.db.expires.delete(key)) { c.reply.int(0); return; }
  c.db.touch(key);
  notify(c, NOTIFY_GENERIC, 'persist', key);
  c.srv.dirty++;
  c.reply.int(1);
}

const SAMPLE = 20, TIME_BUDGET_MS = 25;

/** activeExpireCycle: samples volatile keys per db, again while over a quarter were stale. */
export function active_expire_cycle(srv: Server, clock: () => number): void {
  if (clients_paused(srv)) return; // no expiry while clients are paused (they would not see it replicated)
  const start = clock();
  for (const db of srv.dbs) {
    for (let rounds = 0; db.expires.size > 0 && rounds < 1000; rounds++) {
      let sampled = 0, expired = 0;
      while (sampled < SAMPLE && db.expires.size > 0) {
        db.expire_cursor ??= db.expires.entries();
        const r = db.expire_cursor.next();
        if (r.done) { db.expire_cursor = null; if (sampled === 0) break; continue; }
        sampled++;
        if (r.value[1] <= srv.now && db.expire_if_needed(r.value[0])) expired++;
      }
      if (sampled === 0 || expired * 4 <= sampled || clock() - start > TIME_BUDGET_MS) break;
    }
  }
}

register('keyspace', [
  ['expire', -3, 'write fast', (c) => expire_generic(c, true, false, 'expire')],
  ['pexpire', -3, 'write fast', (c) => expire_generic(c, true, true, 'pexpire')],
  ['expireat', -3, 'write fast', (c) => expire_generic(c, false, false, 'expireat')],
  ['pexpireat', -3, 'write fast', (c) => expire_generic(c, false, true, 'pexpireat')],
  ['ttl', 2, 'readonly fast', (c) => ttl_generic(c, false, false)],
  ['pttl', 2, 'readonly fast', (c) => ttl_generic(c, true, false)],
  ['expiretime', 2, 'readonly fast', (c) => ttl_generic(c, false, true)],
  ['pexpiretime', 2, 'readonly fast', (c) => ttl_generic(c, true, true)],
  ['persist', 2, 'write fast', persist],
]);
