/**
 * ARMv8.3 Pointer Authentication (FEAT_PAuth) as privos emulates it.
 *
 * Pure functions on 64-bit values held in BigInt at the API; no imports. The only state is
 * caches that never change a result: the byte tables of the fast ComputePAC, the key material
 * of the last key used, and the masks of each pointer layout.
 *
 * - The block cipher is QARMA-64 (R. Avanzi, "The QARMA Block Cipher Family",
 *   https://eprint.iacr.org/2016/444). `qarma64` is the general encryption
 *   function (any S-box, any round count); `ComputePAC` is the Arm-architected
 *   instance (sigma2, 5 rounds), which must agree bit for bit with
 *   QEMU `pauth_computepac_architected`
 *   (https://gitlab.com/qemu-project/qemu/-/blob/master/target/arm/tcg/pauth_helper.c).
 * - `AddPAC`, `Auth`, `Strip` and `PACGA` follow the Arm ARM pseudocode
 *   functions of the same names (shared/functions/pac/*, Arm DDI 0487,
 *   https://developer.arm.com/documentation/ddi0487/latest) in the original
 *   ARMv8.3 form (no FEAT_EPAC / FEAT_PAuth2), as QEMU's `pauth_addpac`,
 *   `pauth_auth`, `pauth_strip` and `HELPER(pacga)` do, for a translation
 *   regime with two VA ranges (EL1&0, which is what Linux user space sees).
 *
 * Bit numbering: bit 0 is the least significant bit of the 64-bit value.
 * QARMA numbers its 16 four-bit cells from the most significant end, so cell 0
 * is bits 63..60 and cell 15 is bits 3..0; the state is a 4x4 matrix stored row
 * by row (cell i is at row i>>2, column i&3).
 */

const MASK64 = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------
// QARMA-64 constants (ePrint 2016/444, section 3 / table 1)
// ---------------------------------------------------------------------------

/** The three 4-bit S-boxes sigma0, sigma1, sigma2 (QARMA section 3.3). */
const SBOXES: readonly (readonly number[])[] = [
  [0, 14, 2, 10, 9, 15, 8, 11, 6, 4, 3, 7, 13, 12, 1, 5], // sigma0
  [10, 13, 14, 6, 15, 7, 3, 5, 9, 8, 0, 12, 11, 1, 2, 4], // sigma1
  [11, 6, 8, 15, 12, 0, 9, 14, 3, 7, 4, 5, 13, 2, 1, 10], // sigma2 (Arm PACSub)
];

function invertPermutation(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => {
    inv[v] = i;
  });
  return inv;
}

/** Inverse S-boxes (Arm PACInvSub is the inverse of sigma2). */
const INV_SBOXES: readonly (readonly number[])[] = SBOXES.map(invertPermutation);

/** tau, the MIDORI cell shuffle: new cell i = old cell TAU[i] (Arm PACCellShuffle). */
const TAU: readonly number[] = [0, 11, 6, 13, 10, 1, 12, 7, 5, 14, 3, 8, 15, 4, 9, 2];
/** tau^-1 (Arm PACCellInvShuffle). */
const TAU_INV: readonly number[] = invertPermutation(TAU);

/** h, the tweak cell permutation: new cell i = old cell H[i] (Arm TweakShuffle). */
const H: readonly number[] = [6, 5, 14, 15, 0, 1, 2, 3, 7, 12, 13, 4, 8, 9, 10, 11];

/** Cells (after h) that the tweak LFSR omega is applied to (Arm TweakCellRot). */
const OMEGA_CELLS: readonly number[] = [0, 1, 3, 4, 8, 11, 13];

/** omega: the 4-bit LFSR (b3,b2,b1,b0) -> (b0^b1, b3, b2, b1). */
const OMEGA: readonly number[] = Array.from(
  { length: 16 },
  (_, c) => (c >> 1) | (((c ^ (c >> 1)) & 1) << 3),
);

/**
 * Round constants c0..c7 and the reflection constant alpha: successive 64-bit
 * words of the fractional part of pi (c0 = 0). Arm ComputePAC uses RC[0..4].
 */
