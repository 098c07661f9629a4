/**
 * Kernel symbols (kernel/kallsyms.c) and the text regions code addresses live in. Every kernel
 * function that is called through a pointer is registered here with a name and an address;
 * kallsyms_lookup_name() finds it, /proc/kallsyms lists it, and a call through an address is
 * resolved back to the function only after the MMU allowed the instruction fetch.
 */
import { addr_hex } from '../arch/cpu.ts';
import type { TextFn, TextRegion } from '../mm/text.ts';

export class Kallsyms {
  private readonly by_name = new Map<string, number>();
  /** Kernel-half regions: the core kernel text first, then module text. */
  readonly regions: TextRegion[] = [];
  /** Names of data symbols (sys_call_table, …) with their addresses. */
  private readonly data = new Map<string, number>();
  /** Symbols a module may link against (EXPORT_SYMBOL). */
  readonly exported = new Set<string>();

  add_region(r: TextRegion): void { this.regions.push(r); }
  remove_region(r: TextRegion): void {
    const i = this.regions.indexOf(r);
    if (i >= 0) this.regions.splice(i, 1);
  }

  /** Registers fn in region r under name; returns its address. */
  register(r: TextRegion, name: string, fn: TextFn): number {
    const addr = r.add(fn, name);
    this.by_name.set(name, addr);
    return addr;
  }

  register_data(name: string, addr: number): void { this.by_name.set(name, addr); this.data.set(name, addr); }

  forget(name: string): void { this.by_name.delete(name); this.data.delete(name); this.exported.delete(name); }

  /** kallsyms_lookup_name(): the address, or 0 when unknown (as Linux). */
  kallsyms_lookup_name(name: string): number { return this.by_name.get(name) ?? 0; }

  /** The kernel-half function at exactly addr, if any (after the MMU check). */
  function_at(addr: number): TextFn | undefined {
    for (const r of this.regions) if (r.contains(addr)) return r.at(addr);
    return undefined;
  }

  /** `ffffffff81000000 T name` lines, as /proc/kallsyms shows them to root. */
  proc_kallsyms(module_of: (r: TextRegion) => string | null): string {
    const out: string[] = [];
    for (const r of this.regions) {
      const mod = module_of(r);
      for (const [a, n] of r.entries()) out.push(`${addr_hex(a)} T ${n}${mod ? `\t[${mod}]` : ''}`);
    }
    for (const [n, a] of this.data) out.push(`${addr_hex(a)} D ${n}`);
    return out.join('\n') + '\n';
  }
}
