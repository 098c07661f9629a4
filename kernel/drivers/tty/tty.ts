/**
 * struct tty_struct and struct ktermios (include/linux/tty.h, include/linux/termios.h): one
 * terminal — its termios settings, the foreground process group and session it belongs to, its
 * window size, the line discipline's buffers (n_tty.ts), and the driver below it.
 */
import {
  INIT_C_CC, NCCS, TERMIOS_SIZE, TTY_STD_CFLAG, TTY_STD_IFLAG, TTY_STD_LFLAG, TTY_STD_OFLAG,
} from '../../include/uapi/termbits.ts';
import { WaitQueueHead } from '../../sched/wait.ts';

/** struct ktermios (the TCGETS layout: c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]). */
export class Termios {
  iflag = TTY_STD_IFLAG;
  oflag = TTY_STD_OFLAG;
  cflag = TTY_STD_CFLAG;
  lflag = TTY_STD_LFLAG;
  line = 0;
  readonly cc = new Uint8Array(NCCS);
  constructor() { this.cc.set(INIT_C_CC); }

  encode(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, TERMIOS_SIZE);
    dv.setUint32(0, this.iflag, true); dv.setUint32(4, this.oflag, true);
    dv.setUint32(8, this.cflag, true); dv.setUint32(12, this.lflag, true);
    b[16] = this.line;
    b.set(this.cc, 17);
  }

  decode(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, TERMIOS_SIZE);
    this.iflag = dv.getUint32(0, true); this.oflag = dv.getUint32(4, true);
    this.cflag = dv.getUint32(8, true); this.lflag = dv.getUint32(12, true);
    this.line = b[16];
    this.cc.set(b.subarray(17, 17 + NCCS));
  }
}

/** The hardware side (struct tty_operations, reduced): where output goes. */
export interface TtyDriver {
  write(bytes: Uint8Array): void;
}

export class TtyStruct {
  readonly termios = new Termios();
  /** Foreground process group and session (tty->ctrl.pgrp / .session); 0 when none. */
  pgrp = 0;
  session = 0;
  rows = 24;
  cols = 80;
  /** n_tty: bytes readers may take; in canonical mode, the lengths of the complete lines in it. */
  read_buf: number[] = [];
  canon_lines: number[] = [];
  /** n_tty: the line being edited in canonical mode. */
  line: number[] = [];
  /** The next character is literal (after VLNEXT). */
  lnext = false;
  /** The other side is gone (end of the host's input): reads return 0. */
  hung_up = false;
  readonly read_wait = new WaitQueueHead();
  /** dev is the device number /proc/PID/stat reports as tty_nr. */
  constructor(readonly name: string, readonly driver: TtyDriver, readonly dev = 0) {}
}
