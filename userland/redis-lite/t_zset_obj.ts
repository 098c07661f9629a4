/**
 * The sorted-set value (Redis's zset: a dict member → score beside a skiplist), reporting
 * "listpack" until it outgrows zset-max-listpack-entries/value, then "skiplist".
 */
import { limits } from './object.ts';
import { SkipList } from './skiplist.ts';

export class ZSet {
  readonly dict = new Map<string, number>();
  readonly zsl = new SkipList();
  enc: 'listpack' | 'skiplist' = 'listpack';

  get size(): number { return this.dict.size; }

  encoding(): string { return this.enc; }

  /** Adds or re-scores a member; true if it was new. */
  set(ele: string, score: number): boolean {
    const old = this.dict.get(ele);
    if (old !== undefined) {
      if (old !== score) { this.zsl.delete(old, ele); this.zsl.insert(score, ele); this.dict.set(ele, score); }
      return false;
    }
    this.dict.set(ele, score);
    this.zsl.insert(score, ele);
    if (this.enc === 'listpack' && (this.dict.size > limits.zset_max_listpack_entries || ele.length > limits.zset_max_listpack_value)) this.enc = 'skiplist';
    return true;
  }

  delete(ele: string): boolean {
    const s = this.dict.get(ele);
    if (s === undefined) return false;
    this.dict.delete(ele);
    this.zsl.delete(s, ele);
    return true;
  }

  clone(): ZSet {
    const z = new ZSet();
    for (let n = this.zsl.header.forward[0]; n; n = n.forward[0]) z.set(n.ele, n.score);
    z.enc = this.enc;
    return z;
  }

  /** Members in order (rank 0 first). */
  *entries(): IterableIterator<[string, number]> {
    for (let n = this.zsl.header.forward[0]; n; n = n.forward[0]) yield [n.ele, n.score];
  }
}