const ROUND_CONSTANTS: readonly bigint[] = [
  0x0000000000000000n,
  0x13198a2e03707344n,
  0xa4093822299f31d0n,
  0x082efa98ec4e6c89n,
  0x452821e638d01377n,
  0xbe5466cf34e90c6cn,
  0x3f84d5b5b5470917n,
  0x9216d5d98979fb1bn,
];
const ALPHA = 0xc0ac29b7c97c50ddn;

/** Largest round count the constant table supports (QARMA-64 defines r <= 7). */
export const QARMA64_MAX_ROUNDS = ROUND_CONSTANTS.length;

/** Rotate a 4-bit cell left by n (the rho^n of the MixColumns matrix). */
const ROT4: readonly (readonly number[])[] = [0, 1, 2, 3].map((n) =>
  Array.from({ length: 16 }, (_, c) => ((c << n) | (c >> (4 - n))) & 0xf),
);

// ---------------------------------------------------------------------------
// State helpers: a 64-bit value as 16 cells, cell 0 most significant
// ---------------------------------------------------------------------------

type Cells = number[];

function toCells(x: bigint): Cells {
  const cells = new Array<number>(16);
  // Split into two 32-bit halves so the per-cell work is plain Number math.
  const hi = Number((x >> 32n) & 0xffffffffn);
  const lo = Number(x & 0xffffffffn);
  for (let i = 0; i < 8; i++) {
    cells[i] = (hi >>> (28 - 4 * i)) & 0xf;
    cells[i + 8] = (lo >>> (28 - 4 * i)) & 0xf;
  }
  return cells;
}

function fromCells(cells: Cells): bigint {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    hi = ((hi << 4) | cells[i]!) >>> 0;
    lo = ((lo << 4) | cells[i + 8]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function xorCells(a: Cells, b: Cells): Cells {
  return a.map((v, i) => v ^ b[i]!);
}

function permute(cells: Cells, p: readonly number[]): Cells {
  return p.map((src) => cells[src]!);
}

function substitute(cells: Cells, box: readonly number[]): Cells {
  return cells.map((c) => box[c]!);
}

/**
 * MixColumns with M = Q = circ(0, rho, rho^2, rho) (Arm PACMult; QEMU pac_mult).
 * The matrix is an involution, so it is also its own inverse.
 */
function mixColumns(cells: Cells): Cells {
  const out = new Array<number>(16);
  const coeff = [0, 1, 2, 1]; // rotation amounts of circ(0, rho, rho^2, rho)
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) {
        const n = coeff[(k - row + 4) % 4]!;
        if (n !== 0) acc ^= ROT4[n]![cells[4 * k + col]!]!;
      }
      out[4 * row + col] = acc;
    }
  }
  return out;
}

/** Tweak update: permute by h, then clock omega on seven cells (Arm TweakShuffle). */
function tweakForward(t: Cells): Cells {
  const out = permute(t, H);
  for (const i of OMEGA_CELLS) out[i] = OMEGA[out[i]!]!;
  return out;
}

/** Forward round R: add tweakey, then (unless short) tau and M, then S. */
function roundForward(s: Cells, tweakey: Cells, sbox: readonly number[], short: boolean): Cells {
  let x = xorCells(s, tweakey);
  if (!short) x = mixColumns(permute(x, TAU));
  return substitute(x, sbox);
}

/** Backward round R-bar: S^-1, then (unless short) M and tau^-1, then add tweakey. */
function roundBackward(s: Cells, tweakey: Cells, invSbox: readonly number[], short: boolean): Cells {
  let x = substitute(s, invSbox);
  if (!short) x = permute(mixColumns(x), TAU_INV);
  return xorCells(x, tweakey);
}

const ROUND_CONSTANT_CELLS: readonly Cells[] = ROUND_CONSTANTS.map(toCells);
const ALPHA_CELLS: Cells = toCells(ALPHA);

/** The key orthomorphism o(w) = (w >>> 1) ^ (w >> 63) giving w1 from w0. */
function orthomorphism(w: bigint): bigint {
  return (((w >> 1n) | (w << 63n)) ^ (w >> 63n)) & MASK64;
}

// ---------------------------------------------------------------------------
// QARMA-64 encryption
// ---------------------------------------------------------------------------

