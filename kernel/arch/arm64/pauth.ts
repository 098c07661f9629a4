/**
 * ARMv8.3 Pointer Authentication (FEAT_PAuth) as privos emulates it.
 *
 * Pure functions on 64-bit values held in BigInt; no state, no imports.
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
/** h^-1 (Arm TweakInvShuffle). */
const H_INV: readonly number[] = invertPermutation(H);

/** Cells (after h) that the tweak LFSR omega is applied to (Arm TweakCellRot). */
const OMEGA_CELLS: readonly number[] = [0, 1, 3, 4, 8, 11, 13];

/** omega: the 4-bit LFSR (b3,b2,b1,b0) -> (b0^b1, b3, b2, b1). */
const OMEGA: readonly number[] = Array.from(
  { length: 16 },
  (_, c) => (c >> 1) | (((c ^ (c >> 1)) & 1) << 3),
);
/** omega^-1 (Arm TweakCellInvRot). */
const OMEGA_INV: readonly number[] = invertPermutation(OMEGA);

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

/** Inverse tweak update (Arm TweakInvShuffle). */
function tweakBackward(t: Cells): Cells {
  const out = [...t];
  for (const i of OMEGA_CELLS) out[i] = OMEGA_INV[out[i]!]!;
  return permute(out, H_INV);
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

/**
 * Arm ARM `ComputePAC(data, modifier, key0 = K<127:64>, key1 = K<63:0>)`;
 * QEMU `pauth_computepac_architected`. It is QARMA-64 with sigma2, five rounds,
 * w0 = key0 (the *KeyHi register) and k0 = key1 (the *KeyLo register).
 * Arm's iterative formulation (tweak updated via TweakShuffle/TweakInvShuffle)
 * gives exactly the same function as the textbook schedule used here.
 */
export function ComputePAC(data: bigint, modifier: bigint, keyHi: bigint, keyLo: bigint): bigint {
  return qarma64(data, modifier, keyHi, keyLo, 5, 2);
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
function layout(cfg: PauthConfig): { bottom: number; top: number } {
  const vaBits = cfg.vaBits ?? 48;
  if (!Number.isInteger(vaBits) || vaBits < 16 || vaBits > 55) {
    throw new RangeError(`pauth: vaBits must be 16..55, got ${vaBits}`);
  }
  return { bottom: vaBits, top: cfg.tbi ? 56 : 64 };
}

/**
 * Mask of the bits that hold the PAC (and, when stripped, the sign extension):
 * bottom..top-1 (QEMU `pauth_ptr_mask`). Bit 55 is in this mask; callers
 * treat it specially.
 */
function extensionMask(cfg: PauthConfig): bigint {
  const { bottom, top } = layout(cfg);
  return fieldMask(bottom, top);
}

/**
 * Arm `Strip` / QEMU `pauth_original_ptr`: replace the PAC field with copies of
 * bit 55, which selects the upper or lower VA range.
 */
function originalPointer(ptr: bigint, cfg: PauthConfig): bigint {
  const mask = extensionMask(cfg);
  return bit(ptr, 55) === 1n ? (ptr | mask) & MASK64 : ptr & ~mask & MASK64;
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
  const { bottom, top } = layout(cfg);
  // Arm: selbit = tbi ? ptr<55> : ptr<63> (single-TBI-setting case).
  const selbit = bit(ptr, cfg.tbi ? 55 : 63);
  const ext = fieldMask(bottom, top);

  // Pointer with good extension bits (all equal to selbit).
  const extPtr = selbit === 1n ? ptr | ext : ptr & ~ext;
  let pac = ComputePAC(extPtr, modifier & MASK64, keyHi & MASK64, keyLo & MASK64);

  // Non-canonical input: corrupt the PAC (Arm: PAC<top_bit-1> = NOT(PAC<top_bit-1>),
  // with the pseudocode's inclusive top_bit = 55 or 63).
  const field = ptr & ext;
  if (field !== 0n && field !== ext) pac ^= 1n << BigInt(top - 2);

  const bit55 = 1n << 55n;
  let result: bigint;
  if (cfg.tbi) {
    // ptr<63:56> : selbit : PAC<54:bottom> : ptr<bottom-1:0>
    result = (ptr & ~ext) | (pac & fieldMask(bottom, 55));
  } else {
    // PAC<63:56> : selbit : PAC<54:bottom> : ptr<bottom-1:0>
    result = (ptr & fieldMask(0, bottom)) | (pac & ext & ~bit55);
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
  const { bottom, top } = layout(cfg);
  const original = originalPointer(ptr, cfg);
  const pac = ComputePAC(original, modifier & MASK64, keyHi & MASK64, keyLo & MASK64);

  const checked = fieldMask(bottom, top) & ~(1n << 55n);
  if (((pac ^ ptr) & checked) === 0n) return { ptr: original, ok: true };

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
