/**
 * The module loader (kernel/module/main.c): load_module, do_init_module, free_module,
 * delete_module's checks, symbol_get, and the /proc/modules text.
 *
 * Loading imports a fresh instance of the module's ES module, gives each of its functions a
 * text address in a region of its own at MODULES_VADDR (mapped read + kernel-exec, so calls
 * through those addresses pass the MMU's exec check), registers the names with kallsyms
 * (shown as `[name]` in /proc/kallsyms), applies the parameters and calls the init function
 * through its address. Unloading calls exit the same way, makes the text non-executable and
 * forgets its symbols, so a stale pointer into a gone module faults instead of running.
 */
import { MODE_KERNEL, addr_hex } from '../arch/cpu.ts';
import { EBUSY, EEXIST, ENOENT, ENOEXEC, EWOULDBLOCK } from '../include/uapi/errno.ts';
import type { Kernel } from '../kernel.ts';
import { proc_create } from '../fs/proc/generic.ts';
import { PAGE_SIZE } from '../mm/page_alloc.ts';
import { PERM_KX, PERM_R } from '../mm/pgtable.ts';
import { type TextFn, TextRegion } from '../mm/text.ts';
import { MODULES_SIZE, MODULES_VADDR } from '../mm/vmalloc.ts';
import { KERN_INFO, KERN_WARNING } from '../printk.ts';
import { switch_to } from '../sched/core.ts';
import type { Task } from '../sched/task.ts';
import { KernelBug } from '../syscalls/entry.ts';
import {
  type ExitSection, type InitSection, type KernelParam, type KernelSymbol, type ModInfo, Module,
  MODULE_STATE_COMING, MODULE_STATE_GOING, MODULE_STATE_LIVE, license_is_gpl_compatible, module_put,
  section_of, try_module_get,
} from './module.ts';
import { parse_args } from './params.ts';
import { StateKey, state_of, state_set } from '../include/linux/ext_state.ts';
import { COMPILED, host_import } from '../init/paths.ts';

/** Address space reserved per module (its text slots; pages are mapped as slots fill). */
export const MODULE_REGION_SIZE = 1 << 20;
/** MODULE_NAME_LEN (64 - sizeof(unsigned long)) */
export const MODULE_NAME_LEN = 56;

interface ModuleList { readonly mods: Map<string, Module>; next_base: number }

/**
 * Load counter for the whole host process: each load imports `URL?privos_load=N` with a fresh N,
 * so two machines (or two loads) never share a module instance's statics.
 */
let load_seq = 0;

/** The `modules` list of a kernel. */
const MODULE_LIST_STATE = new StateKey<Kernel, ModuleList>('modules', () => ({ mods: new Map(), next_base: MODULES_VADDR }));
export function module_list(k: Kernel): ModuleList { return state_of(k, MODULE_LIST_STATE); }

export function find_module(k: Kernel, name: string): Module | undefined { return module_list(k).mods.get(name); }

