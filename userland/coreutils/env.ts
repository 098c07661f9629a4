/** env(1): prints the environment, or runs a program with NAME=VALUE added (-i: only those; -u NAME). */
import type { Libc } from '../../libc/index.ts';
import { err, out } from './common.ts';

export default async function main(libc: Libc, argv: string[], envp: string[]): Promise<number> {
  let env = [...envp];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-i' || a === '-') env = [];
    else if (a === '-u') { const n = argv[++i]; env = env.filter((e) => !e.startsWith(n + '=')); }
    else if (a === '--') { i++; break; }
    else break;
  }
  for (; i < argv.length && argv[i].includes('='); i++) {
    const n = argv[i].slice(0, argv[i].indexOf('='));
    env = env.filter((e) => !e.startsWith(n + '=')).concat(argv[i]);
  }
  if (i >= argv.length) { await out(libc, env.map((e) => e + '\n').join('')); return 0; }
  const cmd = argv[i];
  const path_var = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/bin:/usr/bin';
  const cands = cmd.includes('/') ? [cmd] : path_var.split(':').map((d) => `${d || '.'}/${cmd}`);
  let e = libc.ENOENT;
  for (const p of cands) {
    await libc.execve(p, argv.slice(i), env);
    if (libc.errno !== libc.ENOENT) e = libc.errno;
  }
  await err(libc, `env: '${cmd}': ${libc.strerror(e)}`);
  return e === libc.ENOENT ? 127 : 126;
}
