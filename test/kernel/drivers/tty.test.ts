/**
 * The terminal: N_TTY's canonical mode, echo, erase and kill, VEOF, ISIG characters to the
 * foreground process group, raw mode and VMIN/VTIME, termios defaults, and job control on the
 * terminal (controlling terminal, tcsetpgrp's errors, SIGTTIN/SIGTTOU for background groups).
 */
import test from 'ava';
import { boot, run } from '../../../tools/machine.ts';
import type { InlineBody } from '../../../tools/machine.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { Termios, type Libc } from '../../../libc/index.ts';
import {
  ECHO, ICANON, INIT_C_CC, TOSTOP, TTY_STD_CFLAG, TTY_STD_IFLAG, TTY_STD_LFLAG, TTY_STD_OFLAG, VMIN, VTIME,
} from '../../../kernel/include/uapi/termbits.ts';

/** A host terminal the test types into and reads from. */
class FakeTerminal {
  out = '';
  private queue: Uint8Array[] = [];
  private waiter: ((c: Uint8Array | null) => void) | null = null;
  readonly console = {
    write: (b: Uint8Array): void => { this.out += Buffer.from(b).toString('latin1'); },
    read: (): Promise<Uint8Array | null> => new Promise((r) => { const c = this.queue.shift(); if (c) r(c); else this.waiter = r; }),
  };
  type(s: string): void {
    const b = Buffer.from(s, 'latin1');
    if (this.waiter) { const w = this.waiter; this.waiter = null; w(b); } else this.queue.push(b);
  }
}

/** Runs body as the first process, on /dev/tty1 (its controlling terminal). */
async function on_tty(k: Kernel, body: InlineBody): Promise<number> {
  const main = async (libc: Libc, argv: string[], envp: string[]): Promise<number> => (await body(libc, argv, envp)) ?? 0;
  const r = await run(k, { program: 'inline', main, argv: ['inline'], tty: '/dev/tty1' });
  return r.status;
}

const read_str = async (libc: Libc, n = 256): Promise<string> => {
  const b = new Uint8Array(n);
  const r = await libc.read(0, b, n);
  return r < 0 ? `E${libc.errno}` : Buffer.from(b.subarray(0, r)).toString('latin1');
};

test('termios defaults are tty_std_termios; the first program has the terminal as its controlling one', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    const tio = new Termios();
    t.is(libc.tcgetattr(0, tio), 0);
    t.is(tio.c_iflag, TTY_STD_IFLAG); t.is(tio.c_iflag, 0o2400);
    t.is(tio.c_oflag, TTY_STD_OFLAG); t.is(tio.c_oflag, 0o5);
    t.is(tio.c_cflag, TTY_STD_CFLAG); t.is(tio.c_cflag, 0o2277);
    t.is(tio.c_lflag, TTY_STD_LFLAG); t.is(tio.c_lflag, 0o105073);
    t.deepEqual([...tio.c_cc.subarray(0, 17)], INIT_C_CC);
    t.is(libc.isatty(0), 1);
    const me = libc.getpid() as number;
    t.is(await libc.tcgetpgrp(0), me);
    t.is(await libc.tcgetsid(0), me);
    t.is(libc.ioctl(0, 0x540e, 0), 0, 'TIOCSCTTY on our own terminal is a no-op');
    t.is(libc.tcsetattr(0, 5, tio), -1); t.is(libc.errno, libc.EINVAL);
    const fd = await libc.open('/dev/null', libc.O_RDONLY);
    t.is(await libc.tcgetpgrp(fd), -1); t.is(libc.errno, libc.ENOTTY);
  });
});

test('canonical mode: a line at a time, echoed (ONLCR), with erase, word erase, kill and EOF', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    term.type('ab\x7fc\n');
    t.is(await read_str(libc), 'ac\n');
    t.is(term.out, 'ab\b \bc\r\n');
    term.type('one two\x17three\n');
    t.is(await read_str(libc), 'one three\n');
    term.type('junk\x15ok\n');
    t.is(await read_str(libc), 'ok\n');
    term.type('two\nlines\n');
    t.is(await read_str(libc, 2), 'tw', 'a short read takes part of the line');
    t.is(await read_str(libc), 'o\n', 'and the rest, not the next line');
    t.is(await read_str(libc), 'lines\n');
    term.type('partial\x04');
    t.is(await read_str(libc), 'partial', 'VEOF ends a line without a newline');
    term.type('\x04');
    t.is(await read_str(libc), '', 'VEOF at the start of a line reads as end of file');
    term.out = '';
    term.type('\x01x\n');
    t.is(await read_str(libc), '\x01x\n');
    t.is(term.out, '^Ax\r\n', 'ECHOCTL shows control characters as ^X');
  });
});

