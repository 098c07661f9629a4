/**
 * t_zset.c's zskiplist: ordered by (score, member), with spans for O(log N) rank queries and
 * a backward pointer on level 0 for reverse walks. ZSKIPLIST_MAXLEVEL 32, P = 1/4, as Redis.
 */
const MAXLEVEL = 32, P = 0.25;

export class SkipNode {
  backward: SkipNode | null = null;
  readonly forward: (SkipNode | null)[];
  readonly span: number[];
  constructor(public ele: string, public score: number, level: number) {
    this.forward = new Array(level).fill(null);
    this.span = new Array(level).fill(0);
  }
}

function random_level(): number {
  let l = 1;
  while (l < MAXLEVEL && Math.random() < P) l++;
  return l;
}

/** (score, ele) ordering: member strings compare bytewise (latin1 = byte order). */
function lt(n: SkipNode, score: number, ele: string): boolean {
  return n.score < score || (n.score === score && n.ele < ele);
}

export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }
export interface LexRange { min: string | null; max: string | null; minex: boolean; maxex: boolean; mininf: boolean; maxinf: boolean }

export function gte_min(v: number, r: ScoreRange): boolean { return r.minex ? v > r.min : v >= r.min; }
export function lte_max(v: number, r: ScoreRange): boolean { return r.maxex ? v < r.max : v <= r.max; }
export function lex_gte_min(s: string, r: LexRange): boolean {
  if (r.mininf) return true;
  if (r.min === null) return false;
  return r.minex ? s > r.min : s >= r.min;
}
export function lex_lte_max(s: string, r: LexRange): boolean {
  if (r.maxinf) return true;
  if (r.max === null) return false;
  return r.maxex ? s < r.max : s <= r.max;
}

export class SkipList {
  readonly header = new SkipNode('', 0, MAXLEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;

  insert(score: number, ele: string): SkipNode {
    const update = new Array<SkipNode>(MAXLEVEL), rank = new Array<number>(MAXLEVEL).fill(0);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      while (x.forward[i] && lt(x.forward[i]!, score, ele)) { rank[i] += x.span[i]; x = x.forward[i]!; }
      update[i] = x;
    }
    const level = random_level();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) { rank[i] = 0; update[i] = this.header; update[i].span[i] = this.length; }
      this.level = level;
    }
    const n = new SkipNode(ele, score, level);
    for (let i = 0; i < level; i++) {
      n.forward[i] = update[i].forward[i];
      update[i].forward[i] = n;
      n.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    n.backward = update[0] === this.header ? null : update[0];
    if (n.forward[0]) n.forward[0].backward = n; else this.tail = n;
    this.length++;
    return n;
  }

  delete(score: number, ele: string): boolean {
    const update = new Array<SkipNode>(MAXLEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && lt(x.forward[i]!, score, ele)) x = x.forward[i]!;
      update[i] = x;
    }
    const n = x.forward[0];
    if (!n || n.score !== score || n.ele !== ele) return false;
    for (let i = 0; i < this.level; i++) {
      if (update[i].forward[i] === n) { update[i].span[i] += n.span[i] - 1; update[i].forward[i] = n.forward[i]; }
      else update[i].span[i]--;
    }
    if (n.forward[0]) n.forward[0].backward = n.backward; else this.tail = n.backward;
    while (this.level > 1 && !this.header.forward[this.level - 1]) this.level--;
    this.length--;
    return true;
  }

  /** 1-based rank of (score, ele), 0 if absent. */
  rank(score: number, ele: string): number {
    let x = this.header, r = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && (lt(x.forward[i]!, score, ele) || (x.forward[i]!.score === score && x.forward[i]!.ele === ele))) {
        r += x.span[i]; x = x.forward[i]!;
      }
      if (x !== this.header && x.ele === ele) return r;
    }
    return 0;
  }

  /** The node at 1-based rank r. */
  by_rank(r: number): SkipNode | null {
    let x = this.header, t = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && t + x.span[i] <= r) { t += x.span[i]; x = x.forward[i]!; }
      if (t === r) return x;
    }
    return null;
  }

  first_in_range(r: ScoreRange): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) while (x.forward[i] && !gte_min(x.forward[i]!.score, r)) x = x.forward[i]!;
    const n = x.forward[0];
    return n && lte_max(n.score, r) ? n : null;
  }

  last_in_range(r: ScoreRange): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) while (x.forward[i] && lte_max(x.forward[i]!.score, r)) x = x.forward[i]!;
    return x !== this.header && gte_min(x.score, r) ? x : null;
  }

  first_in_lex(r: LexRange): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) while (x.forward[i] && !lex_gte_min(x.forward[i]!.ele, r)) x = x.forward[i]!;
    const n = x.forward[0];
    return n && lex_lte_max(n.ele, r) ? n : null;
  }

  last_in_lex(r: LexRange): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) while (x.forward[i] && lex_lte_max(x.forward[i]!.ele, r)) x = x.forward[i]!;
    return x !== this.header && lex_gte_min(x.ele, r) ? x : null;
  }
}