/**
 * QARMA-64 encryption (ePrint 2016/444, section 2), with k1 = k0.
 *
 *   P ^ w0 -> r forward rounds (tweakey k0 ^ T_i ^ c_i; round 0 short)
 *          -> full forward round with w1 ^ T_r
 *          -> reflector: tau, Q, ^k1, tau^-1
 *          -> full backward round with w0 ^ T_r
 *          -> r backward rounds (tweakey k0 ^ alpha ^ T_i ^ c_i; last short)
 *          -> ^ w1
 *
 * @param sbox which S-box: 0 = sigma0, 1 = sigma1, 2 = sigma2.
 * @param rounds r, 1..7 (the Arm ComputePAC instance is sigma2 with r = 5).
 */
export function qarma64(
  plaintext: bigint,
  tweak: bigint,
  w0: bigint,
  k0: bigint,
  rounds: number,
  sbox: 0 | 1 | 2,
): bigint {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > QARMA64_MAX_ROUNDS) {
    throw new RangeError(`qarma64: rounds must be 1..${QARMA64_MAX_ROUNDS}, got ${rounds}`);
  }
  const box = SBOXES[sbox];
  const invBox = INV_SBOXES[sbox];
  if (box === undefined || invBox === undefined) {
    throw new RangeError(`qarma64: sbox must be 0, 1 or 2, got ${String(sbox)}`);
  }
  const w1 = orthomorphism(w0 & MASK64);
  const W0 = toCells(w0 & MASK64);
  const W1 = toCells(w1);
  const K0 = toCells(k0 & MASK64);
  const K1 = K0;
  const C = ROUND_CONSTANT_CELLS;
  const K0_ALPHA = xorCells(K0, ALPHA_CELLS);

  // Tweak schedule T_0 .. T_r.
  const T: Cells[] = [toCells(tweak & MASK64)];
  for (let i = 0; i < rounds; i++) T.push(tweakForward(T[i]!));
  const Tr = T[rounds]!;

  let s = xorCells(toCells(plaintext & MASK64), W0);
  for (let i = 0; i < rounds; i++) {
    s = roundForward(s, xorCells(xorCells(K0, T[i]!), C[i]!), box, i === 0);
  }
  s = roundForward(s, xorCells(W1, Tr), box, false);

  // Reflector.
  s = permute(s, TAU);
  s = mixColumns(s);
  s = xorCells(s, K1);
  s = permute(s, TAU_INV);

  s = roundBackward(s, xorCells(W0, Tr), invBox, false);
  for (let i = rounds - 1; i >= 0; i--) {
    s = roundBackward(s, xorCells(xorCells(K0_ALPHA, T[i]!), C[i]!), invBox, i === 0);
  }
  return fromCells(xorCells(s, W1));
}

// ---------------------------------------------------------------------------
// Arm ComputePAC and the instructions built on it
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// The architected instance, fast: 32-bit halves and byte tables
// ---------------------------------------------------------------------------
//
// `qarma64` above is the textbook cipher on cell arrays and BigInt (the reference). The Arm
// instance runs on every PA instruction, so it is computed here on the two 32-bit halves of the
// state in plain numbers. Every linear layer (tau, M, h, omega and their compositions) is a
// GF(2)-linear map of the 64-bit state, so it is the XOR of its images of the eight bytes:
// eight lookups per half in a table built once from the reference helpers. The backward round's
// S^-1 acts per cell, so it is folded into its table too (T-table style); forward S and the last
// short round's S^-1 are byte tables. BigInt appears only at the API edge.

/**
 * A 64-bit linear map as byte tables: entry (b*256 + v)*2 is [hi, lo] of the image of the
 * state whose only non-zero byte is b = v. With `pre`, the map is f after `pre` on each cell,
 * and the entry is f of byte b = pre(v) with the other cells zero (pre(0) need not be 0).
 */
function byteTables(f: (cells: Cells) => Cells, pre?: readonly number[]): Int32Array {
  const t = new Int32Array(8 * 256 * 2);
  for (let b = 0; b < 8; b++) {
    for (let v = 0; v < 256; v++) {
      const cells = new Array<number>(16).fill(0);
      cells[2 * b] = pre ? pre[v >> 4]! : v >> 4;
      cells[2 * b + 1] = pre ? pre[v & 0xf]! : v & 0xf;
      const out = f(cells);
      let hi = 0, lo = 0;
      for (let i = 0; i < 8; i++) { hi = (hi << 4) | out[i]!; lo = (lo << 4) | out[i + 8]!; }
      t[(b * 256 + v) * 2] = hi;
      t[(b * 256 + v) * 2 + 1] = lo;
    }
  }
  return t;
}

