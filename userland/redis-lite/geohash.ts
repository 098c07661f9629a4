/**
 * geohash.c and geohash_helper.c: 52-bit interleaved geohashes (latitude in the even bits,
 * longitude in the odd ones, over Redis's -85.05112878..85.05112878 latitude range), their
 * neighbours, the nine boxes a radius or box search reads, and haversine distances.
 * Hash bits are bigints for the 64-bit mask arithmetic; as scores they fit a double exactly.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878, GEO_LAT_MAX = 85.05112878, GEO_LONG_MIN = -180, GEO_LONG_MAX = 180;
const EARTH_RADIUS_IN_METERS = 6372797.560856, MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

export interface Hash { bits: bigint; step: number }
export interface Range { min: number; max: number }
export interface Area { lon: Range; lat: Range }
/** A search shape: centre, unit conversion, and a radius or a width × height box (in units). */
export interface Shape { xy: [number, number]; conversion: number; radius: number; box: [number, number] | null; bounds: number[] }

const WGS84: [Range, Range] = [{ min: GEO_LONG_MIN, max: GEO_LONG_MAX }, { min: GEO_LAT_MIN, max: GEO_LAT_MAX }];

function interleave(lat: number, lon: number): bigint {
  let r = 0n;
  for (let i = 0; i < 32; i++) {
    if ((lat >>> i) & 1) r |= 1n << BigInt(2 * i);
    if ((lon >>> i) & 1) r |= 1n << BigInt(2 * i + 1);
  }
  return r;
}

function deinterleave(bits: bigint): [number, number] {
  let lat = 0, lon = 0;
  for (let i = 0; i < 32; i++) {
    if ((bits >> BigInt(2 * i)) & 1n) lat += 2 ** i;
    if ((bits >> BigInt(2 * i + 1)) & 1n) lon += 2 ** i;
  }
  return [lat, lon];
}

/** geohashEncode: null outside the ranges (or the WGS84 limits). */
export function encode(lon: number, lat: number, step: number, [lr, ar]: [Range, Range] = WGS84): Hash | null {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < ar.min || lat > ar.max || lon < lr.min || lon > lr.max) return null;
  // C converts the fixed-point offsets to uint32 by truncation.
  const lat_off = Math.trunc(((lat - ar.min) / (ar.max - ar.min)) * 2 ** step) >>> 0;
  const lon_off = Math.trunc(((lon - lr.min) / (lr.max - lr.min)) * 2 ** step) >>> 0;
  return { bits: interleave(lat_off, lon_off), step };
}

export function decode(h: Hash): Area {
  const [ilat, ilon] = deinterleave(h.bits), [lr, ar] = WGS84, scale = 2 ** h.step;
  return {
    lat: { min: ar.min + (ilat * 1.0 / scale) * (ar.max - ar.min), max: ar.min + ((ilat + 1) * 1.0 / scale) * (ar.max - ar.min) },
    lon: { min: lr.min + (ilon * 1.0 / scale) * (lr.max - lr.min), max: lr.min + ((ilon + 1) * 1.0 / scale) * (lr.max - lr.min) },
  };
}

/** decodeGeohash: a 52-bit score → [longitude, latitude], the centre of its cell clamped to the limits. */
export function decode_score(score: number): [number, number] {
  const a = decode({ bits: BigInt(score), step: GEO_STEP_MAX });
  const x = Math.min(Math.max((a.lon.min + a.lon.max) / 2, GEO_LONG_MIN), GEO_LONG_MAX);
  const y = Math.min(Math.max((a.lat.min + a.lat.max) / 2, GEO_LAT_MIN), GEO_LAT_MAX);
  return [x, y];
}

export function align52(h: Hash): bigint { return h.bits << BigInt(52 - h.step * 2); }

const EVEN = 0x5555555555555555n, ODD = 0xaaaaaaaaaaaaaaaan;

