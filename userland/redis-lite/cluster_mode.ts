/**
 * The cluster commands of a server started without cluster-enabled (redis-lite has no cluster
 * mode): CLUSTER's subcommands, READONLY, READWRITE and ASKING all answer that cluster support
 * is disabled (clusterCommand, readonlyCommand, … in cluster.c), after the usual lookup and
 * arity checks — and their flags (CLUSTER RESET: noscript) still apply, as COMMAND shows them.
 */
import { container, type CmdSpec, register } from './commands.ts';
import type { Client } from './networking.ts';

const disabled = (c: Client): void => c.reply.error('This instance has cluster support disabled');

const ADMIN = 'admin stale no_async_loading nokeys';
const SUBS: [string, number, string][] = [
  ['addslots', -3, ADMIN], ['addslotsrange', -4, ADMIN], ['bumpepoch', 2, ADMIN], ['count-failure-reports', 3, 'admin stale nokeys'],
  ['countkeysinslot', 3, 'stale nokeys'], ['delslots', -3, ADMIN], ['delslotsrange', -4, ADMIN], ['failover', -2, ADMIN],
  ['flushslots', 2, ADMIN], ['forget', 3, ADMIN], ['getkeysinslot', 4, 'stale nokeys'], ['help', 2, 'loading stale nokeys'],
  ['info', 2, 'stale nokeys'], ['keyslot', 3, 'stale nokeys'], ['links', 2, 'stale nokeys'], ['meet', -4, ADMIN],
  ['myid', 2, 'stale nokeys'], ['nodes', 2, 'stale nokeys'], ['replicas', 3, 'admin stale nokeys'], ['replicate', 3, ADMIN],
  ['reset', -2, 'admin noscript stale nokeys'], ['saveconfig', 2, ADMIN], ['set-config-epoch', 3, ADMIN], ['setslot', -4, ADMIN],
  ['shards', 2, 'stale nokeys'], ['slaves', 3, 'admin stale nokeys'], ['slots', 2, 'stale nokeys'],
];

register('cluster', [container('cluster', 'cluster', SUBS.map(([n, a, f]): CmdSpec => [n, a, f, disabled]))]);
register('connection', [
  ['readonly', 1, 'loading stale fast nokeys', disabled],
  ['readwrite', 1, 'loading stale fast nokeys', disabled],
  ['asking', 1, 'fast nokeys', disabled],
]);
