/**
 * The N_TTY line discipline (drivers/tty/n_tty.c): input processing (ICRNL, INLCR, IGNCR,
 * ISTRIP), canonical line editing (VERASE, VWERASE, VKILL, VEOF, VEOL, VREPRINT, VLNEXT),
 * echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), signal characters (ISIG: VINTR, VQUIT,
 * VSUSP to the foreground process group), non-canonical reads with VMIN/VTIME, and output
 * processing (OPOST, ONLCR, OCRNL).
 */
import {
  ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ICANON, ICRNL, IEXTEN, IGNCR, INLCR, ISIG, ISTRIP, NOFLSH,
  OCRNL, ONLCR, OPOST, VEOF, VEOL, VEOL2, VERASE, VINTR, VKILL, VLNEXT, VMIN, VQUIT, VREPRINT, VSUSP,
  VTIME, VWERASE,
} from '../../include/uapi/termbits.ts';
import { SIGINT, SIGQUIT, SIGTSTP } from '../../include/uapi/signal.ts';
import { kill_pgrp } from '../../sched/signal.ts';
import type { Kernel } from '../../kernel.ts';
import type { TtyStruct } from './tty.ts';

const NL = 10, CR = 13, TAB = 9, BS = 8, SPACE = 32;
/** _POSIX_VDISABLE: a c_cc entry of 0 disables that character. */
const is = (tty: TtyStruct, c: number, idx: number): boolean => tty.termios.cc[idx] === c && c !== 0;

/** Output processing (do_output_char): OPOST with ONLCR and OCRNL. */
export function opost(tty: TtyStruct, bytes: ArrayLike<number>): Uint8Array {
  const o = tty.termios.oflag;
  if (!(o & OPOST) || !(o & (ONLCR | OCRNL))) return Uint8Array.from(bytes);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === NL && o & ONLCR) out.push(CR, NL);
    else if (c === CR && o & OCRNL) out.push(NL);
    else out.push(c);
  }
  return Uint8Array.from(out);
}

/** Writes bytes to the terminal through output processing. */
export function tty_output(tty: TtyStruct, bytes: ArrayLike<number>): void {
  if (bytes.length) tty.driver.write(opost(tty, bytes));
}

/** echo_char(): a control character echoes as ^X under ECHOCTL (tab and newline as themselves). */
function echo_char(tty: TtyStruct, c: number, out: number[]): void {
  if (!(tty.termios.lflag & ECHO)) return;
  if (tty.termios.lflag & ECHOCTL && (c < SPACE || c === 0x7f) && c !== TAB && c !== NL) out.push(0x5e, c ^ 0x40);
  else out.push(c);
}

/** How many columns a character took when echoed (to erase it). */
function echo_width(tty: TtyStruct, c: number): number {
  return tty.termios.lflag & ECHOCTL && (c < SPACE || c === 0x7f) && c !== TAB ? 2 : 1;
}

/** eraser(): VERASE, VWERASE or VKILL on the line being edited. */
function eraser(tty: TtyStruct, c: number, out: number[]): void {
  const l = tty.termios.lflag;
  const kill = is(tty, c, VKILL), word = !kill && is(tty, c, VWERASE) && (l & IEXTEN) !== 0;
  if (!tty.line.length) return;
  if (kill && (!(l & ECHO) || !(l & ECHOK) || !(l & ECHOKE) || !(l & ECHOE))) {
    tty.line = [];
    if (l & ECHO) { echo_char(tty, c, out); if (l & ECHOK) out.push(NL); }
    return;
  }
  let seen_word = false;
  while (tty.line.length) {
    const ch = tty.line[tty.line.length - 1];
    const alnum = /[A-Za-z0-9_]/.test(String.fromCharCode(ch));
    if (word) { if (alnum) seen_word = true; else if (seen_word) break; }
    tty.line.pop();
    if (l & ECHO && l & ECHOE) for (let i = echo_width(tty, ch); i > 0; i--) out.push(BS, SPACE, BS);
    else if (l & ECHO) echo_char(tty, tty.termios.cc[VERASE], out);
    if (!kill && !word) break;
  }
}

/** Discards unread input (n_tty_flush_buffer / reset_buffer_flags). */
export function n_tty_flush_input(tty: TtyStruct): void {
  tty.read_buf = []; tty.canon_lines = []; tty.line = []; tty.lnext = false;
}

/** isig(): the signal to the foreground process group, flushing input unless NOFLSH. */
function isig(k: Kernel, tty: TtyStruct, sig: number): void {
  if (!(tty.termios.lflag & NOFLSH)) n_tty_flush_input(tty);
  kill_pgrp(k, tty.pgrp, sig);
}

/** Ends the edited line: it becomes readable (with its terminator, or none for VEOF). */
function commit_line(tty: TtyStruct, terminator: number | null): void {
  if (terminator !== null) tty.line.push(terminator);
  tty.read_buf.push(...tty.line);
  tty.canon_lines.push(tty.line.length);
  tty.line = [];
}

