/**
 * Range requests (lighttpd's http_range.c, single range): "bytes=a-b", "a-", "-n"; ranges that
 * overlap or lie within 80 bytes of each other coalesce as lighttpd does; what is still several
 * ranges after that is served whole (lighttpd would send multipart/byteranges). null = ignore the
 * header (serve 200), 'unsatisfiable' = 416, else the inclusive byte span.
 */

export type RangeResult = null | 'unsatisfiable' | [number, number];

function one(spec: string, size: number): RangeResult | undefined {
  const m = /^[ \t]*([0-9]*)-[ \t]*([0-9]*)[ \t]*$/.exec(spec); // strtoll skips blanks before the end too
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return [Math.max(0, size - n), size - 1];
  }
  const a = Number(m[1]), b = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < a) return undefined;
  if (a >= size) return 'unsatisfiable';
  return [a, b];
}

export function http_range_parse(header: string, size: number): RangeResult {
  if (header.slice(0, 6).toLowerCase() !== 'bytes=') return null; // the unit is case-insensitive (RFC 9110 §14.1)
  const spans: [number, number][] = [];
  for (const spec of header.slice(6).split(',')) {
    const r = one(spec, size);
    if (r === undefined) return spec.includes('-') && /^[ \t0-9-]*$/.test(spec) ? 'unsatisfiable' : null;
    if (r !== 'unsatisfiable' && r !== null) spans.push(r);
  }
  if (!spans.length) return 'unsatisfiable';
  spans.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [spans[0]];
  for (const s of spans.slice(1)) {
    const last = merged[merged.length - 1];
    if (s[0] <= last[1] + 80) last[1] = Math.max(last[1], s[1]); else merged.push(s);
  }
  return merged.length === 1 ? merged[0] : null;
}
