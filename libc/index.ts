/** The whole C library: the core and every group of wrappers. */
import './unistd.ts';
import './mman.ts';
import './fs.ts';
import './malloc.ts';
import './stdio.ts';
import './crt0.ts';
import './socket.ts';
import './poll.ts';
import './kerncall.ts';
import './pauth.ts';
import './fdcap.ts';
import './pthread.ts';
import './strsignal.ts';
export { Libc } from './libc.ts';
export { crt0 } from './crt0.ts';
export { FILE, format } from './stdio.ts';
export type { ChildFn, SigactionArg } from './unistd.ts';
