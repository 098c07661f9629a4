import test from 'ava';
import fc from 'fast-check';
import {
  AddPAC,
  Auth,
  ComputePAC,
  PACGA,
  Strip,
  qarma64,
  type PauthConfig,
} from '../../../../kernel/arch/arm64/pauth.ts';

const hex = (x: bigint): string => '0x' + x.toString(16).padStart(16, '0');
const mask = (lo: number, hi: number): bigint => ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo); // bits hi..lo inclusive

// ---------------------------------------------------------------------------
// QARMA-64 published vectors (Avanzi, ePrint 2016/444)
// ---------------------------------------------------------------------------

const P = 0xfb623599da6e8127n;
const T = 0x477d469dec0b8762n;
const W0 = 0x84be85ce9804e94bn;
const K0 = 0xec2802d4e0a488e9n;

const VECTORS: readonly [0 | 1 | 2, number, bigint][] = [
  [0, 5, 0x3ee99a6c82af0c38n],
  [0, 6, 0x9f5c41ec525603c9n],
  [0, 7, 0xbcaf6c89de930765n],
  [1, 5, 0x544b0ab95bda7c3an],
  [1, 6, 0xa512dd1e4e3ec582n],
  [1, 7, 0xedf67ff370a483f2n],
  [2, 5, 0xc003b93999b33765n],
  [2, 6, 0x270a787275c48d10n],
  [2, 7, 0x5c06a7501b63b2fdn],
];

for (const [sbox, rounds, expected] of VECTORS) {
  test(`qarma64 published vector: sigma${sbox}, r=${rounds}`, (t) => {
    t.is(hex(qarma64(P, T, W0, K0, rounds, sbox)), hex(expected));
  });
}

test('qarma64 rejects unsupported round counts and S-boxes', (t) => {
  t.throws(() => qarma64(P, T, W0, K0, 0, 2), { instanceOf: RangeError });
  t.throws(() => qarma64(P, T, W0, K0, 9, 2), { instanceOf: RangeError });
  t.throws(() => qarma64(P, T, W0, K0, 5, 3 as 2), { instanceOf: RangeError });
});

test('ComputePAC is QARMA-64 sigma2 r=5 with keyHi = w0, keyLo = k0', (t) => {
  t.is(hex(ComputePAC(P, T, W0, K0)), hex(0xc003b93999b33765n));
});

test('property: the fast ComputePAC (32-bit halves, byte tables) equals the reference qarma64 sigma2 r=5', (t) => {
  const w64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  fc.assert(
    fc.property(w64, w64, w64, w64, (d, m, hi, lo) => ComputePAC(d, m, hi, lo) === qarma64(d, m, hi, lo, 5, 2)),
    { numRuns: 1000, seed: 0xfa57 },
  );
  // The same key with many inputs, and inputs with many keys (the key-material cache).
  for (let i = 0n; i < 64n; i++) {
    t.is(ComputePAC(P ^ i, T, W0, K0), qarma64(P ^ i, T, W0, K0, 5, 2));
    t.is(ComputePAC(P, T, W0 ^ (i << 57n), K0 ^ i), qarma64(P, T, W0 ^ (i << 57n), K0 ^ i, 5, 2));
  }
});

test('PACGA reproduces QEMU tests/tcg/aarch64/system/pauth-3.c', (t) => {
  t.is(hex(PACGA(P, T, W0, K0)), hex(0xc003b93900000000n));
  t.is(ComputePAC(P, T, W0, K0) & 0xffffffff00000000n, 0xc003b93900000000n);
});

// ---------------------------------------------------------------------------
// AddPAC / Auth / Strip
// ---------------------------------------------------------------------------

const USER = 0x0000_7fff_1234_5670n;
const KERNEL = 0xffff_8000_1234_5670n;
const KEY_HI = 0x0123_4567_89ab_cdefn;
const KEY_LO = 0xfedc_ba98_7654_3210n;
const MOD = 0x0000_7fff_ffff_e000n; // e.g. an SP value
const TBI_ON: PauthConfig = { tbi: true, fpac: false };
const TBI_OFF: PauthConfig = { tbi: false, fpac: false };

const CASES = [
  { name: 'user, TBI on', ptr: USER, cfg: TBI_ON },
  { name: 'kernel, TBI on', ptr: KERNEL, cfg: TBI_ON },
  { name: 'user, TBI off', ptr: USER, cfg: TBI_OFF },
  { name: 'kernel, TBI off', ptr: KERNEL, cfg: TBI_OFF },
] as const;

