/**
 * A ring-buffer double-ended queue: O(1) push/pop at both ends and O(1) indexing, which is
 * what Redis's quicklist gives LPUSH/RPOP/LINDEX-near-the-ends.
 */
export class Deque<T> {
  private a: (T | undefined)[] = new Array(8);
  private head = 0;
  length = 0;

  private grow(): void {
    const n = this.a.length, b = new Array<T | undefined>(n * 2);
    for (let i = 0; i < this.length; i++) b[i] = this.a[(this.head + i) & (n - 1)];
    this.a = b; this.head = 0;
  }

  push(v: T): void {
    if (this.length === this.a.length) this.grow();
    this.a[(this.head + this.length) & (this.a.length - 1)] = v;
    this.length++;
  }

  unshift(v: T): void {
    if (this.length === this.a.length) this.grow();
    this.head = (this.head - 1) & (this.a.length - 1);
    this.a[this.head] = v;
    this.length++;
  }

  pop(): T | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) & (this.a.length - 1);
    const v = this.a[i];
    this.a[i] = undefined; this.length--;
    return v;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.a[this.head];
    this.a[this.head] = undefined;
    this.head = (this.head + 1) & (this.a.length - 1);
    this.length--;
    return v;
  }

  at(i: number): T { return this.a[(this.head + i) & (this.a.length - 1)] as T; }
  set(i: number, v: T): void { this.a[(this.head + i) & (this.a.length - 1)] = v; }

  /** Elements [start, end] inclusive (already clamped by the caller). */
  slice(start: number, end: number): T[] {
    const out: T[] = [];
    for (let i = start; i <= end; i++) out.push(this.at(i));
    return out;
  }

  toArray(): T[] { return this.slice(0, this.length - 1); }

  /** Replaces the contents (LREM/LTRIM/LINSERT rebuild; those are O(N) in Redis too). */
  reset(items: T[]): void {
    let n = 8;
    while (n < items.length) n *= 2;
    this.a = new Array(n);
    for (let i = 0; i < items.length; i++) this.a[i] = items[i];
    this.head = 0; this.length = items.length;
  }
}