const SIGMA2 = SBOXES[2]!, SIGMA2_INV = INV_SBOXES[2]!;
/**
 * The byte tables are constants, but building them costs tens of milliseconds, which every
 * `privos run` paid at import even on x86_64 where nothing computes a PAC. They are built with
 * the first key (set_key, which every PAC computation goes through first): until then they are
 * empty placeholders that nothing reads.
 */
const NO_TABLE: Int32Array = new Int32Array(0);
/** Forward full round's linear layer: M after tau. */
let T_MT = NO_TABLE;
/** Backward full round: S^-1 (per cell, so per byte), M, tau^-1. */
let T_BK = NO_TABLE;
/** Reflector's linear part: tau^-1 M tau (the k1 it adds is tau^-1(k1), per key). */
let T_RF = NO_TABLE;
/** tau^-1 alone (to move k1 past it). */
let T_TI = NO_TABLE;
/** The tweak update: h, then omega on seven cells. */
let T_TW = NO_TABLE;
/** sigma2 and its inverse on the two cells of a byte. */
let SB: Uint8Array = new Uint8Array(0);
let SBI = SB;

function build_tables(): void {
  T_MT = byteTables((c) => mixColumns(permute(c, TAU)));
  T_BK = byteTables((c) => permute(mixColumns(c), TAU_INV), SIGMA2_INV);
  T_RF = byteTables((c) => permute(mixColumns(permute(c, TAU)), TAU_INV));
  T_TI = byteTables((c) => permute(c, TAU_INV));
  T_TW = byteTables(tweakForward);
  SB = Uint8Array.from({ length: 256 }, (_, v) => (SIGMA2[v >> 4]! << 4) | SIGMA2[v & 0xf]!);
  SBI = Uint8Array.from({ length: 256 }, (_, v) => (SIGMA2_INV[v >> 4]! << 4) | SIGMA2_INV[v & 0xf]!);
}
/** c0..c4 as halves. */
const RCH = Int32Array.from(ROUND_CONSTANTS.slice(0, 5), (c) => Number(c >> 32n) | 0);
const RCL = Int32Array.from(ROUND_CONSTANTS.slice(0, 5), (c) => Number(c & 0xffffffffn) | 0);
const ALPHA_H = Number(ALPHA >> 32n) | 0, ALPHA_L = Number(ALPHA & 0xffffffffn) | 0;

/** The result of `lin` (two module-level registers: no allocation per call). */
let rh = 0, rl = 0;