for (const { name, ptr, cfg } of CASES) {
  test(`AddPAC then Auth round trip (${name})`, (t) => {
    for (const data of [false, true]) {
      for (const keyNumber of [0, 1] as const) {
        const signed = AddPAC(ptr, MOD, KEY_HI, KEY_LO, data, cfg);
        t.not(signed, ptr, 'a PAC was inserted');
        t.is(signed & mask(0, 47), ptr & mask(0, 47), 'address bits kept');
        t.is((signed >> 55n) & 1n, (ptr >> 55n) & 1n, 'bit 55 kept');
        const r = Auth(signed, MOD, KEY_HI, KEY_LO, data, keyNumber, cfg);
        t.true(r.ok);
        t.is(hex(r.ptr), hex(ptr));
        t.is(hex(Strip(signed, data, cfg)), hex(ptr));
      }
    }
  });
}

test('AddPAC inserts exactly ComputePAC bits in the documented field', (t) => {
  for (const ptr of [USER, KERNEL]) {
    const pac = ComputePAC(ptr, MOD, KEY_HI, KEY_LO);
    const half = ptr & (1n << 55n);
    // TBI on: ptr<63:56> : bit55 : PAC<54:48> : ptr<47:0>
    t.is(
      hex(AddPAC(ptr, MOD, KEY_HI, KEY_LO, true, TBI_ON)),
      hex((ptr & mask(56, 63)) | half | (pac & mask(48, 54)) | (ptr & mask(0, 47))),
    );
    // TBI off: PAC<63:56> : bit55 : PAC<54:48> : ptr<47:0>
    t.is(
      hex(AddPAC(ptr, MOD, KEY_HI, KEY_LO, true, TBI_OFF)),
      hex((pac & mask(56, 63)) | half | (pac & mask(48, 54)) | (ptr & mask(0, 47))),
    );
  }
});

test('TBI on: the top byte of the input is preserved by AddPAC, Auth and Strip', (t) => {
  const tagged = 0x5a00_7fff_1234_5670n; // tag 0x5a in the top byte
  const signed = AddPAC(tagged, MOD, KEY_HI, KEY_LO, true, TBI_ON);
  t.is(signed >> 56n, 0x5an);
  t.is(signed & ~mask(48, 54), tagged, 'only bits 54..48 changed');
  const r = Auth(signed, MOD, KEY_HI, KEY_LO, true, 0, TBI_ON);
  t.true(r.ok);
  t.is(hex(r.ptr), hex(tagged));
  t.is(hex(Strip(signed, true, TBI_ON)), hex(tagged));
  // The tag is part of the PAC input: retagging a signed pointer makes Auth fail.
  const retagged = (signed & ~mask(56, 63)) | (0xa5n << 56n);
  t.false(Auth(retagged, MOD, KEY_HI, KEY_LO, true, 0, TBI_ON).ok);
});

test('TBI off: only bits 63..56 and 54..48 change', (t) => {
  for (const ptr of [USER, KERNEL]) {
    const signed = AddPAC(ptr, MOD, KEY_HI, KEY_LO, false, TBI_OFF);
    t.is(signed & ~(mask(56, 63) | mask(48, 54)), ptr & ~(mask(56, 63) | mask(48, 54)));
  }
});

test('Strip (XPAC) restores the canonical pointer for both halves', (t) => {
  t.is(hex(Strip(0x3a5c_7fff_1234_5670n, false, TBI_OFF)), hex(USER));
  t.is(hex(Strip(0xc5a3_8000_1234_5670n, false, TBI_OFF)), hex(KERNEL));
  t.is(hex(Strip(0x007f_7fff_1234_5670n, true, TBI_ON)), hex(USER));
  t.is(hex(Strip(0xff80_8000_1234_5670n, true, TBI_ON)), hex(KERNEL));
  // TBI on keeps whatever is in the top byte.
  t.is(hex(Strip(0x1280_8000_1234_5670n, true, TBI_ON)), hex(0x12ff_8000_1234_5670n));
  t.is(hex(Strip(0x127f_7fff_1234_5670n, true, TBI_ON)), hex(0x1200_7fff_1234_5670n));
});

for (const { name, ptr, cfg } of CASES) {
  test(`Auth fails with a wrong modifier or a wrong key (${name})`, (t) => {
    const signed = AddPAC(ptr, MOD, KEY_HI, KEY_LO, false, cfg);
    // Error code: key A -> 0b01, key B -> 0b10, in bits 54:53 (TBI) or 62:61 (no TBI).
    const at = cfg.tbi ? 53n : 61n;
    const poisoned = (code: bigint) => (ptr & ~(3n << at)) | (code << at);

    const wrongMod = Auth(signed, MOD + 0x10n, KEY_HI, KEY_LO, false, 0, cfg);
    t.false(wrongMod.ok);
    t.is(hex(wrongMod.ptr), hex(poisoned(0b01n)));

    const wrongKeyB = Auth(signed, MOD, KEY_HI, KEY_LO ^ 1n, false, 1, cfg);
    t.false(wrongKeyB.ok);
    t.is(hex(wrongKeyB.ptr), hex(poisoned(0b10n)));

    const wrongKeyHi = Auth(signed, MOD, KEY_HI ^ (1n << 63n), KEY_LO, false, 0, cfg);
    t.false(wrongKeyHi.ok);
    t.is(hex(wrongKeyHi.ptr), hex(poisoned(0b01n)));

    // The poisoned pointer is non-canonical: its extension bits are not all equal to bit 55.
    const ext = wrongMod.ptr & (cfg.tbi ? mask(48, 55) : mask(48, 63));
    t.true(ext !== 0n && ext !== (cfg.tbi ? mask(48, 55) : mask(48, 63)));
  });
}

