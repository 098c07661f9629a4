/**
 * The SFI pass as a link step (issue 9 item 5; the artifact builds musl and the program with its
 * LLVM pass): every module of an image — the program's, its imports' and libc's — goes through
 * tools/sfi/pass.ts, and the instrumented modules are bundled instead of the originals. libc
 * (and the uapi headers it includes) is trusted code compiled with the pass, so its memory
 * accesses on behalf of box code are masked like the program's; every other module is held to
 * the box policy and refused with `file:line:col: message` diagnostics.
 *
 * esbuild's synchronous API takes no plugins (and exec links synchronously), so the instrumented
 * modules are written to a private mirror of their paths, bundled from there, and removed.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT as ROOT } from '../../kernel/init/paths.ts';
import { SfiRejection, type SfiBuild, type SfiStats, sfi_compile } from './pass.ts';

/** The runtime module the instrumented code imports (linked as it is). */
export const SFI_RUNTIME = join(ROOT, 'tools', 'sfi', 'runtime.ts');
const POLICY = join(ROOT, 'kernel', 'privbox', 'sfi_policy.ts');
/** The pass's own files: an SFI image depends on them (the linker's cache checks them). */
export const SFI_PASS_FILES = [join(ROOT, 'tools', 'sfi', 'pass.ts'), POLICY, join(ROOT, 'tools', 'sfi', 'link_pass.ts')];
/** Trusted modules: the C library and the uapi headers. */
const TRUSTED = [join(ROOT, 'libc') + '/', join(ROOT, 'kernel', 'include', 'uapi') + '/'];

/** What the pass inserted over the last image it linked (the bench reports it). */
export const last_sfi_stats: SfiStats = { masks: 0, branches: 0, keys: 0, functions: 0 };

/** `file:line:col: message` → the linker's `file:line:col: error: message`. */
const link_diag = (d: string): string => d.replace(/^(.*?:\d+:\d+): /, '$1: error: ');

/** Instruments every input into a fresh mirror directory (mirror + absolute path); returns the mirror. */
function instrument_tree(inputs: readonly string[], build: SfiBuild): string {
  const mirror = mkdtempSync(join(tmpdir(), 'privos-sfi-'));
  const diags: string[] = [];
  Object.assign(last_sfi_stats, { masks: 0, branches: 0, keys: 0, functions: 0 });
  for (const f of inputs) {
    if (f === SFI_RUNTIME || f === POLICY) continue;
    let code = readFileSync(f, 'utf8');
    if (/\.(ts|js|mjs)$/.test(f)) {
      try {
        const r = sfi_compile(code, { build, file_name: f, image: { trusted: TRUSTED.some((d) => f.startsWith(d)), runtime: SFI_RUNTIME } });
        for (const k of ['masks', 'branches', 'keys', 'functions'] as const) last_sfi_stats[k] += r.stats[k];
        code = r.code;
      } catch (e) {
        if (!(e instanceof SfiRejection)) throw e;
        diags.push(...e.diagnostics.map(link_diag));
        continue;
      }
    }
    mkdirSync(dirname(mirror + f), { recursive: true });
    writeFileSync(mirror + f, code);
  }
  if (diags.length) { rmSync(mirror, { recursive: true, force: true }); throw new SfiRejection(diags); }
  return mirror;
}

/**
 * Links `program` with SFI build `build`: `bundle_at(program, libc_root)` is the linker's esbuild
 * step. The plain link gives the module list; the instrumented mirror is then bundled.
 */
export function sfi_link<R extends { code: string; inputs: string[] }>(program: string, build: SfiBuild, bundle_at: (program: string, root: string) => R): R {
  const plain = bundle_at(program, ROOT);
  const mirror = instrument_tree(plain.inputs, build);
  try {
    // (The mirror holds the modules under the real paths the bundler resolved them to.)
    const r = bundle_at(mirror + realpathSync(program), mirror + realpathSync(ROOT));
    return { ...r, inputs: [...plain.inputs, ...SFI_PASS_FILES] };
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}
