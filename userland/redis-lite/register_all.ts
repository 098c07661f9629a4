/** Loads every command group, each of which registers its commands in the table. */
import './t_string.ts';
import './bitops.ts';
import './t_list.ts';
import './t_hash.ts';
import './t_set.ts';
import './t_zset.ts';
import './t_stream.ts';
import './t_stream_cg.ts';
import './cluster.ts';
import './keyspace.ts';
import './expire.ts';
import './scan.ts';
import './multi.ts';
import './pubsub.ts';
import './persistence.ts';
import './cmd_server.ts';
import './info.ts';