/** Input mapping (the I* flags); -1 drops the character. */
function input_map(tty: TtyStruct, c: number): number {
  const i = tty.termios.iflag;
  if (i & ISTRIP) c &= 0x7f;
  if (c === CR) { if (i & IGNCR) return -1; if (i & ICRNL) return NL; }
  else if (c === NL && i & INLCR) return CR;
  return c;
}

/** A signal character under ISIG (n_tty_receive_signal_char); true when c was one. */
function receive_signal_char(k: Kernel, tty: TtyStruct, c: number, out: number[]): boolean {
  const sig = is(tty, c, VINTR) ? SIGINT : is(tty, c, VQUIT) ? SIGQUIT : is(tty, c, VSUSP) ? SIGTSTP : 0;
  if (!sig) return false;
  isig(k, tty, sig);
  echo_char(tty, c, out);
  return true;
}

/** Canonical-mode special characters; true when c was consumed as one. */
function receive_canon_special(tty: TtyStruct, c: number, out: number[]): boolean {
  const l = tty.termios.lflag;
  if (is(tty, c, VERASE) || is(tty, c, VKILL) || (is(tty, c, VWERASE) && l & IEXTEN)) { eraser(tty, c, out); return true; }
  if (is(tty, c, VREPRINT) && l & IEXTEN && l & ECHO) {
    echo_char(tty, c, out); out.push(NL);
    for (const ch of tty.line) echo_char(tty, ch, out);
    return true;
  }
  if (is(tty, c, VEOF)) { commit_line(tty, null); return true; }
  if (c === NL || is(tty, c, VEOL) || is(tty, c, VEOL2)) {
    if (c !== NL) echo_char(tty, c, out);
    else if (l & (ECHO | ECHONL)) out.push(NL);
    commit_line(tty, c);
    return true;
  }
  return false;
}

/** n_tty_receive_char(): one character from the device. */
function receive_char(k: Kernel, tty: TtyStruct, raw: number, out: number[]): void {
  const l = tty.termios.lflag;
  if (tty.lnext) {
    tty.lnext = false;
    echo_char(tty, raw, out);
    if (l & ICANON) tty.line.push(raw); else tty.read_buf.push(raw);
    return;
  }
  const c = input_map(tty, raw);
  if (c < 0) return;
  if (l & ISIG && receive_signal_char(k, tty, c, out)) return;
  if (l & IEXTEN && is(tty, c, VLNEXT)) {
    tty.lnext = true;
    if (l & ECHO && l & ECHOCTL) out.push(0x5e, BS);
    return;
  }
  if (l & ICANON) {
    if (receive_canon_special(tty, c, out)) return;
    tty.line.push(c);
  } else tty.read_buf.push(c);
  echo_char(tty, c, out);
}

/** n_tty_receive_buf(): input from the device, processed, echoed, and readers woken. */
export function n_tty_receive_buf(k: Kernel, tty: TtyStruct, data: ArrayLike<number>): void {
  const echo: number[] = [];
  for (let i = 0; i < data.length; i++) receive_char(k, tty, data[i], echo);
  tty_output(tty, echo);
  tty.read_wait.wake_up();
}

/** n_tty_set_termios(): leaving canonical mode makes the edited line readable as it is. */
export function n_tty_set_termios(tty: TtyStruct, old_lflag: number): void {
  const was = (old_lflag & ICANON) !== 0, now = (tty.termios.lflag & ICANON) !== 0;
  if (was && !now) { tty.read_buf.push(...tty.line); tty.line = []; tty.canon_lines = []; }
  else if (!was && now && tty.read_buf.length) tty.canon_lines = [tty.read_buf.length];
  tty.read_wait.wake_up();
}

/** Bytes a read could take now (FIONREAD, poll). */
export function n_tty_readable(tty: TtyStruct): number {
  if (tty.termios.lflag & ICANON) return tty.canon_lines.length ? Math.max(tty.read_buf.length, 1) : 0;
  return tty.read_buf.length;
}

/** Can a read of count bytes complete now (canonical: a line; raw: VMIN bytes)? */
export function n_tty_read_ready(tty: TtyStruct, count: number): boolean {
  if (tty.hung_up) return true;
  if (tty.termios.lflag & ICANON) return tty.canon_lines.length > 0;
  const min = tty.termios.cc[VMIN];
  return tty.read_buf.length >= Math.max(1, Math.min(min, count)) || (min === 0 && tty.termios.cc[VTIME] === 0);
}

/** The VTIME timeout of a non-canonical read, in ms (-1: none). */
export function n_tty_read_timeout(tty: TtyStruct): number {
  if (tty.termios.lflag & ICANON) return -1;
  const time = tty.termios.cc[VTIME];
  return time ? time * 100 : -1;
}

/** Takes up to count bytes for a read: at most one line in canonical mode. */
export function n_tty_take(tty: TtyStruct, count: number): Uint8Array {
  let n = Math.min(count, tty.read_buf.length);
  if (tty.termios.lflag & ICANON && tty.canon_lines.length) {
    n = Math.min(count, tty.canon_lines[0]);
    if (n === tty.canon_lines[0]) tty.canon_lines.shift(); else tty.canon_lines[0] -= n;
  }
  return Uint8Array.from(tty.read_buf.splice(0, n));
}
