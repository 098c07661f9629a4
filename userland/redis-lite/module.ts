/**
 * module.c's MODULE command for a server that loads none: LIST is empty; LOAD, LOADEX and
 * UNLOAD are protected (enable-module-command, off by default, as DEBUG is by its option) and,
 * where allowed, fail as Redis fails on a library it cannot load — privos has no dlopen(3).
 */
import { container, register } from './commands.ts';
import { reply_help } from './help.ts';
import type { Client } from './networking.ts';

function load_failed(c: Client): void {
  c.srv.log(`Module ${c.argv[2]} failed to load: privos cannot load shared objects`, '#');
  c.reply.error('Error loading the extension. Please check the server logs.');
}

const ADMIN = 'admin noscript no_async_loading protected nokeys';
register('server', [container('server', 'module', [
  ['list', 2, 'admin noscript nokeys', (c) => c.reply.array(0)],
  ['load', -3, ADMIN, load_failed],
  ['loadex', -3, ADMIN, load_failed],
  ['unload', 3, ADMIN, (c) => c.reply.error('Error unloading module: no such module with that name')],
  ['help', 2, 'loading stale nokeys', (c) => reply_help(c, 'MODULE')],
])]);
