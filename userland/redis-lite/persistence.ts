/**
 * SAVE, BGSAVE and BGREWRITEAOF (rdb.c/aof.c's command side) and the background child:
 * fork(2), the child serialises the dataset and writes the file, the parent reaps it from the
 * cron with waitpid(WNOHANG). JavaScript cannot fork a heap, so the child takes its snapshot
 * (a synchronous serialisation) as the first thing it runs, and the parent waits on a pipe for
 * that moment: nothing the parent does afterwards can leak into the snapshot.
 */
import type { Libc } from '../../libc/index.ts';
import { aof_dump } from './aof.ts';
import { register } from './commands.ts';
import { FileBuf, write_file_atomic } from './fileio.ts';
import type { Client } from './networking.ts';
import { rdb_dump } from './rdb.ts';
import type { Server } from './server.ts';

export function rdb_path(srv: Server): string { return `${srv.config.dir.replace(/\/$/, '')}/${srv.config.dbfilename}`; }

/** rdbSave in the foreground. */
export async function save_rdb(srv: Server): Promise<boolean> {
  const ok = await write_file_atomic(srv.libc, new FileBuf(srv.libc), rdb_path(srv), rdb_dump(srv.dbs, srv.now, srv.config.other.get('rdbcompression') !== 'no'));
  if (ok) { srv.lastsave = srv.now; srv.dirty_at_save = srv.dirty; srv.info_stats.rdb_saves++; srv.log('DB saved on disk'); }
  else srv.log(`Failed opening the temp RDB file for saving: errno ${srv.libc.errno}`, '#');
  return ok;
}

/**
 * Forks a child that snapshots with `dump`, writes it atomically to `path` and exits 0/1;
 * resolves with the child's pid (or -1) once the snapshot is taken.
 */
async function fork_writer(srv: Server, dump: () => Uint8Array, path: string): Promise<number> {
  const libc = srv.libc;
  const fds = libc.malloc(8);
  if (((await libc.pipe2(fds, libc.O_CLOEXEC)) as number) < 0) return -1;
  const rfd = libc.peek_i32(fds), wfd = libc.peek_i32(fds + 4);
  libc.free(fds);
  const t0 = libc.clock_ns(libc.CLOCK_MONOTONIC) as number;
  const pid = (await libc.fork(async (lc: Libc) => {
    const data = dump();
    await lc.write(wfd, 'x');
    const ok = await write_file_atomic(lc, new FileBuf(lc), path, data);
    return ok ? 0 : 1;
  })) as number;
  if (pid > 0) {
    const one = libc.malloc(1);
    await libc.read(rfd, one, 1);
    libc.free(one);
    // The snapshot is the fork's latency here (section 4 of docs/porting-a-program.md).
    srv.info_stats.total_forks++;
    srv.info_stats.latest_fork_usec = Math.round(((libc.clock_ns(libc.CLOCK_MONOTONIC) as number) - t0) / 1000);
  }
  await libc.close(rfd); await libc.close(wfd);
  return pid;
}

export async function bgsave(srv: Server): Promise<boolean> {
  if (srv.child_pid > 0) return false;
  const pid = await fork_writer(srv, () => rdb_dump(srv.dbs, srv.now, srv.config.other.get('rdbcompression') !== 'no'), rdb_path(srv));
  if (pid < 0) { srv.log(`Can't save in background: fork: errno ${srv.libc.errno}`, '#'); return false; }
  srv.log(`Background saving started by pid ${pid}`);
  const dirty = srv.dirty;
  srv.child_pid = pid; srv.child_type = 'rdb';
  srv.child_done = async (ok) => {
    if (ok) { srv.lastsave = srv.now; srv.dirty_at_save = dirty; srv.info_stats.rdb_saves++; srv.log('Background saving terminated with success'); }
    else srv.log('Background saving error', '#');
    srv.lastbgsave_ok = ok;
  };
  return true;
}

export async function bgrewriteaof(srv: Server): Promise<boolean> {
  if (srv.child_pid > 0 || !srv.aof) return false;
  const aof = srv.aof;
  const job = await aof.rewrite_start();
  if (!job) return false;
  const pid = await fork_writer(srv, () => aof_dump(srv), aof.base_path(job.base));
  if (pid < 0) return false;
  srv.log(`Background append only file rewriting started by pid ${pid}`);
  srv.child_pid = pid; srv.child_type = 'aof';
  srv.child_done = (ok) => { if (ok) srv.info_stats.aof_rewrites++; return aof.rewrite_done(job, ok); };
  return true;
}

/** checkChildrenDone: reaps a finished child (cron). */
export async function reap_child(srv: Server): Promise<void> {
  if (srv.child_pid <= 0) return;
  const libc = srv.libc, st = libc.malloc(4);
  const pid = (await libc.waitpid(srv.child_pid, st, libc.WNOHANG)) as number;
  const status = libc.peek_i32(st);
  libc.free(st);
  if (pid !== srv.child_pid) return;
  const ok = libc.WIFEXITED(status) && libc.WEXITSTATUS(status) === 0;
  const done = srv.child_done;
  srv.child_pid = -1; srv.child_type = null; srv.child_done = null;
  await done?.(ok);
}

function bgsave_cmd(c: Client): void {
  const srv = c.srv;
  if (c.argv.length > 2 || (c.argv.length === 2 && c.argv[1].toUpperCase() !== 'SCHEDULE')) { c.reply.error('syntax error'); return; }
  if (srv.child_type === 'rdb') { c.reply.error('Background save already in progress'); return; }
  if (srv.child_pid > 0) {
    if (c.argv.length === 2) { srv.rdb_bgsave_scheduled = true; c.reply.status('Background saving scheduled'); return; }
    c.reply.error("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    return;
  }
  srv.background.push(() => bgsave(srv));
  c.reply.status('Background saving started');
}

function bgrewriteaof_cmd(c: Client): void {
  const srv = c.srv;
  if (srv.child_type === 'aof') { c.reply.error('Background append only file rewriting already in progress'); return; }
  if (srv.child_pid > 0) { srv.aof_rewrite_scheduled = true; c.reply.status('Background append only file rewriting scheduled'); return; }
  if (!srv.aof) { c.reply.error('Background append only file rewriting needs appendonly yes in redis-lite'); return; }
  srv.background.push(() => bgrewriteaof(srv));
  c.reply.status('Background append only file rewriting started');
}

function save_cmd(c: Client): void {
  if (c.srv.child_type === 'rdb') { c.reply.error('Background save already in progress'); return; }
  // SAVE blocks the server until the file is written.
  c.srv.block_on(c, async () => { if (await save_rdb(c.srv)) c.reply.ok(); else c.reply.error('-ERR'); });
}

register('server', [
  ['save', 1, 'admin noscript no_async_loading no_multi nokeys', save_cmd],
  ['bgsave', -1, 'admin noscript no_async_loading nokeys', bgsave_cmd],
  ['bgrewriteaof', 1, 'admin noscript no_async_loading nokeys', bgrewriteaof_cmd],
  ['lastsave', 1, 'loading stale fast nokeys', (c) => c.reply.int(Math.floor(c.srv.lastsave / 1000))],
]);
