/**
 * Shared by the redis-lite tests: boot privos and start /bin/redis-lite on a free port (a
 * guest listener on port P listens on host 127.0.0.1:P), run the real redis-cli against it,
 * talk raw RESP over a host socket, and start a native redis-server for comparison.
 */
import type { ExecutionContext } from 'ava';
import { execFile, spawn as host_spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { boot, capture_console, shell_status } from '../../../tools/machine.ts';
import { spawn } from '../../../kernel/init/main.ts';
import { kill_task } from '../../../kernel/sched/exit.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import type { Task } from '../../../kernel/sched/task.ts';

export interface Guest { k: Kernel; task: Task; port: number; log: () => string; stop: () => void }

export function has_tool(name: string): Promise<boolean> {
  return new Promise((res) => execFile('sh', ['-c', `command -v ${name}`], (e) => res(!e)));
}

/** Boots (or reuses prev's machine) and starts redis-lite with extra args; resolves once it is ready. */
export async function start_redis(args: string[] = [], prev?: Guest, setup?: (k: Kernel) => void): Promise<Guest> {
  const cap = capture_console();
  const kernel = prev?.k ?? boot({ console: cap.console });
  setup?.(kernel);
  const out = prev?.log ?? cap.output;
  const before = out().length;
  const task = await spawn(kernel, { program: '/bin/redis-lite', argv: ['redis-lite', '--port', '0', '--save', '', ...args] });
  for (let i = 0; i < 1500; i++) {
    const m = /Listening on port (\d+)\.[\s\S]*Ready to accept connections/.exec(out().slice(before));
    if (m) return { k: kernel, task, port: +m[1], log: out, stop: () => { if (task.alive) kill_task(task); } };
    if (!task.alive) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`redis-lite did not start: ${out()}\n${kernel.log.text()}`);
}

export async function exit_status(task: Task): Promise<number> { return shell_status(await task.exited); }

/** Runs the real redis-cli; resolves with its stdout (stderr appended). */
export function cli(port: number, ...args: string[]): Promise<string> {
  return new Promise((res) => {
    execFile('redis-cli', ['-p', String(port), ...args], { timeout: 20000 }, (_e, out, err) => res(out + err));
  });
}

/** Runs many commands through one redis-cli (commands on its stdin, as in `cat cmds | redis-cli`). */
export function cli_batch(port: number, cmds: string[][]): Promise<string> {
  const quote = (a: string): string => `"${a.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\n/g, '\\n')}"`;
  return new Promise((res) => {
    const p = execFile('redis-cli', ['-p', String(port)], { timeout: 20000 }, (_e, out, err) => res(out + err));
    p.stdin!.end(cmds.map((c) => c.map(quote).join(' ')).join('\n') + '\n');
  });
}

/** Runs the commands through one redis-cli and compares its whole output with the expected replies. */
export async function cli_check(t: ExecutionContext, port: number, pairs: [string[], string][]): Promise<void> {
  t.is(await cli_batch(port, pairs.map((p) => p[0])), pairs.map((p) => p[1]).join(''));
}

export function open(port: number): Promise<Socket> {
  return new Promise((res, rej) => { const s = connect(port, '127.0.0.1', () => res(s)); s.on('error', rej); });
}

/** One INFO field's value ('' if absent). */
export async function info_field(port: number, section: string, name: string): Promise<string> {
  const m = new RegExp(`^${name.replace(/[|]/g, '\\|')}:(.*)\\r?$`, 'm').exec(await cli(port, 'info', section));
  return m ? m[1].trim() : '';
}

/** Resolves once INFO clients reports n blocked clients (polls; no fixed sleep). */
export async function wait_blocked_clients(port: number, n: number): Promise<void> {
  while (!(await cli(port, 'info', 'clients')).includes(`blocked_clients:${n}\r`)) await new Promise((r) => setTimeout(r, 10));
}

/** A raw connection: send commands, read until `until` matches what arrived since the last read. */
export async function raw_conn(port: number): Promise<{ send: (cmd: string, until: RegExp) => Promise<string>; close: () => void }> {
  const s = await open(port);
  let buf = '';
  s.on('data', (b: Buffer) => { buf += b.toString('latin1'); });
  const send = async (cmd: string, until: RegExp): Promise<string> => {
    if (cmd) s.write(cmd);
    while (!until.test(buf)) await new Promise((r) => setTimeout(r, 5));
    const out = buf; buf = '';
    return out;
  };
  return { send, close: () => s.destroy() };
}

/**
 * Writes raw bytes and resolves with everything the server sent until it closed the
 * connection or went quiet for `quiet_ms` after the first byte.
 */
export function raw(port: number, data: Buffer | string, quiet_ms = 300): Promise<{ reply: string; closed: boolean }> {
  return open(port).then((s) => new Promise((res) => {
    const got: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const done = (closed: boolean): void => { if (timer) clearTimeout(timer); s.destroy(); res({ reply: Buffer.concat(got).toString('latin1'), closed }); };
    const arm = (): void => { if (timer) clearTimeout(timer); timer = setTimeout(() => done(false), quiet_ms); };
    s.on('data', (b: Buffer) => { got.push(b); arm(); });
    s.on('close', () => done(true));
    s.on('error', () => {});
    s.write(data);
    timer = setTimeout(() => done(false), 5000);
  }));
}

export function free_port(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => res(p)); });
  });
}

/** A native redis-server 7.0 on a free port (no persistence), or null if none is installed. */
export async function start_native(): Promise<{ port: number; proc: ChildProcess } | null> {
  if (!(await has_tool('redis-server'))) return null;
  const port = await free_port();
  const proc = host_spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if ((await cli(port, 'ping')).includes('PONG')) return { port, proc };
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.kill('SIGKILL');
  return null;
}

/** A RESP2 reply value: strings, numbers, errors as { err }, nil as null, arrays. */
export type RespValue = string | number | null | { err: string } | RespValue[];

/** Parses every RESP2 reply in s (bulk payloads as latin1 strings). */
export function parse_resp(s: string): RespValue[] {
  let p = 0;
  const line = (): string => { const e = s.indexOf('\r\n', p); const l = s.slice(p, e); p = e + 2; return l; };
  const one = (): RespValue => {
    const l = line(), body = l.slice(1);
    switch (l[0]) {
      case '+': return body;
      case '-': return { err: body };
      case ':': return Number(body);
      case '$': { const n = Number(body); if (n < 0) return null; const v = s.slice(p, p + n); p += n + 2; return v; }
      case '*': { const n = Number(body); return n < 0 ? null : Array.from({ length: n }, one); }
      default: throw new Error(`not RESP: ${JSON.stringify(l)}`);
    }
  };
  const out: RespValue[] = [];
  while (p < s.length) out.push(one());
  return out;
}
