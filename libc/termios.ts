/**
 * Terminal control (glibc's termios.h, unistd.h tcgetpgrp/tcsetpgrp): tcgetattr, tcsetattr,
 * cfmakeraw, tcflush, tcdrain, tcgetpgrp, tcsetpgrp, tcgetsid, ttyname-free helpers. The
 * struct termios is a JS object passed by reference, filled in or read as C's would be.
 */
import type { SysRet } from '../kernel/fs/fs_types.ts';
import {
  BRKINT, CS8, CSIZE, ECHO, ECHONL, ICANON, ICRNL, IEXTEN, IGNBRK, IGNCR, INLCR, ISIG, ISTRIP, IXON, NCCS, OPOST,
  PARENB, PARMRK, TCGETS, TCSETS, TERMIOS_SIZE, TIOCGPGRP, TIOCGSID, TIOCSPGRP, TCFLSH, TCSBRK, VMIN, VTIME,
} from '../kernel/include/uapi/termbits.ts';
import { Libc } from './libc.ts';

/** struct termios */
export class Termios {
  c_iflag = 0; c_oflag = 0; c_cflag = 0; c_lflag = 0; c_line = 0;
  c_cc = new Uint8Array(NCCS);
}

declare module './libc.ts' {
  interface Libc {
    tcgetattr(fd: number, t: Termios): SysRet;
    /** optional_actions: TCSANOW, TCSADRAIN, TCSAFLUSH */
    tcsetattr(fd: number, optional_actions: number, t: Termios): SysRet;
    cfmakeraw(t: Termios): void;
    tcflush(fd: number, queue: number): SysRet;
    tcdrain(fd: number): SysRet;
    tcgetpgrp(fd: number): SysRet;
    tcsetpgrp(fd: number, pgrp: number): SysRet;
    tcgetsid(fd: number): SysRet;
  }
}

const L = Libc.prototype;

L.tcgetattr = function (fd, t) {
  return this.with_scratch(() => {
    const p = this.scratch_push(TERMIOS_SIZE);
    const r = this.ret(this.raw(this.SYS.ioctl, fd, TCGETS, p)) as number;
    if (r < 0) return r;
    const b = this.peek(p, TERMIOS_SIZE), dv = new DataView(b.buffer);
    t.c_iflag = dv.getUint32(0, true); t.c_oflag = dv.getUint32(4, true);
    t.c_cflag = dv.getUint32(8, true); t.c_lflag = dv.getUint32(12, true);
    t.c_line = b[16]; t.c_cc = b.slice(17, 17 + NCCS);
    return 0;
  });
};

L.tcsetattr = function (fd, optional_actions, t) {
  if (optional_actions < 0 || optional_actions > 2) { this.errno = this.EINVAL; return -1; }
  const b = new Uint8Array(TERMIOS_SIZE), dv = new DataView(b.buffer);
  dv.setUint32(0, t.c_iflag >>> 0, true); dv.setUint32(4, t.c_oflag >>> 0, true);
  dv.setUint32(8, t.c_cflag >>> 0, true); dv.setUint32(12, t.c_lflag >>> 0, true);
  b[16] = t.c_line; b.set(t.c_cc.subarray(0, NCCS), 17);
  return this.with_scratch(() => this.ret(this.raw(this.SYS.ioctl, fd, TCSETS + optional_actions, this.buf_in(b, TERMIOS_SIZE))));
};

/** cfmakeraw(3), glibc's exact flag changes. */
L.cfmakeraw = function (t) {
  t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t.c_oflag &= ~OPOST;
  t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag &= ~(CSIZE | PARENB);
  t.c_cflag |= CS8;
  t.c_cc[VMIN] = 1; t.c_cc[VTIME] = 0;
};

L.tcflush = function (fd, queue) { return this.ret(this.raw(this.SYS.ioctl, fd, TCFLSH, queue)); };
L.tcdrain = function (fd) { return this.ret(this.raw(this.SYS.ioctl, fd, TCSBRK, 1)); };

/** An ioctl that reads an int back (TIOCGPGRP, TIOCGSID). */
function ioctl_int(lc: Libc, fd: number, cmd: number): SysRet {
  return lc.with_scratch(() => {
    const p = lc.scratch_push(4);
    const r = lc.ret(lc.raw(lc.SYS.ioctl, fd, cmd, p)) as number;
    return r < 0 ? r : lc.peek_i32(p);
  });
}

L.tcgetpgrp = function (fd) { return ioctl_int(this, fd, TIOCGPGRP); };
L.tcgetsid = function (fd) { return ioctl_int(this, fd, TIOCGSID); };
L.tcsetpgrp = function (fd, pgrp) {
  return this.with_scratch(() => {
    const p = this.scratch_push(4);
    this.poke_u32(p, pgrp);
    return this.ret(this.raw(this.SYS.ioctl, fd, TIOCSPGRP, p));
  });
};
