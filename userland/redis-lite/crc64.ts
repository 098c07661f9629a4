/**
 * crc64.c: CRC-64/Jones (reflected polynomial 0xad93d23594c935a9, init 0, no final xor), the
 * checksum of RDB files and DUMP payloads. A 64-bit value is kept as two uint32 halves so
 * the loop allocates nothing; the table is built once.
 */
const POLY_HI = 0x95ac9329, POLY_LO = 0xac4bc9b5; // the reflected polynomial
const T_HI = new Uint32Array(256), T_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0, lo = i;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi >>>= 1;
    if (bit) { hi = (hi ^ POLY_HI) >>> 0; lo = (lo ^ POLY_LO) >>> 0; }
  }
  T_HI[i] = hi; T_LO[i] = lo;
}

/** The CRC of b[0, n) written little-endian into out[off, off+8). */
export function crc64_into(b: Uint8Array, n: number, out: Uint8Array, off: number): void {
  let hi = 0, lo = 0;
  for (let i = 0; i < n; i++) {
    const t = (lo ^ b[i]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ T_LO[t]) >>> 0;
    hi = ((hi >>> 8) ^ T_HI[t]) >>> 0;
  }
  for (let k = 0; k < 4; k++) { out[off + k] = (lo >>> (8 * k)) & 0xff; out[off + 4 + k] = (hi >>> (8 * k)) & 0xff; }
}