test('Auth with FEAT_FPAC still reports failure to the caller (which raises the fault)', (t) => {
  const cfg: PauthConfig = { tbi: true, fpac: true };
  const signed = AddPAC(USER, MOD, KEY_HI, KEY_LO, false, cfg);
  t.deepEqual(Auth(signed, MOD, KEY_HI, KEY_LO, false, 0, cfg), { ptr: USER, ok: true });
  t.false(Auth(signed, MOD ^ 0x40n, KEY_HI, KEY_LO, false, 0, cfg).ok);
});

test('AddPAC corrupts the PAC of a non-canonical pointer so Auth always fails', (t) => {
  // Bit 48 set but bit 55 clear: extension bits disagree with bit 55.
  const bad = 0x0001_7fff_1234_5670n;
  const canonical = USER;
  for (const cfg of [TBI_ON, TBI_OFF]) {
    const good = AddPAC(canonical, MOD, KEY_HI, KEY_LO, true, cfg);
    const signed = AddPAC(bad, MOD, KEY_HI, KEY_LO, true, cfg);
    // Same PAC input (the canonicalised pointer), but bit 54 (TBI) / 62 (no TBI) flipped.
    t.is(signed ^ good, 1n << (cfg.tbi ? 54n : 62n));
    t.false(Auth(signed, MOD, KEY_HI, KEY_LO, true, 0, cfg).ok);
  }
});

test('vaBits moves the bottom of the PAC field', (t) => {
  const cfg: PauthConfig = { tbi: true, fpac: false, vaBits: 39 };
  const ptr = 0x0000_0040_1234_5670n & mask(0, 38);
  const signed = AddPAC(ptr, MOD, KEY_HI, KEY_LO, true, cfg);
  t.is(signed & ~mask(39, 54), ptr);
  t.deepEqual(Auth(signed, MOD, KEY_HI, KEY_LO, true, 0, cfg), { ptr, ok: true });
  t.throws(() => AddPAC(ptr, MOD, KEY_HI, KEY_LO, true, { tbi: true, fpac: false, vaBits: 60 }), {
    instanceOf: RangeError,
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** A canonical pointer for cfg: bits 55..48 (TBI) or 63..48 (no TBI) copy bit 55; TBI keeps any top byte. */
const canonicalPointer = fc
  .record({ va: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }), upper: fc.boolean(), tag: fc.bigInt({ min: 0n, max: 255n }), tbi: fc.boolean() })
  .map(({ va, upper, tag, tbi }) => {
    let ptr = upper ? va | mask(48, 63) : va;
    if (tbi) ptr = (ptr & ~mask(56, 63)) | (tag << 56n);
    return { ptr, tbi };
  });

test('property: Auth(AddPAC(p)) returns p for canonical p, any key/modifier, both TBI settings', (t) => {
  fc.assert(
    fc.property(canonicalPointer, u64, u64, u64, fc.boolean(), fc.constantFrom(0 as const, 1 as const), ({ ptr, tbi }, mod, hi, lo, data, keyNumber) => {
      const cfg: PauthConfig = { tbi, fpac: false };
      const signed = AddPAC(ptr, mod, hi, lo, data, cfg);
      const r = Auth(signed, mod, hi, lo, data, keyNumber, cfg);
      return r.ok && r.ptr === ptr && Strip(signed, data, cfg) === ptr;
    }),
    { numRuns: 500, seed: 0x5eed },
  );
  t.pass();
});

test('property: Auth with a different modifier fails in ~127/128 of cases (7-bit PAC, TBI on)', (t) => {
  const samples = fc.sample(
    fc.tuple(canonicalPointer, u64, u64, u64, u64).filter(([, m1, , , m2]) => m1 !== m2),
    { numRuns: 2000, seed: 42 },
  );
  let failures = 0;
  for (const [{ ptr }, mod, hi, lo, otherMod] of samples) {
    const cfg: PauthConfig = { tbi: true, fpac: false };
    const signed = AddPAC(ptr, mod, hi, lo, false, cfg);
    const r = Auth(signed, otherMod, hi, lo, false, 0, cfg);
    if (!r.ok) {
      failures++;
      t.is(r.ptr, (ptr & ~mask(53, 54)) | (1n << 53n));
    }
  }
  const rate = failures / samples.length;
  t.log(`failure rate ${(rate * 100).toFixed(2)}% over ${samples.length} cases`);
  t.true(rate >= 0.97 && rate <= 1, `failure rate ${rate}`);
});
