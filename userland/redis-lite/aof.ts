/**
 * aof.c (Redis 7.0's multi-part AOF): under DIR/appendonlydir a manifest names one base file
 * and the incremental files after it; writes are appended as RESP commands and flushed before
 * replies go out, fsynced per appendfsync (always: before the reply; everysec: from the cron;
 * no: never). At start the files are replayed; a torn last command is cut off with a warning
 * (aof-load-truncated yes). BGREWRITEAOF forks a child that writes a new base.
 */
import type { Libc } from '../../libc/index.ts';
import { from_latin1, latin1 } from './bytes.ts';
import { FileBuf, read_file, write_all, write_file_atomic } from './fileio.ts';
import type { Client } from './networking.ts';
import { HashObj, ListObj, type RObj, SetObj, str_of } from './object.ts';
import { rewrite_stream } from './aof_stream.ts';
import { rdb_load } from './rdb.ts';
import { StreamObj } from './stream.ts';
import type { Server } from './server.ts';
import { ZSet } from './t_zset_obj.ts';
import { d2string } from './util.ts';

const ITEMS_PER_CMD = 64;

export function resp_command(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** The manifest: the base file (and its seq) and the incremental files in order. */
interface Manifest { base: string; incr: string[]; seq: number; seq_base?: number }

function manifest_text(m: Manifest): string {
  let s = `file ${m.base} seq ${m.seq_base ?? m.seq} type b\n`;
  for (const f of m.incr) s += `file ${f} seq ${/\.(\d+)\.incr\.aof$/.exec(f)![1]} type i\n`;
  return s;
}

export class Aof {
  fd = -1;
  private buf: string[] = [];
  private buf_len = 0;
  selected_db = -1;
  last_fsync = 0;
  manifest: Manifest = { base: '', incr: [], seq: 0 };
  readonly fb: FileBuf;

  constructor(readonly srv: Server, readonly libc: Libc) { this.fb = new FileBuf(libc); }

  get dir(): string { return `${this.srv.config.dir.replace(/\/$/, '')}/${this.srv.config.appenddirname}`; }
  private path(f: string): string { return `${this.dir}/${f}`; }
  private get manifest_path(): string { return this.path(`${this.srv.config.appendfilename}.manifest`); }

  feed(dbid: number, argv: string[]): void {
    if (dbid !== this.selected_db) { this.push(resp_command(['SELECT', String(dbid)])); this.selected_db = dbid; }
    this.push(resp_command(argv));
  }

  private push(s: string): void { this.buf.push(s); this.buf_len += s.length; }

  get pending(): number { return this.buf_len; }

  /** flushAppendOnlyFile: write what was fed; fsync now if `always` (or forced). */
  async flush(force_fsync = false): Promise<void> {
    if (this.buf_len === 0 && !force_fsync) return;
    if (this.buf_len > 0) {
      const data = from_latin1(this.buf.join(''));
      this.buf = []; this.buf_len = 0;
      if (!(await write_all(this.libc, this.fb, this.fd, data))) {
        this.srv.log(`Error writing to the AOF file: errno ${this.libc.errno}`, '#');
      }
    }
    if (force_fsync || this.srv.config.appendfsync === 'always') await this.fsync();
  }

  async fsync(): Promise<void> {
    await this.libc.fsync(this.fd);
    this.last_fsync = this.srv.now;
  }

  /** everysec: the cron's once-a-second fsync. */
  async cron(): Promise<void> {
    if (this.srv.config.appendfsync === 'everysec' && this.srv.now - this.last_fsync >= 1000) await this.fsync();
  }

  private incr_name(seq: number): string { return `${this.srv.config.appendfilename}.${seq}.incr.aof`; }
  private base_name(seq: number): string { return `${this.srv.config.appendfilename}.${seq}.base.aof`; }

  private async open_incr(name: string): Promise<boolean> {
    const l = this.libc;
    const fd = (await l.open(this.path(name), l.O_WRONLY | l.O_CREAT | l.O_APPEND | l.O_CLOEXEC, 0o644)) as number;
    if (fd < 0) { this.srv.log(`Can't open the append-only file ${name}: errno ${l.errno}`, '#'); return false; }
    if (this.fd >= 0) await l.close(this.fd);
    this.fd = fd;
    this.selected_db = -1;
    return true;
  }

  private async save_manifest(): Promise<boolean> {
    return write_file_atomic(this.libc, this.fb, this.manifest_path, from_latin1(manifest_text(this.manifest)));
  }

  /** Reads the manifest; null when there is none (a fresh start). */
  private async read_manifest(): Promise<Manifest | null | string> {
    const b = await read_file(this.libc, this.fb, this.manifest_path);
    if (!b) return null;
    const m: Manifest = { base: '', incr: [], seq: 0 };
    for (const line of latin1(b, 0, b.length).split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const f = /^file (\S+) seq (\d+) type ([bhi])$/.exec(line.trim());
      if (!f) return `Invalid AOF manifest file format`;
      if (f[3] === 'b') { m.base = f[1]; m.seq_base = Number(f[2]); }
      else if (f[3] === 'i') { m.incr.push(f[1]); m.seq = Math.max(m.seq, Number(f[2])); }
    }
    return m;
  }

  /** loadAppendOnlyFiles + open for appending: an error message, or null. */
  async start(run: (argv: string[], c: Client) => void, fake: Client): Promise<string | null> {
    const l = this.libc;
    await l.mkdir(this.dir, 0o755);
    const m = await this.read_manifest();
    if (typeof m === 'string') return m;
    if (m === null) {
      // A fresh AOF: an empty base and the first incremental file, as Redis 7.0 creates them.
      this.manifest = { base: this.base_name(1), incr: [this.incr_name(1)], seq: 1, seq_base: 1 };
      if (!(await write_file_atomic(l, this.fb, this.path(this.manifest.base), new Uint8Array(0)))) return `Can't create the AOF base file: errno ${l.errno}`;
      if (!(await this.open_incr(this.manifest.incr[0])) || !(await this.save_manifest())) return "Can't create the AOF manifest";
      this.srv.log('Creating AOF base file appendonly.aof.1.base.aof on server start');
      return null;
    }
    this.manifest = m;
    const files = [m.base, ...m.incr].filter((f) => f);
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const r = await this.load_file(files[i], i === files.length - 1, run, fake);
      if (typeof r === 'string') return r;
      total += r;
    }
    if (total >= 0) this.srv.log(`DB loaded from append only file: ${((this.srv.now - this.srv.start_time) / 1000).toFixed(3)} seconds`);
    return (await this.open_incr(m.incr[m.incr.length - 1] ?? this.incr_name(m.seq || 1))) ? null : 'cannot open AOF';
  }

  /** Replays one file; the number of commands, or an error message. */
  private async load_file(name: string, last: boolean, run: (argv: string[], c: Client) => void, fake: Client): Promise<number | string> {
    const b = await read_file(this.libc, this.fb, this.path(name));
    if (!b) return `Append only file ${name} doesn't exist (errno ${this.libc.errno})`;
    if (b.length === 0) return 0;
    if (latin1(b, 0, 5) === 'REDIS') { const r = rdb_load(b, this.srv.dbs, this.srv.now); return typeof r === 'string' ? r : 0; }
    let pos = 0, n = 0, valid = 0, multi_start = -1;
    for (;;) {
      if (pos === b.length) break;
      const cmd = parse_command(b, pos);
      if (cmd === 'bad') return `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
      if (cmd === null) break;
      const upper = cmd.argv[0].toUpperCase();
      if (upper === 'MULTI') multi_start = pos; else if (upper === 'EXEC') multi_start = -1;
      run(cmd.argv, fake);
      pos = cmd.end; n++;
      if (multi_start < 0) valid = pos;
    }
    if (valid === b.length) return n;
    // A torn tail (a crash mid-write) or an unfinished MULTI at the end.
    if (!last || !this.srv.config.aof_load_truncated) {
      return `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
    }
    this.srv.log(`!!! Warning: short read while loading the AOF file ${name}!!!`, '#');
    this.srv.log(`!!! Truncating the AOF ${name} at offset ${valid} !!!`, '#');
    const fd = (await this.libc.open(this.path(name), this.libc.O_WRONLY | this.libc.O_CLOEXEC)) as number;
    if (fd >= 0) { await this.libc.ftruncate(fd, valid); await this.libc.fsync(fd); await this.libc.close(fd); }
    this.srv.log(`AOF ${name} loaded anyway because aof-load-truncated is enabled`, '#');
    return n;
  }

  /**
   * BGREWRITEAOF, parent side: switch appends to a new incremental file (listed in the
   * manifest at once, so a crash loses nothing), then the child writes the new base.
   */
  async rewrite_start(): Promise<{ base: string; old: string[] } | null> {
    await this.flush(true);
    const seq = this.manifest.seq + 1, incr = this.incr_name(seq);
    if (!(await this.open_incr(incr))) return null;
    const old = [this.manifest.base, ...this.manifest.incr];
    this.manifest.incr.push(incr);
    this.manifest.seq = seq;
    if (!(await this.save_manifest())) return null;
    return { base: this.base_name(seq), old };
  }

  /** Child done: the new base replaces the old base and every incremental file before the current one. */
  async rewrite_done(job: { base: string; old: string[] }, ok: boolean): Promise<void> {
    if (!ok) { this.srv.log('Background AOF rewrite terminated with error', '#'); return; }
    this.manifest.base = job.base;
    this.manifest.seq_base = this.manifest.seq;
    this.manifest.incr = [this.manifest.incr[this.manifest.incr.length - 1]];
    if (!(await this.save_manifest())) { this.srv.log("Can't update the AOF manifest", '#'); return; }
    for (const f of job.old) if (f && f !== job.base && !this.manifest.incr.includes(f)) await this.libc.unlink(this.path(f));
    this.srv.log('Background AOF rewrite finished successfully');
  }

  base_path(name: string): string { return this.path(name); }
}

