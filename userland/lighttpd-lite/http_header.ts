/**
 * The request headers lighttpd-lite reads, kept by id as lighttpd's http_header.c keeps its
 * known headers: a parsed request stores the values of these (slices of the header block) in a
 * reused table; other fields are checked and dropped, since nothing reads them.
 */
const KNOWN = ['host', 'content-length', 'connection', 'transfer-encoding', 'authorization', 'user-agent', 'referer',
  'if-none-match', 'if-modified-since', 'if-range', 'range', 'upgrade', 'http2-settings', 'content-type'];
const ID = new Map(KNOWN.map((n, i) => [n, i]));
export const HDR_HOST = 0, HDR_CONTENT_LENGTH = 1, HDR_CONNECTION = 2, HDR_TRANSFER_ENCODING = 3;
export const HDR_UPGRADE = ID.get('upgrade')!, HDR_HTTP2_SETTINGS = ID.get('http2-settings')!;
/** Fields a request may repeat only with the same value (case aside): http_request_parse_duplicate. */
export const HDR_ONCE = new Set(['host', 'if-modified-since', 'http2-settings', 'content-type'].map((n) => ID.get(n)!));
/** If-None-Match repeated: the first one survives. */
export const HDR_IF_NONE_MATCH = ID.get('if-none-match')!;

/** The ids of the known names by length (a name is compared only with those of its length). */
const BY_LEN: number[][] = [];
KNOWN.forEach((n, i) => { (BY_LEN[n.length] ??= []).push(i); });

/** The id of the (token) field name b[from, to), ASCII case-insensitive, or -1. */
export function header_id(b: Uint8Array, from: number, to: number): number {
  const ids = BY_LEN[to - from];
  if (ids === undefined) return -1;
  next: for (let k = 0; k < ids.length; k++) {
    const n = KNOWN[ids[k]];
    // | 0x20 lowercases letters and leaves '-' and digits: the name is a token, so nothing else maps onto them.
    for (let i = 0; i < n.length; i++) if ((b[from + i] | 0x20) !== n.charCodeAt(i)) continue next;
    return ids[k];
  }
  return -1;
}

export class Headers {
  private readonly v: (string | undefined)[] = KNOWN.map(() => undefined);

  /** The value of a header by its lowercase name (undefined when absent or not one lighttpd-lite keeps). */
  get(name: string): string | undefined {
    const id = ID.get(name);
    return id === undefined ? undefined : this.v[id];
  }

  has(name: string): boolean { return this.get(name) !== undefined; }

  by_id(id: number): string | undefined { return this.v[id]; }

  set_id(id: number, value: string): void { this.v[id] = value; }

  clear(): void { const v = this.v; for (let i = 0; i < v.length; i++) v[i] = undefined; } // a loop: fill() is a C++ call
}
