/**
 * The host side of privos's consoles (kernel/fs/devfs/hvc_console.ts): the Node process's
 * stdin, stdout and stderr as ConsoleIo channels with real back-pressure, and the host signals
 * that belong to the guest's foreground processes.
 */
import { isatty } from 'node:tty';
import { EIO, EPIPE } from '../kernel/include/uapi/errno.ts';
import { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH } from '../kernel/include/uapi/signal.ts';
import type { ConsoleIo, ConsoleWrite, Kernel } from '../kernel/kernel.ts';
import { console_signal } from '../kernel/fs/devfs/hvc_console.ts';

type Out = NodeJS.WriteStream;

/**
 * A writer on a host stream: returns 0 when the host took the bytes at once (a terminal, a
 * file, a pipe with room), a Promise when they wait in Node's queue (a full pipe) that resolves
 * once they are written, and -EPIPE once the reader has gone.
 */
export function host_writer(s: Out): (bytes: Uint8Array) => ConsoleWrite {
  let broken = 0;
  s.on('error', (e: NodeJS.ErrnoException) => { broken = e.code === 'EPIPE' ? -EPIPE : -EIO; });
  return (bytes) => {
    if (broken) return broken;
    let settle: ((v: number) => void) | null = null, early: number | null = null;
    s.write(bytes, (err) => {
      const v = err ? ((err as NodeJS.ErrnoException).code === 'EPIPE' ? -EPIPE : -EIO) : 0;
      if (settle) settle(v); else early = v;
    });
    if (early !== null) return early;
    if (s.writableLength === 0 && !s.errored) return 0;
    return new Promise<number>((r) => (settle = r));
  };
}

/** Resolves once everything queued on s has reached the host (or s broke). */
export function host_flush(s: Out): Promise<void> {
  if (s.writableLength === 0 || s.errored || s.destroyed) return Promise.resolve();
  return new Promise((r) => { s.once('drain', () => r()); s.once('error', () => r()); s.once('close', () => r()); });
}

/** Host fd 0, paused between requests: one chunk per read(), so nothing piles up. */
function host_reader(): () => Promise<Uint8Array | null> {
  const s = process.stdin;
  let ended = false;
  return () => new Promise((resolve) => {
    if (ended || s.readableEnded) { ended = true; resolve(null); return; }
    const done = (c: Uint8Array | null): void => {
      s.off('data', on_data); s.off('end', on_end); s.off('error', on_end);
      s.pause();
      if (c === null) ended = true;
      resolve(c);
    };
    const on_data = (c: Buffer): void => done(c);
    const on_end = (): void => done(null);
    s.on('data', on_data); s.once('end', on_end); s.once('error', on_end);
    s.resume();
  });
}

/** The console of the host process: stdin, stdout and stderr. */
export function host_console(): ConsoleIo {
  const tty_out = [process.stdout, process.stderr].find((s) => s.isTTY);
  return {
    write: host_writer(process.stdout),
    write_err: host_writer(process.stderr),
    read: host_reader(),
    isatty: (fd) => isatty(fd),
    winsize: () => (tty_out ? { rows: tty_out.rows, cols: tty_out.columns } : null),
    set_raw: (raw) => { if (process.stdin.isTTY) process.stdin.setRawMode(raw); },
  };
}

/** The host signals passed to the guest's foreground processes (the host's ^C is the guest's). */
export const FORWARDED_SIGNALS: readonly [NodeJS.Signals, number][] = [
  ['SIGINT', SIGINT], ['SIGTERM', SIGTERM], ['SIGHUP', SIGHUP], ['SIGQUIT', SIGQUIT],
];

/** Forwards host SIGINT/SIGTERM/SIGHUP/SIGQUIT and terminal resizes (SIGWINCH) to k's console. */
export function forward_host_signals(k: Kernel): void {
  for (const [name, sig] of FORWARDED_SIGNALS) process.on(name, () => console_signal(k, sig));
  [process.stdout, process.stderr].find((s) => s.isTTY)?.on('resize', () => console_signal(k, SIGWINCH));
}
