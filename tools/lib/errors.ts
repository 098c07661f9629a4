/**
 * The library's errors, shaped as Node's own system errors (fs.readFile's): `code` is the
 * Linux errno name, `errno` its number, `syscall` and `path` say what failed, and the message
 * is `ENOENT: No such file or directory, open '/tmp/x'`.
 */
import { ERRNO_NAMES, ERRNO_TEXT } from '../../kernel/include/uapi/errno.ts';

/** An error from the emulated kernel: a syscall (or a program start) that failed with errno. */
export class PrivosError extends Error {
  /** The errno name: 'ENOENT', 'EACCES', … */
  readonly code: string;
  constructor(readonly errno: number, readonly syscall: string, readonly path?: string) {
    const code = ERRNO_NAMES[errno] ?? `E${errno}`;
    super(`${code}: ${ERRNO_TEXT[errno] ?? `errno ${errno}`}, ${syscall}${path === undefined ? '' : ` '${path}'`}`);
    this.name = 'PrivosError';
    this.code = code;
  }
}

/** A bad option: a TypeError that names it (as Node's ERR_INVALID_ARG_VALUE does). */
export function bad_option(name: string, want: string, got: unknown): TypeError {
  const shown = typeof got === 'string' ? `'${got}'` : typeof got === 'function' ? 'a function' : JSON.stringify(got) ?? String(got);
  return Object.assign(new TypeError(`The option '${name}' must be ${want}. Received ${shown}`), { code: 'ERR_INVALID_ARG_VALUE' });
}
