/**
 * struct module and the macros a module's source uses (include/linux/module.h,
 * include/linux/moduleparam.h, include/linux/export.h).
 *
 * A privos module is a TypeScript ES module. Where Linux's macros emit symbols into special
 * sections (.modinfo, .init.text, __ksymtab, __param), privos's macros return tagged records
 * that the module exports; the loader (./main.ts) reads them off the module's namespace:
 *
 *   export const license = MODULE_LICENSE('GPL');
 *   export const verbose = module_param('verbose', 'bool', 0o644, false, 'log more');
 *   export const __init = module_init(my_init);   // my_init(THIS_MODULE) → 0 or -errno
 *   export const __exit = module_exit(my_exit);
 *   export const __ksym_my_fn = EXPORT_SYMBOL(my_fn);
 *
 * Every load imports a fresh instance of the module's file, so module-level variables are
 * that load's .data/.bss, as with a real .ko.
 */
import type { Kernel } from '../kernel.ts';
import type { TextFn, TextRegion } from '../mm/text.ts';
import type { Task } from '../sched/task.ts';

const TAG = Symbol.for('privos.module.section');

/** enum module_state */
export const MODULE_STATE_LIVE = 0, MODULE_STATE_COMING = 1, MODULE_STATE_GOING = 2, MODULE_STATE_UNFORMED = 3;

export type ParamType = 'bool' | 'int' | 'uint' | 'long' | 'ulong' | 'charp';
export type ParamValue<T extends ParamType> = T extends 'bool' ? boolean : T extends 'charp' ? string : number;

/** struct kernel_param: `value` is the variable the module reads. */
export interface KernelParam<T extends ParamType = ParamType> {
  readonly [TAG]: 'param';
  readonly name: string;
  readonly type: T;
  readonly perm: number;
  readonly desc: string;
  value: ParamValue<T>;
}

export interface ModInfo { readonly [TAG]: 'modinfo'; readonly key: string; readonly value: string }
export type InitFn = (mod: Module) => number | Promise<number>;
export type ExitFn = (mod: Module) => void | Promise<void>;
export interface InitSection { readonly [TAG]: 'init'; readonly fn: InitFn }
export interface ExitSection { readonly [TAG]: 'exit'; readonly fn: ExitFn }
export interface KernelSymbol { readonly [TAG]: 'ksym'; readonly fn: TextFn; readonly name: string; readonly gpl: boolean }
export type ModuleSection = KernelParam | ModInfo | InitSection | ExitSection | KernelSymbol;

/** The kind of a tagged export, or undefined for ordinary exports. */
export function section_of(v: unknown): ModuleSection[typeof TAG] | undefined {
  return v !== null && typeof v === 'object' && TAG in v ? (v as ModuleSection)[TAG] : undefined;
}

const modinfo = (key: string, value: string): ModInfo => ({ [TAG]: 'modinfo', key, value });
export const MODULE_LICENSE = (s: string): ModInfo => modinfo('license', s);
export const MODULE_AUTHOR = (s: string): ModInfo => modinfo('author', s);
export const MODULE_DESCRIPTION = (s: string): ModInfo => modinfo('description', s);
export const MODULE_VERSION = (s: string): ModInfo => modinfo('version', s);
export const MODULE_ALIAS = (s: string): ModInfo => modinfo('alias', s);

export const module_init = (fn: InitFn): InitSection => ({ [TAG]: 'init', fn });
export const module_exit = (fn: ExitFn): ExitSection => ({ [TAG]: 'exit', fn });

/** module_param(name, type, perm) with its default and MODULE_PARM_DESC in one record. */
export function module_param<T extends ParamType>(name: string, type: T, perm: number, value: ParamValue<T>, desc = ''): KernelParam<T> {
  return { [TAG]: 'param', name, type, perm, desc, value };
}

/** EXPORT_SYMBOL(fn): other modules may symbol_get() it; it appears in /proc/kallsyms. */
export const EXPORT_SYMBOL = (fn: TextFn, name = fn.name): KernelSymbol => ({ [TAG]: 'ksym', fn, name, gpl: false });
export const EXPORT_SYMBOL_GPL = (fn: TextFn, name = fn.name): KernelSymbol => ({ [TAG]: 'ksym', fn, name, gpl: true });

/** Licenses that do not taint the kernel (kernel/module/main.c license_is_gpl_compatible). */
export function license_is_gpl_compatible(l: string): boolean {
  return ['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL'].includes(l);
}

/** struct module */
export class Module {
  state = MODULE_STATE_UNFORMED;
  /** References held by users (open device files, symbol_get); the load's own base is not counted. */
  refcnt = 0;
  init: InitFn | null = null;
  exit: ExitFn | null = null;
  readonly modinfo: ModInfo[] = [];
  readonly params: KernelParam[] = [];
  readonly syms: KernelSymbol[] = [];
  /** Modules that use this one's symbols (source_list) and the ones this one uses (target_list). */
  readonly source_list = new Set<Module>();
  readonly target_list = new Set<Module>();
  /** Kernel log taint letters this module caused ('P' proprietary, 'O' out-of-tree, 'E' unsigned). */
  taints = '';
  /** Private data of the module (what its statics would hold). */
  readonly ext = new Map<object, unknown>();

  constructor(readonly name: string, readonly kernel: Kernel, readonly url: string,
              /** core_layout: the module's text, at MODULES_VADDR and up. */
              readonly region: TextRegion, readonly region_size: number) {}

  info(key: string): string[] { return this.modinfo.filter((m) => m.key === key).map((m) => m.value); }

  /** Gives fn a text address in this module (a function the module hands out as a pointer). */
  text(fn: TextFn, name = fn.name): number {
    return this.kernel.kallsyms.register_module_sym(this.region, name, fn);
  }

  /** The task that runs the module's init or exit right now (the insmod/rmmod process). */
  current(): Task { return this.kernel.current!; }
}

/** try_module_get(): false once the module is going away. */
export function try_module_get(mod: Module | null | undefined): boolean {
  if (!mod) return true;
  if (mod.state === MODULE_STATE_GOING || mod.state === MODULE_STATE_UNFORMED) return false;
  mod.refcnt++;
  return true;
}

export function module_put(mod: Module | null | undefined): void {
  if (mod && mod.refcnt > 0) mod.refcnt--;
}

/** module_refcount() as /proc/modules and lsmod print it. */
export function module_refcount(mod: Module): number { return mod.refcnt; }