/** One RESP command at pos: its argv and end, null if the buffer ends inside it, 'bad' if malformed. */
export function parse_command(b: Uint8Array, pos: number): { argv: string[]; end: number } | null | 'bad' {
  if (b[pos] !== 0x2a) return 'bad';
  const line = (p: number): { v: number; next: number } | null | 'bad' => {
    const cr = b.indexOf(13, p);
    if (cr < 0 || cr + 1 >= b.length) return null;
    if (b[cr + 1] !== 10) return 'bad';
    const v = Number(latin1(b, p + 1, cr));
    return Number.isInteger(v) && v >= 0 ? { v, next: cr + 2 } : 'bad';
  };
  const h = line(pos);
  if (h === null || h === 'bad') return h;
  const argv: string[] = [];
  let p = h.next;
  for (let i = 0; i < h.v; i++) {
    if (p >= b.length) return null;
    if (b[p] !== 0x24) return 'bad';
    const l = line(p);
    if (l === null || l === 'bad') return l;
    if (l.next + l.v + 2 > b.length) return null;
    argv.push(latin1(b, l.next, l.next + l.v));
    p = l.next + l.v + 2;
  }
  return { argv, end: p };
}

/** rewriteAppendOnlyFile's content: commands that rebuild the dataset (a synchronous snapshot). */
export function aof_dump(srv: Server): Uint8Array {
  const out: string[] = [];
  for (const db of srv.dbs) {
    if (db.dict.size === 0) continue;
    out.push(resp_command(['SELECT', String(db.id)]));
    for (const [k, v] of db.dict.entries()) {
      rewrite_value(out, k, v);
      const when = db.expires.get(k);
      if (when !== undefined) out.push(resp_command(['PEXPIREAT', k, String(when)]));
    }
  }
  return from_latin1(out.join(''));
}

function batched(out: string[], head: string[], items: string[][]): void {
  for (let i = 0; i < items.length; i += ITEMS_PER_CMD) out.push(resp_command([...head, ...items.slice(i, i + ITEMS_PER_CMD).flat()]));
}

function rewrite_value(out: string[], k: string, v: RObj): void {
  if (v instanceof ListObj) batched(out, ['RPUSH', k], v.toArray().map((x) => [x]));
  else if (v instanceof SetObj) batched(out, ['SADD', k], [...v].map((x) => [x]));
  else if (v instanceof HashObj) batched(out, ['HMSET', k], [...v]);
  else if (v instanceof ZSet) batched(out, ['ZADD', k], [...v.entries()].map(([m, s]) => [d2string(s), m]));
  else if (v instanceof StreamObj) rewrite_stream((argv) => out.push(resp_command(argv)), k, v);
  else out.push(resp_command(['SET', k, str_of(v)]));
}
