/**
 * Generating and mutating fuzzer programs from the syscall descriptions (syzkaller's
 * prog/rand.go and prog/mutation.go, small): each argument is drawn for its declared kind, and
 * fd-, address- and pid-typed arguments most often name a live result of an earlier call.
 */
import type { ArgFmt } from '../../kernel/syscalls/syscall_def.ts';
import type { ArchName } from '../../kernel/arch/arch.ts';
import { constants_for } from '../../libc/constants.ts';
import { type CallDesc, type ResKind, desc_index } from './describe.ts';
import { type Arg, type Call, type Field, type Prog, num, res } from './prog.ts';
import { ARENA, hostile, hostile_values, pick, type Rnd } from './values.ts';
import { remove_call, shift_refs } from './refs.ts';
import { ChoiceTable, weighted } from './choice.ts';

/** Longest program the mutator builds. */
export const MAX_CALLS = 40;

/** Paths programs name (not kcov's own file: a program that renames it away blinds the fuzzer). */
const PATHS = ['/tmp/f0', '/tmp/f1', '/tmp/d0', '/tmp/d0/f', '/tmp/sock', '/', '.', '..', '', '/dev/null', '/dev/zero',
  '/dev/tty', '/dev/kmsg', '/proc/self/maps', '/proc/self/status', '/proc/self/fd/0', '/etc/hostname', '/tmp',
  '/proc/self/fd', '/nonexistent/x', 'a'.repeat(300), '/tmp/' + 'b'.repeat(256)];
const SIZES = [0, 1, 8, 16, 64, 256, 4096, 65536];
const SMALL = [0, 1, 2, 3, 4, 8, 16, 64, 4096];
const IOCTLS = [0x5401, 0x5402, 0x540b, 0x540f, 0x5410, 0x5413, 0x5414, 0x541b, 0x5421, 0x5450, 0x5451, 0x5452,
  0x80086301, 0x6364, 0x6365, 0xc0186201];
const CLOCKS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1, -2, 0x7fffffff];
const FAMILIES = [0, 1, 2, 10, 16, 17, 44];
/** The families privos implements most of: AF_UNIX, AF_INET, AF_INET6. */
const INET_UNIX = [1, 2, 10];
const SOCK_TYPES = [1, 2, 3, 5, 6, 10];
const MODES = [0, 0o644, 0o755, 0o777, 0o4777, 0o100644, 0o20644, 0o10644, 0o140755];
/** Kinds whose next argument is their length (or element count, for pollfds). */
const SIZED: ReadonlySet<ArgFmt> = new Set(['buf_in', 'buf_out', 'sockaddr', 'pollfds']);
const NUMERIC: ReadonlySet<ArgFmt> = new Set(['int', 'uint', 'hex']);

/** Flag kinds and the prefixes of the libc constants that are their bits. */
const FLAG_PREFIX: Partial<Record<ArgFmt, RegExp>> = {
  oflags: /^O_/, prot: /^PROT_/, mapflags: /^MAP_/, atflags: /^AT_/, waitopts: /^W[A-Z]+$/, clone_flags: /^CLONE_/,
  hex: /^(O_|MAP_|AT_|MFD_|POLL)/, fdflags: /^O_(CLOEXEC|NONBLOCK)$/, epoll_flags: /^O_CLOEXEC$/,
};

const RES_KINDS: readonly ResKind[] = ['fd', 'addr'];
/** Successful producer calls kept per name. */
const MADE_KEPT = 8;

/** A result reference with the size it should be written as: the argument and its length. */
interface Sized { arg: Arg; len: number }

export class Generator {
  readonly by_name: ReadonlyMap<string, CallDesc>;
  private readonly values: number[];
  private readonly flags = new Map<ArgFmt, number[]>();
  readonly table: ChoiceTable;
  /** Producer calls that made their resource, by name (syzkaller's resource-centric reuse). */
  private readonly made = new Map<string, Call[]>();
  /** The call whose arguments are being drawn (the learned pairs rank the resources it gets). */
  private consumer = '';

