/**
 * redisProtocolToLuaType (script_lua.c): a reply the script's client received, as a Lua
 * value. RESP2: integer → number, bulk → string, null → false, array → table, status →
 * {ok=…}, error → {err=…}. RESP3 (after redis.setresp(3)): null → nil, map → {map=…},
 * set → {set=…}, double → {double=…}, boolean → boolean, big number → {big_number=…}.
 * Out-of-band pushes (tracking invalidations) are skipped.
 */
import { latin1 } from './bytes.ts';
import { type LuaValue, LuaTable } from './lua/lobject.ts';

interface Cursor { b: Uint8Array; p: number }

function line(c: Cursor): string {
  let e = c.p;
  while (c.b[e] !== 0x0d) e++;
  const s = latin1(c.b, c.p, e);
  c.p = e + 2;
  return s;
}

function wrap(field: string, v: LuaValue): LuaTable {
  const t = new LuaTable();
  t.set(field, v);
  return t;
}

function aggregate(c: Cursor, n: number, pairs: boolean): LuaTable {
  const t = new LuaTable();
  for (let i = 0; i < n; i++) {
    if (pairs) { const k = value(c); const v = value(c); t.set(k, v); }
    else t.set(i + 1, value(c));
  }
  return t;
}

function value(c: Cursor): LuaValue {
  const type = c.b[c.p++], head = line(c);
  switch (type) {
    case 0x3a: return Number(head); // ':'
    case 0x24: { // '$'
      const n = Number(head);
      if (n < 0) return false;
      const s = latin1(c.b, c.p, c.p + n);
      c.p += n + 2;
      return s;
    }
    case 0x2b: return wrap('ok', head); // '+'
    case 0x2d: return wrap('err', head); // '-'
    case 0x2a: return Number(head) < 0 ? false : aggregate(c, Number(head), false); // '*'
    case 0x5f: return undefined; // '_'
    case 0x25: { const t = aggregate(c, Number(head), true); return wrap('map', t); } // '%'
    case 0x7e: { const t = aggregate(c, Number(head), false); const s = new LuaTable(); for (const v of t.arr) s.set(v, true); return wrap('set', s); } // '~'
    case 0x2c: return wrap('double', Number(head.replace(/^inf$/, 'Infinity').replace(/^-inf$/, '-Infinity'))); // ','
    case 0x23: return head === 't'; // '#'
    case 0x28: return wrap('big_number', head); // '('
    case 0x3e: aggregate(c, Number(head), false); return value(c); // '>': a push, then the reply
    default: return false;
  }
}

/** The first reply in buf[0, len) (the command's own; a push before it is skipped). */
export function resp_to_lua(buf: Uint8Array, len: number): LuaValue {
  if (len === 0) return false;
  return value({ b: buf, p: 0 });
}
