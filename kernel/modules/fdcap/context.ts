/**
 * fdcap's per-process state and the token operations.
 *
 * The state lives with the fd table it protects (struct files_struct): threads sharing the
 * table share it, and it survives exec with the table (the new image must fdcap_init again
 * before it may enter).
 *
 * fork duplicates it, as Linux duplicates per-process state (dup_fd copies the fd table): the
 * child gets its own copy of every context — same id, same modifier at the time of the fork, so
 * the tokens it inherited keep working — and from then on a revoke, destroy or create in one
 * process changes nothing in the other. What fork does not duplicate is the *family*: the
 * processes forked from one fdcap_init share one failure budget (FdcapFamily), so an attacker
 * who spends one child per guess pays for every guess (docs/fdcap.md, "Brute force").
 *
 * A protected fd is remembered with the File it pointed at when it was created, so an fd number
 * closed behind fdcap's back and reused is not mistaken for the protected one.
 *
 * Signing is PACDA(fd, ctx.modifier) with the task's APDA key (what a kernel module executing
 * `pacda` uses: Linux only switches the APIA key to the kernel's on entry); authenticating is
 * AUTDA on (fd | code << 48). Each is one PA instruction, charged as `pac_insn`.
 */
import { randomFillSync } from 'node:crypto';
import { AutMemo, pac_auth, pac_sign } from '../../arch/arm64/pointer_auth.ts';
import type { File } from '../../fs/fs_types.ts';
import type { Task } from '../../sched/task.ts';
import { C } from '../../time/cost.ts';
import { OPS_FD_OWNED, OPS_FORGET, OPS_PROTECT, OPS_SIGN } from './cost.ts';
import { FDCAP_MAX_FD, FDCAP_PAC_MASK, FDCAP_POLICY_EBADF, fdcap_make_token } from '../../include/uapi/fdcap.ts';

/** One protection context: an id and its current modifier. */
export class FdcapCtx {
  /** Bumped by revoke; lets tests and stats see the generation. */
  generation = 0;
  /** Tokens that authenticated under this context (the hooked path's common case). */
  readonly auth_memo = new AutMemo();
  constructor(readonly id: number, public modifier: bigint) {}

  /** fork: the child's own copy, with the same id and (for now) the same modifier. */
  dup(): FdcapCtx {
    const c = new FdcapCtx(this.id, this.modifier);
    c.generation = this.generation;
    return c;
  }
}

/** A random 64-bit value (a context's modifier, enter's nonce). */
export function random_modifier(): bigint {
  const b = new BigUint64Array(1);
  randomFillSync(b);
  return b[0];
}

/**
 * The processes forked from one fdcap_init. They hold copies of the same contexts (the same
 * modifiers until one of them revokes), so a guess one of them makes is a guess against all:
 * the failed checks of every member count against one budget.
 */
export class FdcapFamily {
  failures = 0;
  /** Set once the budget is spent: every member has been sent SIGKILL. */
  killed = false;
}

export class FdcapProc {
  /** The registered call site of enter (a user code address); 0 until init. */
  site = 0;
  policy = FDCAP_POLICY_EBADF;
  readonly contexts = new Map<number, FdcapCtx>();
  current: FdcapCtx | null = null;
  next_id = 1;
  /** Per fd: the context that owns it and the File it named when it was protected. */
  owner: (FdcapCtx | null)[] = [];
  file: (File | null)[] = [];
  /** The nonce the next enter's signed call site must be bound to, and where it is published. */
  nonce = 0n;
  nonce_addr = 0;
  // statistics
  nr_signed = 0; nr_verified = 0; nr_failed = 0; nr_revoked = 0;

  constructor(readonly family: FdcapFamily) {}

  /**
   * The owning context of fd if fd is protected and still names the same file. The caller
   * charged the lookup of owner[fd] (OPS_FD_ARG); the file comparison is charged here.
   */
  owner_of(t: Task, fd: number): FdcapCtx | null {
    if (fd >= this.owner.length) return null;
    const o = this.owner[fd];
    if (o === null || o === undefined) return null;
    t.kernel.cpu.charge_n(C.kernel_op, OPS_FD_OWNED);
    if (t.files.fcheck(fd) !== this.file[fd]) { this.owner[fd] = null; this.file[fd] = null; return null; }
    return o;
  }

  /** Remembers fd as owned by ctx (null: unprotected), charging the stores. */
  protect(t: Task, fd: number, ctx: FdcapCtx | null): void {
    t.kernel.cpu.charge_n(C.kernel_op, ctx ? OPS_PROTECT : OPS_FORGET);
    while (this.owner.length <= fd) { this.owner.push(null); this.file.push(null); }
    this.owner[fd] = ctx;
    this.file[fd] = ctx ? t.files.fcheck(fd) : null;
  }

  /**
   * The copy a forked child gets: its own contexts (copies of the parent's), the ownership of
   * every fd mapped onto them, the same current context, nonce and registered site; the same
   * family.
   */
  clone(): FdcapProc {
    const c = new FdcapProc(this.family);
    c.site = this.site; c.policy = this.policy; c.next_id = this.next_id;
    c.nonce = this.nonce; c.nonce_addr = this.nonce_addr;
    const copy = new Map<FdcapCtx, FdcapCtx>();
    for (const [id, ctx] of this.contexts) { const d = ctx.dup(); copy.set(ctx, d); c.contexts.set(id, d); }
    // A destroyed context still owns its fds (they stay unusable): copy it for them too.
    const mapped = (o: FdcapCtx | null): FdcapCtx | null => {
      if (o === null) return null;
      let d = copy.get(o);
      if (d === undefined) { d = o.dup(); copy.set(o, d); }
      return d;
    };
    c.current = mapped(this.current);
    c.owner = this.owner.map(mapped); c.file = [...this.file];
    return c;
  }
}

/** Signs fd for ctx: the token (one PACDA and the ops that build the token). */
export function fdcap_sign(t: Task, p: FdcapProc, fd: number, ctx: FdcapCtx): number {
  t.kernel.cpu.charge_n(C.kernel_op, OPS_SIGN);
  const signed = pac_sign(t, 'apda', BigInt(fd), ctx.modifier);
  p.nr_signed++;
  return fdcap_make_token(fd, Number((signed >> 48n) & BigInt(FDCAP_PAC_MASK)));
}

/** Authenticates (fd, code) under ctx (one AUTDA). */
export function fdcap_auth(t: Task, fd: number, code: number, ctx: FdcapCtx): boolean {
  const token = fdcap_make_token(fd, code);
  if (ctx.auth_memo.hit(t, 'apda', ctx.modifier, token)) return true;
  const ok = pac_auth(t, 'apda', BigInt(fd) | (BigInt(code) << 48n), ctx.modifier).ok;
  if (ok) ctx.auth_memo.remember(token);
  return ok;
}

/** Is fd representable in a token? */
export const fd_fits = (fd: number): boolean => fd >= 0 && fd <= FDCAP_MAX_FD;