/** The module name a file's URL gives (its basename; `-` becomes `_`, as kbuild's KBUILD_MODNAME). */
export function module_name_of(url: string): string {
  const base = url.split(/[?#]/)[0].split('/').pop() ?? '';
  return base.replace(/\.(ts|js|mjs|cjs)$/, '').replace(/\.ko$/, '').replace(/-/g, '_');
}

/** Calls a kernel function through its text address: MMU exec check, then the function. */
export function call_text(k: Kernel, addr: number, ...args: unknown[]): unknown {
  const fn = k.cpu.check_exec(addr) ? k.kallsyms.function_at(addr) : undefined;
  if (!fn) throw new KernelBug(`unable to handle kernel paging request: execute at ${addr_hex(addr)}`);
  return fn(...args);
}

/** layout_and_allocate(): the module's text region at the next free slot of the module area. */
function alloc_region(k: Kernel, pages: number[]): TextRegion {
  const l = module_list(k);
  const base = l.next_base;
  if (base + MODULE_REGION_SIZE > MODULES_VADDR + MODULES_SIZE) throw new RangeError('module area exhausted');
  l.next_base += MODULE_REGION_SIZE;
  return new TextRegion(base, MODULE_REGION_SIZE, (a) => { k.kvm.map_pages(a, 1, PERM_R | PERM_KX); pages.push(a); });
}

/** Reads the tagged records (the module's sections) off its namespace. */
function read_sections(mod: Module, ns: Record<string, unknown>): boolean {
  let found = false;
  for (const v of Object.values(ns)) {
    const s = section_of(v);
    if (!s) continue;
    found = true;
    if (s === 'init') mod.init = (v as InitSection).fn;
    else if (s === 'exit') mod.exit = (v as ExitSection).fn;
    else if (s === 'modinfo') mod.modinfo.push(v as ModInfo);
    else if (s === 'param') mod.params.push(v as KernelParam);
    else mod.syms.push(v as KernelSymbol);
  }
  return found;
}

/** simplify_symbols + the kallsyms part of post_relocation: every function gets an address. */
function layout_symbols(mod: Module, ns: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(ns)) if (typeof v === 'function') mod.text(v as TextFn, name);
  if (mod.init) mod.text(mod.init, mod.init.name || 'init_module');
  if (mod.exit) mod.text(mod.exit, mod.exit.name || 'cleanup_module');
  for (const s of mod.syms) { mod.text(s.fn, s.name); mod.kernel.kallsyms.exported.add(s.name); }
}

/** The module's text pages in the modules area (module_memory's base, page by page). */
const MODULE_PAGES = new StateKey<Module, number[]>('module_pages', () => []);

/** free_module(): off the list, text made non-executable, symbols forgotten. */
function free_module(mod: Module): void {
  const k = mod.kernel;
  mod.state = MODULE_STATE_GOING;
  module_list(k).mods.delete(mod.name);
  for (const s of mod.syms) k.kallsyms.exported.delete(s.name);
  for (const m of mod.target_list) m.source_list.delete(mod);
  k.kallsyms.remove_region(mod.region);
  for (const a of state_of(mod, MODULE_PAGES)) k.kvm.set_memory_nx(a, 1);
}

/** tsx's loader registered (once per host process; the allow-list of module-level state). */
let ts_loader = false;

/**
 * A module written in TypeScript under the compiled kernel (which Node runs without a loader):
 * tsx's hooks, registered on the first such module, as a kernel requests a module it lacks.
 */
async function ts_loader_for(url: string): Promise<void> {
  if (ts_loader || !COMPILED || !/\.[cm]?ts$/.test(url.split('?')[0])) return;
  ts_loader = true;
  (await host_import<typeof import('tsx/esm/api')>('tsx/esm/api')).register();
}

/** Links a CommonJS module file against the running kernel; its exports (a namespace). */
export type ModuleLinker = (url: string) => Record<string, unknown>;

/**
 * The linker of `.cjs` module files, set once by the CLI's CommonJS bundle (which has no ES
 * module graph for a module to share): tools/link/cjs_runtime.ts.
 */
let cjs_linker: ModuleLinker | null = null;

export function set_module_linker(fn: ModuleLinker): void { cjs_linker = fn; }

async function import_module(url: string, seq: number): Promise<Record<string, unknown> | null> {
  try {
    await ts_loader_for(url);
    const load_url = `${url}${url.includes('?') ? '&' : '?'}privos_load=${seq}`;
    if (cjs_linker && url.split('?')[0].endsWith('.cjs')) return cjs_linker(load_url);
    return await host_import<Record<string, unknown>>(load_url);
  } catch {
    return null;
  }
}

/**
 * load_module() + do_init_module(): 0 or -errno. An exception in init (an oops) frees the
 * module and propagates, so the loading task dies and the kernel carries on.
 */
export async function load_module(t: Task, url: string, args: string): Promise<number> {
  const k = t.kernel;
  const l = module_list(k);
  const ns = await import_module(url, ++load_seq);
  switch_to(t, MODE_KERNEL);
  if (!ns) return -ENOEXEC;
  const name = module_name_of(url);
  if (!name || name.length >= MODULE_NAME_LEN) return -ENOEXEC;
  if (l.mods.has(name)) return -EEXIST;
  const pages: number[] = [];
  const mod = new Module(name, k, url, alloc_region(k, pages), MODULE_REGION_SIZE);
  state_set(mod, MODULE_PAGES, pages);
  if (!read_sections(mod, ns)) return -ENOEXEC; // not a module (e.g. a program image)
  l.mods.set(name, mod);
  k.kallsyms.add_region(mod.region, name);
  layout_symbols(mod, ns);
  const license = mod.info('license')[0] ?? 'unspecified';
  if (!license_is_gpl_compatible(license)) {
    mod.taints += 'P';
    k.printk(KERN_WARNING, `${name}: module license '${license}' taints kernel.`);
  }
  mod.taints += 'O'; // out-of-tree, as every module loaded from a file is here
  const err = parse_args(mod, args);
  if (err) { free_module(mod); return err; }
  mod.state = MODULE_STATE_COMING;
  let ret = 0;
  try {
    if (mod.init) {
      const r = call_text(k, mod.text(mod.init), mod) as number | Promise<number>;
      ret = typeof r === 'number' ? r : await r;
      switch_to(t, MODE_KERNEL);
    }
  } catch (e) {
    free_module(mod);
    throw e;
  }
  if (ret < 0) { free_module(mod); return ret; }
  if (ret > 0) k.printk(KERN_WARNING, `${name}: init returned ${ret} (positive), treating as success`);
  mod.state = MODULE_STATE_LIVE;
  k.printk(KERN_INFO, `${name}: loaded at ${addr_hex(mod.region.base)}`);
  return 0;
}

/** delete_module's checks and unload (the caller checked CAP_SYS_MODULE). */
export async function unload_module(t: Task, name: string): Promise<number> {
  const k = t.kernel;
  const mod = find_module(k, name);
  if (!mod) return -ENOENT;
  if (mod.source_list.size) return -EWOULDBLOCK; // other modules depend on it
  if (mod.state !== MODULE_STATE_LIVE) return -EBUSY; // loading or already dying
  if (mod.init && !mod.exit) return -EBUSY; // cannot be removed (no CONFIG_MODULE_FORCE_UNLOAD)
  if (mod.refcnt !== 0) return -EWOULDBLOCK; // try_stop_module: in use
  mod.state = MODULE_STATE_GOING;
  try {
    if (mod.exit) {
      const r = call_text(k, mod.text(mod.exit), mod);
      if (r instanceof Promise) { await r; switch_to(t, MODE_KERNEL); }
    }
  } finally {
    free_module(mod);
  }
  k.printk(KERN_INFO, `${name}: unloaded`);
  return 0;
}

/** symbol_get(): an exported function and a reference on its module (null if none). */
export function symbol_get(k: Kernel, name: string, user?: Module): TextFn | null {
  for (const mod of module_list(k).mods.values()) {
    const s = mod.syms.find((x) => x.name === name);
    if (!s || mod.state !== MODULE_STATE_LIVE || !try_module_get(mod)) continue;
    if (user) { mod.source_list.add(user); user.target_list.add(mod); }
    return s.fn;
  }
  return null;
}

/** symbol_put(): drops the reference symbol_get took. */
export function symbol_put(k: Kernel, name: string, user?: Module): void {
  for (const mod of module_list(k).mods.values()) {
    if (!mod.syms.some((x) => x.name === name)) continue;
    module_put(mod);
    if (user) { mod.source_list.delete(user); user.target_list.delete(mod); }
    return;
  }
}

const STATE_NAMES: readonly string[] = ['Live', 'Loading', 'Unloading', 'Unformed'];

/** /proc/modules: "name size refcnt deps, state address (taints)"; addresses hidden from non-root. */
export function proc_modules_show(k: Kernel, viewer_is_root: boolean): string {
  let out = '';
  for (const m of module_list(k).mods.values()) {
    const deps = [...m.source_list].map((x) => x.name + ',').join('') || '-';
    const pages = state_of(m, MODULE_PAGES).length;
    const addr = viewer_is_root ? addr_hex(m.region.base) : '0000000000000000';
    out += `${m.name} ${pages * PAGE_SIZE} ${m.refcnt} ${deps} ${STATE_NAMES[m.state]} 0x${addr}${m.taints ? ` (${m.taints})` : ''}\n`;
  }
  return out;
}

/** proc_modules_init() (kernel/module/procfs.c): /proc/modules, 0444, addresses for root only. */
export function proc_modules_init(k: Kernel): void {
  proc_create(k, 'modules', (t) => proc_modules_show(k, t.cred.euid === 0));
}