  constructor(readonly rnd: Rnd, readonly descs: readonly CallDesc[], arch: ArchName, kernel_addr: number) {
    this.by_name = desc_index(descs);
    this.table = new ChoiceTable(descs);
    this.values = hostile_values(kernel_addr);
    const c = constants_for(arch) as unknown as Record<string, unknown>;
    for (const [fmt, re] of Object.entries(FLAG_PREFIX) as [ArgFmt, RegExp][]) {
      this.flags.set(fmt, [...new Set(Object.keys(c).filter((n) => re.test(n) && typeof c[n] === 'number').map((n) => c[n] as number))]);
    }
  }

  /** The live results of kind `kind` that calls before `at` produce. */
  live(prog: Prog, at: number, kind: ResKind): Arg[] {
    const out: Arg[] = [];
    for (let i = 0; i < at && i < prog.length; i++) {
      for (const p of this.by_name.get(prog[i].name)?.produces ?? []) if (p.kind === kind) out.push(res(i, p.sub));
    }
    return out;
  }

  /** With probability `p`, a live result of `kind`, those whose producer fits this call first. */
  private use(prog: Prog, at: number, kind: ResKind, p: number): Arg | null {
    if (this.rnd() >= p) return null;
    const name = this.consumer;
    return weighted(this.rnd, this.live(prog, at, kind), (a) => this.table.fit(prog[(a as Arg & { t: 'res' }).call].name, name));
  }

  /** A plain integer: often 0 (the value most int arguments want: flags, protocol, options), else small or hostile. */
  private number(prog: Prog, at: number): Arg {
    const r = this.rnd;
    return this.use(prog, at, 'pid', 0.1) ?? this.use(prog, at, 'fd', 0.1)
      ?? num(r() < 0.3 ? 0 : r() < 0.5 ? pick(r, SMALL) : hostile(r, this.values));
  }

  private flag_set(fmt: ArgFmt): number {
    const r = this.rnd, bits = this.flags.get(fmt) ?? [], k = r();
    if (k < 0.1 || !bits.length) return k < 0.05 || !bits.length ? hostile(r, this.values) : 0;
    if (k < 0.3) return 0;
    let v = 0;
    for (let n = 1 + Math.floor(r() * 3); n > 0; n--) v |= pick(r, bits);
    return v >>> 0;
  }

  private fd(prog: Prog, at: number, p: number): Arg {
    return this.use(prog, at, 'fd', p) ?? num(pick(this.rnd, [-1, 0, 1, 2, 3, 100, -100, 0x7fffffff]));
  }

  /** A buffer of random words (some naming live fds). */
  private blob(prog: Prog, at: number, size: number): Arg {
    const fields: Field[] = [];
    for (let i = Math.floor(this.rnd() * Math.min(4, size / 8 + 1)); i > 0 && (fields.length + 1) * 8 <= size; i--) {
      fields.push(this.rnd() < 0.3 ? { width: 4, v: this.fd(prog, at, 1) } : { width: 8, v: this.number(prog, at) });
    }
    return { t: 'buf', size, fields };
  }

  private sockaddr(): Sized {
    const r = this.rnd, k = Math.floor(r() * 3);
    if (k === 0) return { arg: { t: 'buf', size: 110, fields: [{ width: 2, v: num(1) }, ...[...'/tmp/sock'].map((ch) => ({ width: 1 as const, v: num(ch.charCodeAt(0)) }))] }, len: 110 };
    if (k === 1) return { arg: { t: 'buf', size: 16, fields: [{ width: 2, v: num(2) }, { width: 2, v: num(pick(r, [0, 0x901f, 0x5000])) }, { width: 4, v: num(0x0100007f) }] }, len: 16 };
    return { arg: { t: 'buf', size: 28, fields: [{ width: 2, v: num(10) }] }, len: 28 };
  }

  private pollfds(prog: Prog, at: number): Sized {
    const n = Math.floor(this.rnd() * 4), fields: Field[] = [];
    for (let i = 0; i < n; i++) fields.push({ width: 4, v: this.fd(prog, at, 0.9) }, { width: 2, v: num(pick(this.rnd, [1, 4, 5, 0x2000, 0xffff])) }, { width: 2, v: num(0) });
    return { arg: { t: 'buf', size: Math.max(8, n * 8), fields }, len: n };
  }

