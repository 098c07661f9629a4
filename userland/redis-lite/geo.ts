/**
 * geo.c: geospatial indexes are sorted sets whose scores are 52-bit geohashes (geohash.ts).
 * GEOADD (as ZADD), GEOPOS, GEODIST, GEOHASH, and the searches GEORADIUS[BYMEMBER][_RO],
 * GEOSEARCH and GEOSEARCHSTORE, which read the nine geohash boxes around the centre and keep
 * the points inside the circle or box.
 */
import { get_double, get_ll, lookup_typed, opt } from './cmdutil.ts';
import { register } from './commands.ts';
import { align52, decode_score, distance, encode, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, GEO_STEP_MAX, type Hash, search_boxes, type Shape, within } from './geohash.ts';
import { printf_f } from './util.ts';
import type { Client } from './networking.ts';
import { notify, NOTIFY_GENERIC, NOTIFY_ZSET } from './notify.ts';
import { SYNTAX } from './resp.ts';
import { zadd } from './t_zset.ts';
import { ZSet } from './t_zset_obj.ts';

interface GeoPoint { member: string; score: number; x: number; y: number; dist: number }

/** extractLongLatOrReply. */
function lonlat(c: Client, i: number): [number, number] | null {
  const x = get_double(c, c.argv[i]), y = x === null ? null : get_double(c, c.argv[i + 1]);
  if (x === null || y === null) return null;
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    // The format's trailing CRLF is trimmed by addReplyErrorFormat.
    c.reply.error(`invalid longitude,latitude pair ${printf_f(x)},${printf_f(y)}`);
    return null;
  }
  return [x, y];
}

const UNITS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

function unit(c: Client, s: string): number | null {
  const u = UNITS[s.toLowerCase()];
  if (u === undefined) { c.reply.error('unsupported unit provided. please use M, KM, FT, MI'); return null; }
  return u;
}