test('raw mode (cfmakeraw): bytes as they come, no echo, ^C is data; VMIN=0 VTIME=0 polls', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    const saved = new Termios();
    libc.tcgetattr(0, saved);
    const raw = new Termios();
    libc.tcgetattr(0, raw);
    libc.cfmakeraw(raw);
    t.is(libc.tcsetattr(0, libc.TCSAFLUSH, raw), 0);
    const now = new Termios();
    libc.tcgetattr(0, now);
    t.is(now.c_lflag & (ICANON | ECHO), 0);
    term.out = '';
    term.type('a');
    t.is(await read_str(libc), 'a');
    term.type('\x03\r');
    t.is(await read_str(libc), '\x03\r', 'no ISIG, no ICRNL');
    t.is(term.out, '', 'no echo');
    raw.c_cc[VMIN] = 0; raw.c_cc[VTIME] = 0;
    libc.tcsetattr(0, libc.TCSANOW, raw);
    t.is(await read_str(libc), '', 'nothing there: read returns 0 at once');
    libc.tcsetattr(0, libc.TCSANOW, saved);
    term.type('back\n');
    t.is(await read_str(libc), 'back\n');
  });
});

test('^C and ^Z go to the foreground process group; ^\\ quits it', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    libc.signal(libc.SIGTTOU, 1);
    const st = libc.malloc(8);
    const job = async (): Promise<number> => {
      const pid = await libc.fork(async (c) => { await c.read(0, new Uint8Array(10), 10); return 0; });
      libc.setpgid(pid, pid);
      t.is(await libc.tcsetpgrp(0, pid), 0);
      return pid;
    };
    let pid = await job();
    await libc.nanosleep(2e6);
    term.type('x\x03');
    await libc.waitpid(pid, st, libc.WUNTRACED);
    t.is(libc.peek_i32(st), libc.SIGINT, 'killed by SIGINT');
    t.regex(term.out, /x\^C$/);
    pid = await job();
    term.type('\x1a');
    await libc.waitpid(pid, st, libc.WUNTRACED);
    t.is(libc.peek_i32(st), (libc.SIGTSTP << 8) | 0x7f, 'stopped by SIGTSTP');
    await libc.kill(pid, libc.SIGKILL);
    await libc.waitpid(pid, st, 0);
    pid = await job();
    term.type('\x1c');
    await libc.waitpid(pid, st, 0);
    t.is(libc.peek_i32(st), libc.SIGQUIT);
    t.is(await libc.tcsetpgrp(0, libc.getpid() as number), 0);
    libc.free(st);
  });
});

test('background groups: SIGTTIN on read, SIGTTOU on write with TOSTOP and on tcsetattr; EIO when ignored', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    const st = libc.malloc(8);
    const bg = async (fn: (c: Libc) => Promise<number>): Promise<number> => {
      const pid = await libc.fork(async (c) => fn(c));
      libc.setpgid(pid, pid);
      return pid;
    };
    let pid = await bg(async (c) => { await c.read(0, new Uint8Array(4), 4); return 0; });
    await libc.waitpid(pid, st, libc.WUNTRACED);
    t.is(libc.peek_i32(st), (libc.SIGTTIN << 8) | 0x7f, 'a background reader stops with SIGTTIN');
    // Once in the foreground and continued, its read restarts and gets the input.
    libc.signal(libc.SIGTTOU, 1);
    await libc.tcsetpgrp(0, pid);
    await libc.kill(pid, libc.SIGCONT);
    term.type('in\n');
    await libc.waitpid(pid, st, 0);
    t.is(libc.peek_i32(st), 0);
    await libc.tcsetpgrp(0, libc.getpid() as number);
    libc.signal(libc.SIGTTOU, 0); // children inherit an ignored SIGTTOU: back to the default
    pid = await bg(async (c) => { c.signal(c.SIGTTIN, 1); const r = await c.read(0, new Uint8Array(4), 4); return r === -1 && c.errno === c.EIO ? 42 : 1; });
    await libc.waitpid(pid, st, 0);
    t.is(libc.peek_i32(st), 42 << 8, 'EIO when SIGTTIN is ignored');
    pid = await bg(async (c) => { await c.write(1, 'bg output\n'); return 7; });
    await libc.waitpid(pid, st, 0);
    t.is(libc.peek_i32(st), 7 << 8, 'without TOSTOP background output is allowed');
    t.regex(term.out, /bg output/);
    const tio = new Termios();
    libc.tcgetattr(0, tio);
    tio.c_lflag |= TOSTOP;
    libc.tcsetattr(0, 0, tio);
    pid = await bg(async (c) => { await c.write(1, 'held\n'); return 0; });
    await libc.waitpid(pid, st, libc.WUNTRACED);
    t.is(libc.peek_i32(st), (libc.SIGTTOU << 8) | 0x7f, 'with TOSTOP a background writer stops');
    await libc.kill(pid, libc.SIGKILL); await libc.waitpid(pid, st, 0);
    pid = await bg(async (c) => { const x = new Termios(); c.tcgetattr(0, x); await c.tcsetattr(0, 0, x); return 0; });
    await libc.waitpid(pid, st, libc.WUNTRACED);
    t.is(libc.peek_i32(st), (libc.SIGTTOU << 8) | 0x7f, 'tcsetattr from the background stops too');
    await libc.kill(pid, libc.SIGKILL); await libc.waitpid(pid, st, 0);
    libc.free(st);
  });
});