/** geohash_move_x/_y: the adjacent cell (d = ±1) along longitude (odd bits) or latitude (even bits). */
function move(h: Hash, d: number, along_lon: boolean): Hash {
  if (d === 0) return h;
  const mine = along_lon ? ODD : EVEN, other = along_lon ? EVEN : ODD, sh = BigInt(64 - h.step * 2);
  let v = h.bits & mine;
  const zz = other >> sh;
  v = d > 0 ? v + (zz + 1n) : (v | zz) - (zz + 1n);
  v &= mine >> sh;
  return { bits: v | (h.bits & other), step: h.step };
}

const at = (h: Hash, dx: number, dy: number): Hash => move(move(h, dx, true), dy, false);

function estimate_steps(range_m: number, lat: number): number {
  if (range_m === 0) return 26;
  let step = 1;
  while (range_m < MERCATOR_MAX) { range_m *= 2; step++; }
  step -= 2;
  if (lat > 66 || lat < -66) { step--; if (lat > 80 || lat < -80) step--; }
  return Math.min(Math.max(step, 1), 26);
}

function bounding_box(s: Shape): number[] {
  const [lon, lat] = s.xy;
  const height = s.conversion * (s.box ? s.box[1] / 2 : s.radius), width = s.conversion * (s.box ? s.box[0] / 2 : s.radius);
  const lat_delta = height / EARTH_RADIUS_IN_METERS / D_R;
  const top = width / EARTH_RADIUS_IN_METERS / Math.cos((lat + lat_delta) * D_R) / D_R;
  const bottom = width / EARTH_RADIUS_IN_METERS / Math.cos((lat - lat_delta) * D_R) / D_R;
  const d = lat < 0 ? bottom : top;
  return [lon - d, lat - lat_delta, lon + d, lat + lat_delta];
}

/**
 * geohashCalculateAreasByShapeWGS84: the centre cell and its 8 neighbours (null where a
 * neighbour is outside the bounding box), in membersOfAllNeighbors' order.
 */
export function search_boxes(s: Shape): (Hash | null)[] {
  s.bounds = bounding_box(s);
  const [min_lon, min_lat, max_lon, max_lat] = s.bounds, [lon, lat] = s.xy;
  const radius = s.conversion * (s.box ? Math.sqrt((s.box[0] / 2) ** 2 + (s.box[1] / 2) ** 2) : s.radius);
  let steps = estimate_steps(radius, lat);
  let h = encode(lon, lat, steps)!;
  const n = decode(at(h, 0, 1)), so = decode(at(h, 0, -1)), e = decode(at(h, 1, 0)), w = decode(at(h, -1, 0));
  if (steps > 1 && (n.lat.max < max_lat || so.lat.min > min_lat || e.lon.max < max_lon || w.lon.min > min_lon)) {
    steps--;
    h = encode(lon, lat, steps)!;
  }
  const area = decode(h);
  // Centre, N, S, E, W, NE, NW, SE, SW.
  const dirs: [number, number][] = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]];
  return dirs.map(([dx, dy]) => {
    if (steps >= 2 && ((dy < 0 && area.lat.min < min_lat) || (dy > 0 && area.lat.max > max_lat) ||
      (dx < 0 && area.lon.min < min_lon) || (dx > 0 && area.lon.max > max_lon))) return null;
    return at(h, dx, dy);
  });
}

function lat_distance(lat1: number, lat2: number): number { return EARTH_RADIUS_IN_METERS * Math.abs(lat2 * D_R - lat1 * D_R); }

/** geohashGetDistance: haversine, in meters. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((lon2 * D_R - lon1 * D_R) / 2);
  if (v === 0.0) return lat_distance(lat1, lat2);
  const u = Math.sin((lat2 * D_R - lat1 * D_R) / 2);
  const a = u * u + Math.cos(lat1 * D_R) * Math.cos(lat2 * D_R) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** geoWithinShape: the distance from the centre if the point is inside, else null. */
export function within(s: Shape, x: number, y: number): number | null {
  const [cx, cy] = s.xy;
  if (!s.box) { const d = distance(cx, cy, x, y); return d > s.radius * s.conversion ? null : d; }
  if (lat_distance(y, cy) > (s.box[1] * s.conversion) / 2) return null;
  if (distance(x, y, cx, y) > (s.box[0] * s.conversion) / 2) return null;
  return distance(cx, cy, x, y);
}
