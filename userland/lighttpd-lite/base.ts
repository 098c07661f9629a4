/** The server's shared state (lighttpd's base.h: struct server), handed to every module. */
import type { Libc } from '../../libc/index.ts';
import type { ParsedConfig } from './configfile.ts';
import type { ErrorLog } from './log.ts';
import type { AccessLog } from './mod_accesslog.ts';
import type { Auth } from './mod_auth.ts';
import type { HeaderCache } from './response.ts';
import type { StatCacheEntry } from './stat_cache.ts';

export interface Server {
  libc: Libc;
  config: ParsedConfig;
  docroot: string;
  tag: string;
  max_keep_alive_requests: number;
  max_keep_alive_idle: number;
  max_read_idle: number;
  max_write_idle: number;
  max_connections: number;
  max_request_field_size: number;
  errorlog: ErrorLog;
  accesslog: AccessLog | null;
  auth: Auth | null;
  modules: Set<string>;
  /** Scratch struct stat, reused by every stat (one request is handled at a time). */
  stbuf: number;
  /** Seconds now (CLOCK_REALTIME), refreshed once per loop iteration. */
  now: number;
  /** Encoded status, Date and Server lines (response.ts). */
  headers: HeaderCache;
  /** stat_cache.ts's entries by docroot-relative path. */
  stat_cache: Map<string, StatCacheEntry>;
}

/** Seconds since the epoch from CLOCK_REALTIME. */
export function time_now(libc: Libc): number {
  return Math.floor((libc.clock_ns(libc.CLOCK_REALTIME) as number) / 1e9);
}
