/**
 * The corpus: programs that reached new kernel blocks, each kept once (by text), with a weight
 * that decides how often it is picked for mutation (syzkaller's corpus prios): the blocks it
 * brought, plus half of what its mutants brought since, and recent entries count triple.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Prog, format_prog } from './prog.ts';
import type { Rnd } from './values.ts';

/** The newest entries that count triple. */
const RECENT = 32;

export class Corpus {
  readonly progs: Prog[] = [];
  private readonly weights: number[] = [];
  private readonly texts = new Set<string>();

  /** `dir`: where each kept program is written, named by its hash (null: kept in memory only). */
  constructor(readonly dir: string | null) {}

  get length(): number { return this.progs.length; }

  /** Adds `prog` (worth `fresh` new blocks); false if it is already in. */
  add(prog: Prog, fresh: number, save = true): boolean {
    const text = format_prog(prog);
    if (this.texts.has(text)) return false;
    this.texts.add(text);
    this.progs.push(prog);
    this.weights.push(Math.max(1, fresh));
    if (save && this.dir) writeFileSync(join(this.dir, createHash('sha1').update(text).digest('hex').slice(0, 16) + '.prog'), text);
    return true;
  }

  /** Entry `i`'s mutant reached `fresh` new blocks. */
  reward(i: number, fresh: number): void { this.weights[i] += fresh / 2; }

  /** The index of an entry to mutate, by weight (-1 when empty). */
  choose(rnd: Rnd): number {
    const n = this.progs.length, w = (i: number): number => this.weights[i] * (i >= n - RECENT ? 3 : 1);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w(i);
    let at = rnd() * sum;
    for (let i = 0; i < n; i++) if ((at -= w(i)) < 0) return i;
    return n - 1;
  }
}
