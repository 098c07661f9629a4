/**
 * Kernel symbols (kernel/kallsyms.c) and the text regions code addresses live in. Every kernel
 * function that is called through a pointer is registered here with a name and an address;
 * kallsyms_lookup_name() finds it, /proc/kallsyms lists it, and a call through an address is
 * resolved back to the function only after the MMU allowed the instruction fetch.
 */
import { addr_hex } from '../arch/cpu.ts';
import { Generation } from '../include/linux/generation.ts';
import type { Kernel } from '../kernel.ts';
import type { TextFn, TextRegion } from '../mm/text.ts';
import { C } from '../time/cost.ts';

export class Kallsyms {
  private readonly by_name = new Map<string, number>();
  /** Kernel-half regions: the core kernel text first, then module text. */
  readonly regions: TextRegion[] = [];
  /** Names of data symbols (sys_call_table, …) with their addresses. */
  private readonly data = new Map<string, number>();
  /** Symbols a module may link against (EXPORT_SYMBOL). */
  readonly exported = new Set<string>();
  /** The module that owns each module text region (shown as `[name]`). */
  private readonly owner = new Map<TextRegion, string>();

  /**
   * `gen` is bumped when kernel text comes or goes (a region added or removed): function_at may
   * answer differently. At boot it is the CPU's kernel-half generation (Cpu.kgen).
   */
  constructor(readonly gen: Generation = new Generation()) {}

  add_region(r: TextRegion, module_name?: string): void {
    this.gen.n++;
    this.regions.push(r);
    if (module_name) this.owner.set(r, module_name);
  }

  /** Drops a region and every name that pointed into it (module unload). */
  remove_region(r: TextRegion): void {
    this.gen.n++;
    const i = this.regions.indexOf(r);
    if (i >= 0) this.regions.splice(i, 1);
    this.owner.delete(r);
    for (const [a, n] of r.entries()) if (this.by_name.get(n) === a) this.forget(n);
  }

  /** Registers fn in region r under name; returns its address. */
  register(r: TextRegion, name: string, fn: TextFn): number {
    const addr = r.add(fn, name);
    this.by_name.set(name, addr);
    return addr;
  }

  /**
   * A module symbol: names already taken (by the core kernel or an earlier module) keep their
   * first address, as kallsyms_lookup_name() returns the first match.
   */
  register_module_sym(r: TextRegion, name: string, fn: TextFn): number {
    const addr = r.add(fn, name);
    if (!this.by_name.has(name)) this.by_name.set(name, addr);
    return addr;
  }

  register_data(name: string, addr: number): void { this.by_name.set(name, addr); this.data.set(name, addr); }

  forget(name: string): void { this.by_name.delete(name); this.data.delete(name); this.exported.delete(name); }

  /** kallsyms_lookup_name(): the address, or 0 when unknown (as Linux). */
  kallsyms_lookup_name(name: string): number { return this.by_name.get(name) ?? 0; }

  /**
   * How many symbols a linear kallsyms_lookup_name() visits to find name (all of them when it
   * is unknown): Linux before 6.2 walks kallsyms_names in address order — text, then data —
   * comparing each. The order here is /proc/kallsyms's.
   */
  symbols_visited(name: string): number {
    let n = 0;
    for (const r of this.regions) for (const [, s] of r.entries()) { n++; if (s === name) return n; }
    for (const s of this.data.keys()) { n++; if (s === name) return n; }
    return n;
  }
  /** The kernel-half function at exactly addr, if any (after the MMU check). */
  function_at(addr: number): TextFn | undefined {
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) if (rs[i].contains(addr)) return rs[i].at(addr);
    return undefined;
  }

  /** `ffffffff81000000 T name` lines, as /proc/kallsyms shows them to root. */
  proc_kallsyms(module_of: (r: TextRegion) => string | null = (r) => this.owner.get(r) ?? null): string {
    const out: string[] = [];
    for (const r of this.regions) {
      const mod = module_of(r);
      for (const [a, n] of r.entries()) out.push(`${addr_hex(a)} T ${n}${mod ? `\t[${mod}]` : ''}`);
    }
    for (const [n, a] of this.data) out.push(`${addr_hex(a)} D ${n}`);
    return out.join('\n') + '\n';
  }
}

/**
 * kallsyms_lookup_name() as a module calls it: the address or 0, charging one `kernel_op` per
 * symbol the scan visits (a lower bound: Linux also expands each compressed name before the
 * strcmp — kernel/kallsyms.c kallsyms_expand_symbol).
 */
export function kallsyms_lookup_name(k: Kernel, name: string): number {
  k.cpu.charge_n(C.kernel_op, k.kallsyms.symbols_visited(name));
  return k.kallsyms.kallsyms_lookup_name(name);
}