test('tcsetpgrp, TIOCSCTTY and TIOCNOTTY errors as Linux gives them', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    t.is(await libc.tcsetpgrp(0, 99999), -1); t.is(libc.errno, libc.ESRCH);
    t.is(await libc.tcsetpgrp(0, -1), -1); t.is(libc.errno, libc.EINVAL);
    const st = libc.malloc(8);
    const other = await libc.fork(async (c) => {
      c.setsid();
      t.is(await c.tcgetpgrp(0), -1, 'not our controlling terminal after setsid'); t.is(c.errno, c.ENOTTY);
      t.is(c.ioctl(0, 0x540e, 0), -1, 'TIOCSCTTY: the terminal belongs to another session'); t.is(c.errno, c.EPERM);
      await c.nanosleep(5e6);
      return 0;
    });
    await libc.nanosleep(1e6);
    t.is(await libc.tcsetpgrp(0, other), -1, 'a group of another session'); t.is(libc.errno, libc.EPERM);
    await libc.waitpid(other, st, 0);
    const child = await libc.fork(async (c) => {
      t.is(c.ioctl(0, 0x540e, 0), -1, 'only a session leader may TIOCSCTTY'); t.is(c.errno, c.EPERM);
      t.is(c.ioctl(0, 0x5422, 0), 0, 'TIOCNOTTY');
      t.is(await c.tcgetpgrp(0), -1); t.is(c.errno, c.ENOTTY);
      return 0;
    });
    await libc.waitpid(child, st, 0);
    t.is(await libc.tcgetpgrp(0), libc.getpid() as number, 'a member giving it up leaves the session its terminal');
    libc.free(st);
  });
});

test('window size (SIGWINCH to the foreground), FIONREAD, tcflush, tcdrain and poll on the terminal', async (t) => {
  const term = new FakeTerminal();
  const k = boot({ console: term.console });
  await on_tty(k, async (libc) => {
    let winch = 0;
    libc.signal(libc.SIGWINCH, () => { winch++; });
    const ws = libc.malloc(8);
    t.is(libc.ioctl(0, 0x5413, ws), 0);
    t.deepEqual([libc.peek_u32(ws) & 0xffff, libc.peek_u32(ws) >>> 16], [24, 80]);
    libc.poke_u32(ws, (100 << 16) | 40);
    t.is(await libc.ioctl(0, 0x5414, ws), 0);
    t.is(winch, 1, 'a new size signals the foreground group');
    libc.ioctl(0, 0x5413, ws);
    t.deepEqual([libc.peek_u32(ws) & 0xffff, libc.peek_u32(ws) >>> 16], [40, 100]);
    const pfd = libc.malloc(8);
    libc.poke_u32(pfd, 0); libc.poke_u32(pfd + 4, libc.POLLIN);
    t.is(await libc.poll(pfd, 1, 0), 0, 'no complete line: not readable');
    term.type('abc\n');
    t.is(await libc.poll(pfd, 1, -1), 1);
    const n = libc.malloc(4);
    libc.ioctl(0, libc.FIONREAD, n);
    t.is(libc.peek_i32(n), 4);
    t.is(libc.tcflush(0, libc.TCIFLUSH), 0);
    libc.ioctl(0, libc.FIONREAD, n);
    t.is(libc.peek_i32(n), 0, 'tcflush discarded the input');
    t.is(libc.tcflush(0, 7), -1); t.is(libc.errno, libc.EINVAL);
    t.is(libc.tcdrain(0), 0);
    t.is(libc.ioctl(0, 0x7777, 0), -1); t.is(libc.errno, libc.ENOTTY);
  });
});