/** %.17Lf of the double, zeros trimmed (addReplyHumanLongDouble); RESP3 gets a double. */
function human(c: Client, v: number): void {
  if (c.resp > 2) { c.reply.double(v); return; }
  const s = v.toFixed(17);
  c.reply.bulk(s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
}

function geoadd(c: Client): void {
  let i = 2, nx = false, xx = false;
  for (; i < c.argv.length; i++) {
    if (opt(c.argv[i], 'NX')) nx = true; else if (opt(c.argv[i], 'XX')) xx = true; else if (!opt(c.argv[i], 'CH')) break;
  }
  if ((c.argv.length - i) % 3 || (nx && xx)) { c.reply.error(SYNTAX); return; }
  const argv = ['zadd', ...c.argv.slice(1, i)];
  for (let j = i; j < c.argv.length; j += 3) {
    const xy = lonlat(c, j);
    if (!xy) return;
    argv.push(String(align52(encode(xy[0], xy[1], GEO_STEP_MAX)!)), c.argv[j + 2]);
  }
  // Run as the ZADD it is (and is propagated as).
  c.argv = argv;
  zadd(c, false);
}

/** GEOPOS/GEOHASH: one reply per member, `missing` for those not in the set. */
function per_member(c: Client, missing: () => void, found: (xy: [number, number]) => void): void {
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  c.reply.array(c.argv.length - 2);
  for (let j = 2; j < c.argv.length; j++) {
    const s = z?.dict.get(c.argv[j]);
    if (s === undefined) missing(); else found(decode_score(s));
  }
}

function geopos(c: Client): void {
  per_member(c, () => c.reply.nil_array(), ([x, y]) => { c.reply.array(2); human(c, x); human(c, y); });
}

const dist_str = (d: number): string => d.toFixed(4);

function geodist(c: Client): void {
  let to = 1;
  if (c.argv.length === 5) { const u = unit(c, c.argv[4]); if (u === null) return; to = u; } else if (c.argv.length > 5) { c.reply.error(SYNTAX); return; }
  const z = lookup_typed(c, c.argv[1], ZSet);
  if (z === null) return;
  const s1 = z?.dict.get(c.argv[2]), s2 = z?.dict.get(c.argv[3]);
  if (s1 === undefined || s2 === undefined) { c.reply.nil(); return; }
  const [a, b] = [decode_score(s1), decode_score(s2)];
  c.reply.bulk(dist_str(distance(a[0], a[1], b[0], b[1]) / to));
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH: 11 characters of the standard geohash (re-encoded over -90..90 latitude). */
function geohash(c: Client): void {
  per_member(c, () => c.reply.nil(), ([x, y]) => {
    const h = encode(x, y, 26, [{ min: -180, max: 180 }, { min: -90, max: 90 }])!;
    let out = '';
    for (let i = 0; i < 11; i++) out += ALPHABET[i === 10 ? 0 : Number((h.bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
    c.reply.bulk(out);
  });
}

/** membersOfAllNeighbors: the points of each box (skipping a box equal to the last one read), up to limit. */
function points_in_boxes(z: ZSet, s: Shape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  let last: Hash | null = null;
  for (const h of search_boxes(s)) {
    if (!h) continue;
    if (last && h.bits === last.bits && h.step === last.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const min = Number(align52(h)), max = Number(align52({ bits: h.bits + 1n, step: h.step }));
    for (let n = z.zsl.first_in_range({ min, max, minex: false, maxex: true }); n && n.score < max; n = n.forward[0]) {
      const [x, y] = decode_score(n.score), d = within(s, x, y);
      if (d !== null) out.push({ member: n.ele, score: n.score, x, y, dist: d });
      if (out.length && limit && out.length >= limit) break;
    }
    last = h;
  }
  return out;
}

const RADIUS_COORDS = 1, RADIUS_MEMBER = 2, RADIUS_NOSTORE = 4, GEOSEARCH = 8, GEOSEARCHSTORE = 16;

interface SearchOpts { withdist: boolean; withhash: boolean; withcoord: boolean; any: boolean; sort: 0 | 1 | -1; count: number; store: string | null; storedist: boolean; from: boolean; by: boolean }

/** The search's centre from a member of z; null after replying. */
function member_xy(c: Client, z: ZSet, m: string): [number, number] | null {
  const s = z.dict.get(m);
  if (s === undefined) { c.reply.error('could not decode requested zset member'); return null; }
  return decode_score(s);
}

/** A distance (radius) or a box: fills the shape; false after replying. */
function shape_size(c: Client, s: Shape, i: number, box: boolean): boolean {
  const n = box ? 2 : 1, vals: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = get_double(c, c.argv[i + k], box ? (k ? 'need numeric height' : 'need numeric width') : 'need numeric radius');
    if (v === null) return false;
    vals.push(v);
  }
  if (vals.some((v) => v < 0)) { c.reply.error(box ? 'height or width cannot be negative' : 'radius cannot be negative'); return false; }
  const u = unit(c, c.argv[i + n]);
  if (u === null) return false;
  s.conversion = u;
  if (box) s.box = [vals[0], vals[1]]; else s.radius = vals[0];
  return true;
}

/** georadiusGeneric's option loop; null after replying. */
function search_opts(c: Client, base: number, flags: number, z: ZSet | undefined, s: Shape): SearchOpts | null {
  const o: SearchOpts = { withdist: false, withhash: false, withcoord: false, any: false, sort: 0, count: 0, store: flags & GEOSEARCHSTORE ? c.argv[1] : null, storedist: false, from: false, by: false };
  const search = !!(flags & GEOSEARCH), store_ok = !(flags & (RADIUS_NOSTORE | GEOSEARCH));
  for (let i = base; i < c.argv.length; i++) {
    const a = c.argv[i], left = c.argv.length - 1 - i;
    if (opt(a, 'WITHDIST')) o.withdist = true;
    else if (opt(a, 'WITHHASH')) o.withhash = true;
    else if (opt(a, 'WITHCOORD')) o.withcoord = true;
    else if (opt(a, 'ANY')) o.any = true;
    else if (opt(a, 'ASC')) o.sort = 1;
    else if (opt(a, 'DESC')) o.sort = -1;
    else if (opt(a, 'COUNT') && left >= 1) {
      const n = get_ll(c, c.argv[++i]);
      if (n === null) return null;
      if (n <= 0) { c.reply.error('COUNT must be > 0'); return null; }
      o.count = Number(n);
    } else if ((opt(a, 'STORE') || opt(a, 'STOREDIST')) && left >= 1 && store_ok) { o.store = c.argv[++i]; o.storedist = opt(a, 'STOREDIST'); }
    else if (opt(a, 'STOREDIST') && search && flags & GEOSEARCHSTORE) o.storedist = true;
    else if (opt(a, 'FROMMEMBER') && left >= 1 && search && !o.from) {
      if (z) { const xy = member_xy(c, z, c.argv[i + 1]); if (!xy) return null; s.xy = xy; }
      o.from = true; i++;
    } else if (opt(a, 'FROMLONLAT') && left >= 2 && search && !o.from) {
      const xy = lonlat(c, i + 1);
      if (!xy) return null;
      s.xy = xy; o.from = true; i += 2;
    } else if (opt(a, 'BYRADIUS') && left >= 2 && search && !o.by) { if (!shape_size(c, s, i + 1, false)) return null; o.by = true; i += 2; }
    else if (opt(a, 'BYBOX') && left >= 3 && search && !o.by) { if (!shape_size(c, s, i + 1, true)) return null; o.by = true; i += 3; }
    else { c.reply.error(SYNTAX); return null; }
  }
  return o;
}

/** The checks after the options; an error message or null. */
function search_opts_error(c: Client, flags: number, o: SearchOpts): string | null {
  if (o.store && (o.withdist || o.withhash || o.withcoord)) {
    return `${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
  }
  if (flags & GEOSEARCH && !o.from) return `exactly one of FROMMEMBER or FROMLONLAT can be specified for ${c.argv[0]}`;
  if (flags & GEOSEARCH && !o.by) return `exactly one of BYRADIUS and BYBOX can be specified for ${c.argv[0]}`;
  if (o.any && !o.count) return 'the ANY argument requires COUNT argument';
  return null;
}

function georadius_generic(c: Client, src: number, flags: number): void {
  const z = lookup_typed(c, c.argv[src], ZSet);
  if (z === null) return;
  const s: Shape = { xy: [0, 0], conversion: 1, radius: 0, box: null, bounds: [] };
  let base = 2;
  if (flags & RADIUS_COORDS) {
    base = 6;
    const xy = lonlat(c, 2);
    if (!xy) return;
    s.xy = xy;
    if (!shape_size(c, s, 4, false)) return;
  } else if (flags & RADIUS_MEMBER) {
    // Without the key, the options are still parsed: they decide the reply (0 or an empty array).
    base = 5;
    const xy = z ? member_xy(c, z, c.argv[2]) : [0, 0] as [number, number];
    if (!xy) return;
    s.xy = xy;
    if (z && !shape_size(c, s, 3, false)) return;
  } else if (flags & GEOSEARCHSTORE) base = 3;
  const o = search_opts(c, base, flags, z, s);
  if (!o) return;
  const err = search_opts_error(c, flags, o);
  if (err) { c.reply.error(err); return; }
  if (!z) { if (o.store) { store_results(c, o, flags, []); } else c.reply.array(0); return; }
  if (o.count && !o.sort && !o.any) o.sort = 1;
  const pts = points_in_boxes(z, s, o.any ? o.count : 0);
  if (o.sort) pts.sort((a, b) => (a.dist - b.dist) * o.sort);
  const res = o.count && pts.length > o.count ? pts.slice(0, o.count) : pts;
  for (const p of res) p.dist /= s.conversion;
  if (o.store) store_results(c, o, flags, res); else reply_results(c, o, res);
}

function reply_results(c: Client, o: SearchOpts, res: GeoPoint[]): void {
  const extra = +o.withdist + +o.withhash + +o.withcoord;
  c.reply.array(res.length);
  for (const p of res) {
    if (extra) c.reply.array(extra + 1);
    c.reply.bulk(p.member);
    if (o.withdist) c.reply.bulk(dist_str(p.dist));
    if (o.withhash) c.reply.int(p.score);
    if (o.withcoord) { c.reply.array(2); human(c, p.x); human(c, p.y); }
  }
}

/** STORE/STOREDIST/GEOSEARCHSTORE: a sorted set of the results (by hash or distance), or the key deleted. */
function store_results(c: Client, o: SearchOpts, flags: number, res: GeoPoint[]): void {
  const key = o.store!;
  if (res.length) {
    const z = new ZSet();
    for (const p of res) z.set(p.member, o.storedist ? p.dist : p.score);
    c.db.set(key, z);
    notify(c, NOTIFY_ZSET, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', key);
    c.srv.dirty += res.length;
  } else if (c.db.delete(key)) {
    notify(c, NOTIFY_GENERIC, 'del', key);
    c.srv.dirty++;
  }
  c.reply.int(res.length);
}

register('geo', [
  ['geoadd', -5, 'write denyoom', geoadd],
  ['geopos', -2, 'readonly', geopos],
  ['geodist', -4, 'readonly', geodist],
  ['geohash', -2, 'readonly', geohash],
  ['georadius', -6, 'write denyoom', (c) => georadius_generic(c, 1, RADIUS_COORDS)],
  ['georadiusbymember', -5, 'write denyoom', (c) => georadius_generic(c, 1, RADIUS_MEMBER)],
  ['georadius_ro', -6, 'readonly', (c) => georadius_generic(c, 1, RADIUS_COORDS | RADIUS_NOSTORE)],
  ['georadiusbymember_ro', -5, 'readonly', (c) => georadius_generic(c, 1, RADIUS_MEMBER | RADIUS_NOSTORE)],
  ['geosearch', -7, 'readonly', (c) => georadius_generic(c, 1, GEOSEARCH)],
  ['geosearchstore', -8, 'write denyoom', (c) => georadius_generic(c, 2, GEOSEARCH | GEOSEARCHSTORE), 1, 2, 1],
]);
