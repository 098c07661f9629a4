/**
 * What a value costs (object.c objectComputeSize, lazyfree.c lazyfreeGetFreeEffort). The
 * dataset lives in the JavaScript heap, so bytes are a model: element bytes plus a fixed
 * per-element overhead, and as in Redis a collection's size is extrapolated from a sample of
 * its elements (MEMORY USAGE's SAMPLES, 5 by default; 0 walks them all).
 */
import { HashObj, ListObj, RawStr, type RObj, SetObj } from './object.ts';
import { StreamObj } from './stream.ts';
import type { ZSet } from './t_zset_obj.ts';

/** The robj header and dict entry a key costs, and the per-element overhead of a collection node. */
const KEY_OVERHEAD = 56, ENTRY = 24, STR_OVERHEAD = 16;
export const MEMORY_SAMPLES_DEFAULT = 5;

/** Mean element bytes of up to `samples` elements (all when 0), times the element count. */
function extrapolate<T>(items: Iterable<T>, count: number, samples: number, bytes: (x: T) => number): number {
  if (count === 0) return 0;
  let n = 0, sum = 0;
  for (const x of items) { sum += bytes(x); if (++n === samples) break; }
  return Math.round((sum / n) * count);
}

function* list_items(l: ListObj): Iterable<string> { for (let i = 0; i < l.length; i++) yield l.at(i); }

/** The bytes of value v (without its key), from `samples` elements. */
export function value_bytes(v: RObj, samples: number): number {
  if (typeof v === 'string') return v.length + STR_OVERHEAD;
  if (v instanceof RawStr) return v.s.length + STR_OVERHEAD;
  if (v instanceof ListObj) return extrapolate(list_items(v), v.length, samples, (x) => x.length + ENTRY);
  if (v instanceof HashObj) return extrapolate(v, v.size, samples, ([f, x]) => f.length + x.length + 2 * ENTRY);
  if (v instanceof SetObj) return extrapolate(v, v.size, samples, (x) => x.length + ENTRY);
  if (v instanceof StreamObj) return extrapolate(v.nodes, v.nodes.length, samples, (nd) => nd.lp_bytes + ENTRY);
  const z = v as ZSet;
  return extrapolate(z.dict.keys(), z.size, samples, (m) => m.length + 8 + 2 * ENTRY);
}

/** MEMORY USAGE: the key, its header and its value. */
export function object_size(key: string, v: RObj, samples: number): number {
  return key.length + KEY_OVERHEAD + value_bytes(v, samples);
}

/** LAZYFREE_THRESHOLD: values costing more allocations than this are freed in the background. */
export const LAZYFREE_THRESHOLD = 64;
/** A quicklist node holds up to 8 KiB of listpack (list-max-listpack-size -2). */
const QUICKLIST_NODE_BYTES = 8192;

/** lazyfreeGetFreeEffort: about how many allocations freeing v takes. */
export function free_effort(v: RObj): number {
  if (v instanceof ListObj) return Math.max(1, Math.ceil(value_bytes(v, MEMORY_SAMPLES_DEFAULT) / QUICKLIST_NODE_BYTES));
  if (v instanceof SetObj) return v.enc === 'hashtable' ? v.size : 1;
  if (v instanceof HashObj) return v.enc === 'hashtable' ? v.size : 1;
  if (v instanceof StreamObj) {
    // Every macro node is an allocation; so is each group, and each entry of its PEL (the first group's PEL stands for all).
    const first = v.cgroups.values().next().value;
    return v.nodes.length + (first ? v.cgroups.size * (1 + first.pel.length) : 0);
  }
  if (typeof v === 'string' || v instanceof RawStr) return 1;
  const z = v as ZSet;
  return z.encoding() === 'skiplist' ? z.size : 1;
}