  /** An argument of kind `fmt` for a call at index `at`; `len` is set for a SIZED kind. */
  gen_arg(fmt: ArgFmt, prog: Prog, at: number): Sized {
    const r = this.rnd;
    const buf = (size: number, fields: Field[] = []): Sized => ({ arg: { t: 'buf', size, fields }, len: size });
    const n = (v: number): Sized => ({ arg: num(v), len: 0 });
    switch (fmt) {
      case 'fd': case 'fdrange': return { arg: this.fd(prog, at, 0.85), len: 0 };
      case 'atfd': return r() < 0.5 ? n(-100) : { arg: this.fd(prog, at, 0.8), len: 0 };
      case 'path': return r() < 0.9 ? { arg: { t: 'str', s: pick(r, PATHS) }, len: 0 } : n(hostile(r, this.values));
      case 'buf_in': { const size = pick(r, SIZES); return { arg: this.blob(prog, at, size), len: size }; }
      case 'buf_out': return buf(pick(r, SIZES));
      case 'ptr':
        if (r() < 0.65) return { arg: this.blob(prog, at, pick(r, SIZES.slice(2))), len: 0 };
        return { arg: this.use(prog, at, 'addr', 0.5) ?? num(hostile(r, this.values)), len: 0 };
      case 'timespec': return buf(16, [{ width: 8, v: num(pick(r, [0, 1, 2, -1])) }, { width: 8, v: num(pick(r, [0, 1, 1000, 999999999, 1e9, -1])) }]);
      case 'sockaddr': return this.sockaddr();
      case 'pollfds': return this.pollfds(prog, at);
      case 'fd_set': return buf(128, [{ width: 8, v: num(Math.floor(r() * 2 ** 16)) }]);
      case 'msghdr_in': case 'msghdr_out':
        return buf(56, [{ width: 8, v: num(0) }, { width: 8, v: num(0) }, { width: 8, v: num(ARENA + 0xf0000) }, { width: 8, v: num(pick(r, [0, 1, 2])) }]);
      case 'fdpair': return buf(8);
      // structs the call fills or reads: a buffer of their size (the largest arch's)
      case 'stat_out': return r() < 0.9 ? buf(144) : n(hostile(r, this.values));
      case 'sigaction': case 'sigaction_out': return r() < 0.7 ? buf(32, [{ width: 8, v: num(pick(r, [0, 1, 0x1000])) }]) : n(0);
      case 'epoll_event': return buf(16, [{ width: 4, v: num(pick(r, [1, 4, 5, 0x80000001])) }]);
      case 'epoll_events_out': return buf(16 * pick(r, [1, 4, 64]));
      case 'epoll_op': return n(r() < 0.9 ? 1 + Math.floor(r() * 3) : hostile(r, this.values));
      case 'wstatus': return r() < 0.8 ? buf(4) : n(0);
      case 'fcntl_cmd': return n(r() < 0.8 ? pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1024, 1025, 1026, 1030, 1031, 1033, 1034]) : hostile(r, this.values));
      case 'ioctl': return n(r() < 0.85 ? pick(r, IOCTLS) : hostile(r, this.values));
      case 'signal': return n(r() < 0.8 ? Math.floor(r() * 66) : hostile(r, this.values));
      case 'whence': return n(Math.floor(r() * 6));
      case 'clockid': return n(pick(r, CLOCKS));
      case 'sockfam': return n(r() < 0.7 ? pick(r, INET_UNIX) : r() < 0.7 ? pick(r, FAMILIES) : hostile(r, this.values));
      case 'socktype': return n(pick(r, SOCK_TYPES) | (r() < 0.3 ? pick(r, [0o4000, 0o2000000]) : 0));
      case 'mode': return n(r() < 0.8 ? pick(r, MODES) : Math.floor(r() * 2 ** 16));
      case 'hex': return r() < 0.5 ? n(this.flag_set(fmt)) : { arg: this.number(prog, at), len: 0 };
      case 'int': case 'uint': return { arg: this.number(prog, at), len: 0 };
      default: return n(this.flag_set(fmt));
    }
  }

  /** Arguments for description `d` at index `at`: a SIZED kind's next numeric argument is its length, mostly. */
  gen_args(d: CallDesc, prog: Prog, at: number): Arg[] {
    const args: Arg[] = [];
    this.consumer = d.name;
    for (let i = 0; i < d.args.length; i++) {
      const prev = i > 0 ? d.args[i - 1] : null;
      if (prev && SIZED.has(prev) && NUMERIC.has(d.args[i]) && this.rnd() < 0.8) { args.push(num(this.last_len)); continue; }
      const s = this.gen_arg(d.args[i], prog, at);
      this.last_len = s.len;
      args.push(s.arg);
    }
    return args;
  }

  private last_len = 0;

  /**
   * Appends a call chosen by the choice table; when it consumes a resource kind the program
   * has none of yet (or, now and then, anyway), a call producing one goes first.
   */
  append_call(p: Call[]): void {
    const r = this.rnd, d = this.table.choose(r, p);
    for (const kind of RES_KINDS) {
      if (!this.table.wants(d, kind) || p.length >= MAX_CALLS - 1 || r() >= (this.live(p, p.length, kind).length ? 0.1 : 0.75)) continue;
      const q = this.table.producer(r, kind, d), known = q && this.made.get(q.name);
      if (known && r() < 0.75) p.push(pick(r, known));
      else if (q) p.push({ name: q.name, args: this.gen_args(q, p, p.length) });
    }
    p.push({ name: d.name, args: this.gen_args(d, p, p.length) });
  }

  /** Learns from a run: calls with no references that produced their resource are kept for reuse. */
  note_made(prog: Prog, rets: readonly number[]): void {
    rets.forEach((ret, i) => {
      const c = prog[i], d = this.by_name.get(c.name);
      if (!d?.produces.length || ret < 0 || c.args.some((a) => a.t === 'res' || (a.t === 'buf' && a.fields.some((f) => f.v.t === 'res')))) return;
      const xs = this.made.get(c.name) ?? [];
      if (xs.length < MADE_KEPT) xs.push(c); else xs[Math.floor(this.rnd() * MADE_KEPT)] = c;
      this.made.set(c.name, xs);
    });
  }

  /** A new program of 1 to `max` chosen calls (and the producers they need). */
  gen_prog(max = 16): Call[] {
    const p: Call[] = [];
    for (let n = 1 + Math.floor(this.rnd() * max); n > 0 && p.length < MAX_CALLS; n--) this.append_call(p);
    return p;
  }

  /** One of syzkaller's mutations: insert calls, remove one, change an argument, or splice. */
  mutate(prog: Prog, corpus: readonly Prog[]): Call[] {
    const r = this.rnd, op = r();
    if (prog.length === 0 || (op < 0.35 && prog.length < MAX_CALLS)) {
      const at = Math.floor(r() * (prog.length + 1));
      const head = prog.slice(0, at);
      for (let n = 1 + Math.floor(r() * 3); n > 0 && head.length - at < MAX_CALLS - prog.length - 1; n--) this.append_call(head);
      const by = head.length - at;
      return [...head, ...prog.slice(at).map((c) => shift_refs(c, at, by))];
    }
    if (op < 0.5 && prog.length > 1) return remove_call(prog, Math.floor(r() * prog.length));
    if (op < 0.6 && corpus.length) {
      const other = pick(r, corpus), cut = Math.floor(r() * (prog.length + 1));
      return [...prog.slice(0, cut), ...other.map((c) => shift_refs(c, 0, cut))].slice(0, MAX_CALLS);
    }
    return this.mutate_arg(prog);
  }

  private mutate_arg(prog: Prog): Call[] {
    const r = this.rnd, i = Math.floor(r() * prog.length), c = prog[i], d = this.by_name.get(c.name);
    if (!d || !c.args.length) return [...prog];
    const j = Math.floor(r() * c.args.length), a = c.args[j];
    let v: Arg;
    if (a.t === 'num' && r() < 0.5) v = num(tweak(r, a.v));
    else v = this.gen_arg(d.args[j] ?? 'int', prog, i).arg;
    const args = c.args.slice();
    args[j] = v;
    return prog.map((x, k) => (k === i ? { name: c.name, args } : x));
  }
}

/** A small change to a number: a flipped bit, ±1, or a power of two. */
function tweak(r: Rnd, v: number): number {
  const k = r();
  if (k < 0.4) return Number.isSafeInteger(v) && Math.abs(v) < 2 ** 31 ? (v ^ (1 << Math.floor(r() * 31))) : 0;
  if (k < 0.7) return v + (r() < 0.5 ? 1 : -1);
  return 2 ** Math.floor(r() * 64);
}

