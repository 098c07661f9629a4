/**
 * Terminal interface constants (include/uapi/asm-generic/termbits.h, ioctls.h): struct termios
 * flags, c_cc indices, and the tty ioctl numbers. x86_64 and arm64 share these values.
 */

// struct termios as TCGETS/TCSETS pass it: four tcflag_t, c_line, c_cc[NCCS].
export const NCCS = 19;
export const TERMIOS_SIZE = 36;

// c_cc indices
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7;
export const VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14;
export const VLNEXT = 15, VEOL2 = 16;

// c_iflag
export const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, PARMRK = 0o10, INPCK = 0o20, ISTRIP = 0o40;
export const INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000;
export const IXOFF = 0o10000, IMAXBEL = 0o20000, IUTF8 = 0o40000;

// c_oflag
export const OPOST = 0o1, OLCUC = 0o2, ONLCR = 0o4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40;

// c_cflag
export const B38400 = 0o17, CSIZE = 0o60, CS8 = 0o60, CSTOPB = 0o100, CREAD = 0o200, PARENB = 0o400;
export const HUPCL = 0o2000, CLOCAL = 0o4000;

// c_lflag
export const ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100;
export const NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000;
export const FLUSHO = 0o10000, PENDIN = 0o40000, IEXTEN = 0o100000;

/** tty_std_termios (drivers/tty/tty_io.c) */
export const TTY_STD_IFLAG = ICRNL | IXON;
export const TTY_STD_OFLAG = OPOST | ONLCR;
export const TTY_STD_CFLAG = B38400 | CS8 | CREAD | HUPCL;
export const TTY_STD_LFLAG = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
/** INIT_C_CC (include/linux/tty.h): ^C ^\ DEL ^U ^D 0 1 0 ^Q ^S ^Z 0 ^R ^O ^W ^V 0 */
export const INIT_C_CC = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];

// tcsetattr actions and tcflush queues (termios.h)
export const TCSANOW = 0, TCSADRAIN = 1, TCSAFLUSH = 2;
export const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;

// ioctls (include/uapi/asm-generic/ioctls.h)
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
export const TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b;
export const TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411;
export const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCNOTTY = 0x5422;
export const TIOCGSID = 0x5429;