/** rh:rl = L(hi:lo) for the linear map whose byte tables are t. */
function lin(t: Int32Array, hi: number, lo: number): void {
  let i = (hi >>> 24) << 1;
  let h = t[i]!, l = t[i + 1]!;
  i = (256 + ((hi >>> 16) & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (512 + ((hi >>> 8) & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (768 + (hi & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (1024 + (lo >>> 24)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (1280 + ((lo >>> 16) & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (1536 + ((lo >>> 8) & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  i = (1792 + (lo & 255)) << 1; h ^= t[i]!; l ^= t[i + 1]!;
  rh = h; rl = l;
}

/** A byte S-box on a 32-bit half. */
function sub32(box: Uint8Array, x: number): number {
  return (box[x >>> 24]! << 24) | (box[(x >>> 16) & 255]! << 16) | (box[(x >>> 8) & 255]! << 8) | box[x & 255]!;
}

/** Key material derived from (w0, k0), kept for the last key seen (keys change rarely). */
const KEY = new Int32Array(10); // w0 h,l | w1 h,l | k0 h,l | k0^alpha h,l | tau^-1(k0) h,l
let key_hi_seen: bigint | null = null, key_lo_seen: bigint | null = null;
/** Tweak schedule T_0..T_5 as halves. */
const TW = new Int32Array(12);
/** BigInt <-> halves at the API edge, through one shared 8-byte buffer. */
const EDGE64 = new BigUint64Array(1);
const EDGE32 = new Uint32Array(EDGE64.buffer);
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const EDGE_LO = LE ? 0 : 1, EDGE_HI = LE ? 1 : 0;

function set_key(keyHi: bigint, keyLo: bigint): void {
  if (T_TI === NO_TABLE) build_tables();
  EDGE64[0] = keyHi;
  const wh = EDGE32[EDGE_HI]! | 0, wl = EDGE32[EDGE_LO]! | 0;
  EDGE64[0] = keyLo;
  const kh = EDGE32[EDGE_HI]! | 0, kl = EDGE32[EDGE_LO]! | 0;
  KEY[0] = wh; KEY[1] = wl;
  // w1 = o(w0) = (w0 >>> 1) ^ (w0 >> 63): rotate right by one, then bit 63 into bit 0.
  KEY[2] = (wh >>> 1) | (wl << 31); KEY[3] = ((wl >>> 1) | (wh << 31)) ^ (wh >>> 31);
  KEY[4] = kh; KEY[5] = kl;
  KEY[6] = kh ^ ALPHA_H; KEY[7] = kl ^ ALPHA_L;
  lin(T_TI, kh, kl);
  KEY[8] = rh; KEY[9] = rl;
  key_hi_seen = keyHi; key_lo_seen = keyLo;
}

/**
 * ComputePAC on halves: the result is left in rh:rl. Same schedule as `qarma64` with sigma2,
 * r = 5, k1 = k0 (see its comment); the key material must be in KEY (set_key).
 */
function computepac32(dh: number, dl: number, th: number, tl: number): void {
  const w0h = KEY[0]!, w0l = KEY[1]!, w1h = KEY[2]!, w1l = KEY[3]!, k0h = KEY[4]!, k0l = KEY[5]!;
  TW[0] = th; TW[1] = tl;
  for (let i = 1; i <= 5; i++) { lin(T_TW, TW[2 * i - 2]!, TW[2 * i - 1]!); TW[2 * i] = rh; TW[2 * i + 1] = rl; }
  // Round 0 (short): S(P ^ w0 ^ k0 ^ T0 ^ c0).
  let sh = sub32(SB, dh ^ w0h ^ k0h ^ th ^ RCH[0]!), sl = sub32(SB, dl ^ w0l ^ k0l ^ tl ^ RCL[0]!);
  for (let i = 1; i < 5; i++) {
    lin(T_MT, sh ^ k0h ^ TW[2 * i]! ^ RCH[i]!, sl ^ k0l ^ TW[2 * i + 1]! ^ RCL[i]!);
    sh = sub32(SB, rh); sl = sub32(SB, rl);
  }
  lin(T_MT, sh ^ w1h ^ TW[10]!, sl ^ w1l ^ TW[11]!);
  sh = sub32(SB, rh); sl = sub32(SB, rl);
  // Reflector: tau^-1(M(tau(s)) ^ k1) = (tau^-1 M tau)(s) ^ tau^-1(k1).
  lin(T_RF, sh, sl);
  sh = rh ^ KEY[8]!; sl = rl ^ KEY[9]!;
  lin(T_BK, sh, sl);
  sh = rh ^ w0h ^ TW[10]!; sl = rl ^ w0l ^ TW[11]!;
  const ah = KEY[6]!, al = KEY[7]!;
  for (let i = 4; i >= 1; i--) {
    lin(T_BK, sh, sl);
    sh = rh ^ ah ^ TW[2 * i]! ^ RCH[i]!; sl = rl ^ al ^ TW[2 * i + 1]! ^ RCL[i]!;
  }
  // Round 0 backward (short): S^-1, then k0 ^ alpha ^ T0 ^ c0, then w1.
  rh = sub32(SBI, sh) ^ ah ^ th ^ RCH[0]! ^ w1h;
  rl = sub32(SBI, sl) ^ al ^ tl ^ RCL[0]! ^ w1l;
}

/**
 * Arm ARM `ComputePAC(data, modifier, key0 = K<127:64>, key1 = K<63:0>)`;
 * QEMU `pauth_computepac_architected`. It is QARMA-64 with sigma2, five rounds,
 * w0 = key0 (the *KeyHi register) and k0 = key1 (the *KeyLo register).
 * Arm's iterative formulation (tweak updated via TweakShuffle/TweakInvShuffle)
 * gives exactly the same function as the textbook schedule of `qarma64`, which this
 * computes on 32-bit halves (above); the tests check the two agree.
 */
export function ComputePAC(data: bigint, modifier: bigint, keyHi: bigint, keyLo: bigint): bigint {
  if (keyHi !== key_hi_seen || keyLo !== key_lo_seen) set_key(keyHi, keyLo);
  EDGE64[0] = data;
  const dh = EDGE32[EDGE_HI]! | 0, dl = EDGE32[EDGE_LO]! | 0;
  EDGE64[0] = modifier;
  computepac32(dh, dl, EDGE32[EDGE_HI]! | 0, EDGE32[EDGE_LO]! | 0);
  EDGE32[EDGE_HI] = rh; EDGE32[EDGE_LO] = rl;
  return EDGE64[0]!;
}

export interface PauthConfig {
  /** Top-byte-ignore in effect for this pointer's half (TCR_EL1.TBI0/TBI1, and not TBID for instruction keys). */
  tbi: boolean;
  /** FEAT_FPAC: a failed AUT* faults instead of returning a poisoned pointer. */
  fpac: boolean;
  /** Virtual address size (64 - TxSZ); the PAC field starts at this bit. Default 48. */
  vaBits?: number;
}

function bit(x: bigint, n: number): bigint {
  return (x >> BigInt(n)) & 1n;
}

/** Mask of bits lo..hi-1 (hi exclusive). */
function fieldMask(lo: number, hi: number): bigint {
  return hi <= lo ? 0n : ((1n << BigInt(hi - lo)) - 1n) << BigInt(lo);
}

/**
 * The PAC layout for a pointer: Arm `CalculateBottomPACBit` and the top bit
 * chosen by TBI. `bottom` is the lowest PAC/extension bit (= VA size), `top`
 * is one past the highest extension bit (56 with TBI, 64 without), following
 * QEMU's exclusive convention.
 */
function layout(cfg: PauthConfig): Layout {
  const vaBits = cfg.vaBits ?? 48;
  const id = vaBits * 2 + (cfg.tbi ? 1 : 0);
  const known = LAYOUTS.get(id);
  if (known !== undefined) return known;
  if (!Number.isInteger(vaBits) || vaBits < 16 || vaBits > 55) {
    throw new RangeError(`pauth: vaBits must be 16..55, got ${vaBits}`);
  }
  const bottom = vaBits, top = cfg.tbi ? 56 : 64;
  const ext = fieldMask(bottom, top);
  const l: Layout = {
    bottom, top, ext, notExt: ~ext & MASK64, pac55: fieldMask(bottom, 55), low: fieldMask(0, bottom),
    checked: ext & ~(1n << 55n), flip: 1n << BigInt(top - 2), selShift: BigInt(cfg.tbi ? 55 : 63),
  };
  LAYOUTS.set(id, l);
  return l;
}

/**
 * A layout and its masks, computed once per (vaBits, TBI). `ext` holds the PAC (and, when
 * stripped, the sign extension): bottom..top-1 (QEMU `pauth_ptr_mask`); bit 55 is in it and
 * callers treat it specially. `checked` is ext without bit 55; `pac55` is bottom..54; `low` is
 * 0..bottom-1; `flip` the PAC bit corrupted for a non-canonical input; `selShift` where selbit is.
 */
interface Layout {
  readonly bottom: number; readonly top: number;
  readonly ext: bigint; readonly notExt: bigint; readonly pac55: bigint; readonly low: bigint;
  readonly checked: bigint; readonly flip: bigint; readonly selShift: bigint;
}
const LAYOUTS = new Map<number, Layout>();


/**
 * Arm `Strip` / QEMU `pauth_original_ptr`: replace the PAC field with copies of
 * bit 55, which selects the upper or lower VA range.
 */
function originalPointer(ptr: bigint, cfg: PauthConfig): bigint {
  const l = layout(cfg);
  return bit(ptr, 55) === 1n ? (ptr | l.ext) & MASK64 : ptr & l.notExt;
}

/**
 * Arm ARM `AddPAC` (ARMv8.3 form) / QEMU `pauth_addpac`: PACIA, PACIB, PACDA,
 * PACDB and friends. Computes the PAC over the pointer with its extension bits
 * made canonical and inserts it in bits 54..bottom (TBI on: the top byte is
 * kept) or 63..56 and 54..bottom (TBI off). Bit 55 is kept. If the input's
 * extension bits were not canonical, one PAC bit (bit 54 with TBI, 62 without)
 * is flipped so that a later AUT fails.
 *
 * `data` says which key class is in use (DA/DB); it only matters to the
 * caller's choice of `cfg.tbi` (TBID applies to instruction keys).
 */
export function AddPAC(
  ptr: bigint,
  modifier: bigint,
  keyHi: bigint,
  keyLo: bigint,
  data: boolean,
  cfg: PauthConfig,
): bigint {
  void data;
  ptr &= MASK64;
  const l = layout(cfg);
  // Arm: selbit = tbi ? ptr<55> : ptr<63> (single-TBI-setting case).
  const selbit = (ptr >> l.selShift) & 1n;
  const ext = l.ext;

  // Pointer with good extension bits (all equal to selbit). ComputePAC reduces its
  // arguments mod 2^64 itself.
  const extPtr = selbit === 1n ? ptr | ext : ptr & l.notExt;
  let pac = ComputePAC(extPtr, modifier, keyHi, keyLo);

  // Non-canonical input: corrupt the PAC (Arm: PAC<top_bit-1> = NOT(PAC<top_bit-1>),
  // with the pseudocode's inclusive top_bit = 55 or 63).
  const field = ptr & ext;
  if (field !== 0n && field !== ext) pac ^= l.flip;

  let result: bigint;
  if (cfg.tbi) {
    // ptr<63:56> : selbit : PAC<54:bottom> : ptr<bottom-1:0>
    result = (ptr & l.notExt) | (pac & l.pac55);
  } else {
    // PAC<63:56> : selbit : PAC<54:bottom> : ptr<bottom-1:0>
    result = (ptr & l.low) | (pac & l.checked);
  }
  return (result | (selbit << 55n)) & MASK64;
}

/**
 * Arm ARM `Auth` (ARMv8.3 form, plus the FEAT_FPAC outcome) / QEMU `pauth_auth`:
 * AUTIA, AUTIB, AUTDA, AUTDB and friends.
 *
 * Recomputes the PAC over the stripped pointer and compares it with the PAC
 * field (bit 55 excluded). On success returns the stripped canonical pointer.
 * On failure returns the stripped pointer with an error code (0b01 for key A,
 * 0b10 for key B) in bits 54:53 (TBI on) or 62:61 (TBI off), so that using it
 * faults, and ok = false. With `cfg.fpac` the caller raises the exception
 * (Linux: SIGILL); the returned pointer is the same poisoned one.
 */
export function Auth(
  ptr: bigint,
  modifier: bigint,
  keyHi: bigint,
  keyLo: bigint,
  data: boolean,
  keyNumber: 0 | 1,
  cfg: PauthConfig,
): { ptr: bigint; ok: boolean } {
  void data;
  ptr &= MASK64;
  const original = originalPointer(ptr, cfg);
  const pac = ComputePAC(original, modifier, keyHi, keyLo);

  if (((pac ^ ptr) & layout(cfg).checked) === 0n) return { ptr: original, ok: true };

  const errorCode = BigInt(keyNumber === 0 ? 0b01 : 0b10);
  const at = cfg.tbi ? 53n : 61n;
  const poisoned = (original & ~(0b11n << at)) | (errorCode << at);
  return { ptr: poisoned & MASK64, ok: false };
}

/** Arm ARM `Strip` / QEMU `pauth_strip`: XPACI, XPACD, XPACLRI. */
export function Strip(ptr: bigint, data: boolean, cfg: PauthConfig): bigint {
  void data;
  return originalPointer(ptr & MASK64, cfg);
}

/**
 * PACGA Xd, Xn, Xm|SP (Arm ARM `PACGA`; QEMU `HELPER(pacga)`): the top 32 bits
 * of ComputePAC(Xn, Xm, APGAKey) in bits 63..32, low 32 bits zero.
 */
export function PACGA(x: bigint, modifier: bigint, keyHi: bigint, keyLo: bigint): bigint {
  return ComputePAC(x & MASK64, modifier & MASK64, keyHi & MASK64, keyLo & MASK64) & 0xffffffff00000000n;
}
