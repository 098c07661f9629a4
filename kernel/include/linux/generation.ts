/**
 * A generation counter: bumped by every change that can make a cached answer stale, compared by
 * the cache before it answers (the idea of a seqcount, on one CPU). Several producers may share
 * one counter — the kernel page table, the kernel TLB, the CPU's protection rules and kallsyms
 * share the kernel-half one (Cpu.kgen) — so that a consumer checks one number.
 */
export class Generation {
  n = 0;
}
