/**
 * Image signatures — CONFIG_MODULE_SIG's idea for privos images. The toolchain (tools/link)
 * signs each image it links with an HMAC-SHA256 key that lives in the host's cache directory,
 * out of every guest's reach, over the header fields the loader trusts: the entry, the build
 * tags (`sfi=…`, `ops=…`) and the code's hash. An image is *signed* when its signature holds and
 * its code hashes to the signed hash; only then does the loader take its build tags at their
 * word. Any other image — written by hand, by a guest, or edited after linking — gets the
 * user-op pass run over its code at load (so it cannot hold the machine with a loop the pass
 * never saw) and may claim no SFI build. The key persists across host processes so an image
 * `privos cc` wrote yesterday still loads as the toolchain's own.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENOEXEC } from '../include/uapi/errno.ts';
import type { ImageHeader } from '../include/uapi/privos_image.ts';
import { REPO_ROOT } from '../init/paths.ts';
import type { Kernel } from '../kernel.ts';
import { KERN_ERR } from '../printk.ts';

const KEY_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'privos');
const KEY_FILE = join(KEY_DIR, 'image-signing.key');

/** The signing key (host-process cache of a host file; the allow-list of module-level state). */
let key: Buffer | null = null;

/** The toolchain's key: read from the cache directory, made there on first use (0600). */
function image_key(): Buffer {
  if (key) return key;
  try {
    key = readFileSync(KEY_FILE);
  } catch {
    const fresh = randomBytes(32);
    try {
      mkdirSync(KEY_DIR, { recursive: true });
      writeFileSync(KEY_FILE, fresh, { flag: 'wx', mode: 0o600 });
      key = fresh;
    } catch {
      // Another process made it first (read theirs), or a read-only tree (a key for this process).
      try { key = readFileSync(KEY_FILE); } catch { key = fresh; }
    }
  }
  return key;
}

/** What the signature covers: the fields the loader acts on. */
function signed_text(h: Pick<ImageHeader, 'entry' | 'build' | 'hash'>): string {
  return `${h.entry}\0${h.build}\0${h.hash}`;
}

/** The signature of a header (the linker calls this; hex HMAC-SHA256). */
export function image_sign(h: Pick<ImageHeader, 'entry' | 'build' | 'hash'>): string {
  return createHmac('sha256', image_key()).update(signed_text(h)).digest('hex');
}

/** Code known to hash to its header's hash (a host-process cache: hash → the code text). */
const hashed = new Map<string, string>();

/** Does `code` hash to `hash`? A string compare after the first time (same text, same answer). */
function code_matches(hash: string, code: string): boolean {
  if (hashed.get(hash) === code) return true;
  if (createHash('sha256').update(code).digest('hex') !== hash) return false;
  hashed.set(hash, code);
  return true;
}

/** Is this image the toolchain's own, unmodified (signature and code hash both hold)? */
export function image_signed(h: ImageHeader, code: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(h.sig)) return false;
  const want = Buffer.from(image_sign(h), 'hex');
  return timingSafeEqual(want, Buffer.from(h.sig, 'hex')) && code_matches(h.hash, code);
}

/** The user-op pass as the loader runs it: instrumented code, or throws with diagnostics. */
export type LoadPass = (code: string, file: string) => string;
/** Registered by the linker at import (a function pointer set once, like a binfmt handler). */
let load_pass: LoadPass | null = null;
/** Unsigned code, instrumented: sha256 of the code → the pass's output (a pure-function cache). */
const passed = new Map<string, { code: string; hash: string }>();

export function set_load_pass(pass: LoadPass): void { load_pass = pass; }

/**
 * The code to run for an unsigned image: its code after the user-op pass (cached by content),
 * with the hash of what runs; -ENOEXEC when the pass refuses it (reserved names, not an image
 * function) or no pass is registered, the reason in the kernel log.
 */
export function unsigned_image_code(k: Kernel, code: string, path: string): { code: string; hash: string } | number {
  const h = createHash('sha256').update(code).digest('hex');
  const hit = passed.get(h);
  if (hit) return hit;
  if (!load_pass) {
    k.printk(KERN_ERR, `exec: ${path}: unsigned image and no user-op pass to instrument it`);
    return -ENOEXEC;
  }
  try {
    const out = load_pass(code, path);
    const r = { code: out, hash: createHash('sha256').update(out).digest('hex') };
    passed.set(h, r);
    return r;
  } catch (e) {
    const diags = (e as { diagnostics?: string[] }).diagnostics;
    k.printk(KERN_ERR, `exec: ${path}: refused by the user-op pass: ${diags ? diags.join('\n') : String(e)}`);
    return -ENOEXEC;
  }
}
