/**
 * lzf_c.c / lzf_d.c: LibLZF as Redis builds it (HLOG 16, VERY_FAST), so strings longer than
 * 20 bytes compress to the same bytes redis-server writes into RDB files and DUMP payloads.
 * The hash table starts zeroed (Redis leaves it uninitialised; any match it finds is
 * verified against the input, so only rare, equally valid matches could differ).
 */
const HSIZE = 1 << 16, MAX_LIT = 1 << 5, MAX_OFF = 1 << 13, MAX_REF = (1 << 8) + (1 << 3);
const htab = new Int32Array(HSIZE);

function idx(h: number): number { return ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1); }

/** Compresses inp into out (at most out.length bytes); the compressed length, 0 if it does not fit. */
export function lzf_compress(inp: Uint8Array, out: Uint8Array): number {
  const in_end = inp.length, out_end = out.length;
  if (!in_end || !out_end) return 0;
  htab.fill(0);
  let ip = 0, op = 1, lit = 0;
  let hval = (inp[0] << 8) | inp[1];
  while (ip < in_end - 2) {
    hval = ((hval << 8) | inp[ip + 2]) >>> 0;
    const slot = idx(hval), ref = htab[slot];
    htab[slot] = ip;
    const off = ip - ref - 1;
    if (ref > 0 && ref < ip && off < MAX_OFF && inp[ref + 2] === inp[ip + 2] && inp[ref] === inp[ip] && inp[ref + 1] === inp[ip + 1]) {
      let len = 2;
      const maxlen = Math.min(in_end - ip - len, MAX_REF);
      if (op + 4 >= out_end && op - (lit ? 0 : 1) + 4 >= out_end) return 0;
      out[op - lit - 1] = lit - 1; // stop run
      if (!lit) op--;
      do len++; while (len < maxlen && inp[ref + len] === inp[ip + len]);
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else { out[op++] = (off >> 8) + (7 << 5); out[op++] = len - 7; }
      out[op++] = off & 0xff;
      lit = 0; op++;
      ip += len + 1;
      if (ip >= in_end - 2) break;
      ip -= 2; // VERY_FAST: hash the two positions before the new ip
      hval = (inp[ip] << 8) | inp[ip + 1];
      hval = ((hval << 8) | inp[ip + 2]) >>> 0;
      htab[idx(hval)] = ip++;
      hval = ((hval << 8) | inp[ip + 2]) >>> 0;
      htab[idx(hval)] = ip++;
    } else {
      if (op >= out_end) return 0;
      lit++; out[op++] = inp[ip++];
      if (lit === MAX_LIT) { out[op - lit - 1] = lit - 1; lit = 0; op++; }
    }
  }
  if (op + 3 > out_end) return 0;
  while (ip < in_end) {
    lit++; out[op++] = inp[ip++];
    if (lit === MAX_LIT) { out[op - lit - 1] = lit - 1; lit = 0; op++; }
  }
  out[op - lit - 1] = lit - 1;
  if (!lit) op--;
  return op;
}

/** Decompresses inp into a buffer of exactly out_len bytes; null if the data is corrupt. */
export function lzf_decompress(inp: Uint8Array, out_len: number): Uint8Array | null {
  const out = new Uint8Array(out_len);
  let ip = 0, op = 0;
  while (ip < inp.length) {
    let ctrl = inp[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > out_len || ip + ctrl > inp.length) return null;
      out.set(inp.subarray(ip, ip + ctrl), op);
      op += ctrl; ip += ctrl;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) { if (ip >= inp.length) return null; len += inp[ip++]; }
    if (ip >= inp.length) return null;
    let ref = op - ((ctrl & 0x1f) << 8) - 1 - inp[ip++];
    len += 2;
    if (op + len > out_len || ref < 0) return null;
    while (len--) out[op++] = out[ref++];
  }
  return op === out_len ? out : null;
}
