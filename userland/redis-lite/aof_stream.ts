/**
 * aof.c's rewriteStreamObject: the commands that rebuild a stream, its counters, groups,
 * pending entries and consumers without pending entries (an empty stream is made by
 * XADD … MAXLEN 0 0-1 and then XSETID).
 */
import { ID_MAX, ID_ZERO, id_str, type StreamObj } from './stream.ts';

export function rewrite_stream(emit: (argv: string[]) => void, key: string, s: StreamObj): void {
  const es = s.range(ID_ZERO, ID_MAX, 0, false);
  for (const e of es) emit(['XADD', key, id_str(e.id), ...e.fields]);
  if (!es.length) emit(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  emit(['XSETID', key, id_str(s.last_id), 'ENTRIESADDED', String(s.entries_added), 'MAXDELETEDID', id_str(s.max_deleted_entry_id)]);
  for (const [name, cg] of [...s.cgroups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    emit(['XGROUP', 'CREATE', key, name, id_str(cg.last_id), 'ENTRIESREAD', String(cg.entries_read)]);
    for (const n of cg.pel) {
      emit(['XCLAIM', key, name, n.consumer.name, '0', id_str(n.id), 'TIME', String(n.delivery_time), 'RETRYCOUNT', String(n.delivery_count), 'JUSTID', 'FORCE']);
    }
    for (const k of cg.consumers.values()) if (!k.pel.length) emit(['XGROUP', 'CREATECONSUMER', key, name, k.name]);
  }
}
