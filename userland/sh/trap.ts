/**
 * trap(1) (XCU 2.14, dash's trap.c): `trap 'ACTION' SIG…` catches the signals and runs ACTION
 * between commands (never in the middle of one: a foreground command runs to its end first),
 * `trap '' SIG` ignores them (and so do the shell's children), `trap - SIG` restores the default,
 * `trap` alone lists the traps, EXIT (0) runs when the shell exits. Subshells keep only the
 * ignored ones (Shell.clone). SIGKILL and SIGSTOP are skipped, as dash does.
 */
import { signal_names, signal_number } from './jobs.ts';
import type { Builtin, Shell } from './shell.ts';

const SIG_DFL = 0, SIG_IGN = 1, SIGINT = 2, SIGKILL = 9, SIGSTOP = 19;

/** The handler of a trapped signal: note it; Shell.dotrap runs the action after the command. */
async function catch_signal(sh: Shell, sig: number): Promise<number> {
  // No SA_RESTART, as dash: a read or wait the shell is blocked in returns EINTR.
  return sh.lc.sigaction(sig, { handler: () => { sh.pending_traps.push(sig); }, flags: 0 }) as number;
}

/** Sets signal sig's disposition for a trap action: null resets, '' ignores, text catches. */
async function set_trap(sh: Shell, sig: number, action: string | null): Promise<number> {
  if (action === null) sh.traps.delete(sig); else sh.traps.set(sig, action);
  if (sig === 0) return 0;
  if (action) return catch_signal(sh, sig);
  // An interactive shell keeps catching SIGINT so that ^C gives a fresh prompt.
  if (action === null && sig === SIGINT && sh.interactive) return sh.lc.sigaction(sig, { handler: () => undefined, flags: 0 }) as number;
  return sh.lc.signal(sig, action === null ? SIG_DFL : SIG_IGN) as number;
}

const name_of = (sig: number): string => (sig === 0 ? 'EXIT' : signal_names()[sig - 1] ?? String(sig));
const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

export const trap: Builtin = async (sh, argv) => {
  const args = argv.slice(1);
  if (args[0] === '--') args.shift();
  if (!args.length || (args.length === 1 && args[0] === '-p')) {
    for (const [sig, action] of [...sh.traps].sort((a, b) => a[0] - b[0])) await sh.write(1, `trap -- ${quote(action)} ${name_of(sig)}\n`);
    return 0;
  }
  // `trap N…` with an unsigned integer first resets those signals (XCU: the first operand is a condition).
  const action = args[0] === '-' || /^\d+$/.test(args[0]) ? null : args[0];
  const conds = /^\d+$/.test(args[0]) ? args : args.slice(1);
  let status = 0;
  for (const c of conds) {
    const sig = c === 'EXIT' || c === '0' ? 0 : signal_number(c);
    // dash reports this one without its usual `sh: LINE:` prefix
    if (sig < 0 || sig > 64) { await sh.write(2, `trap: ${c}: bad trap\n`); status = 1; continue; }
    if (sig === SIGKILL || sig === SIGSTOP) continue; // cannot be caught or ignored: dash leaves them silently
    await set_trap(sh, sig, action);
  }
  return status;
};

/** Runs the EXIT trap once as the shell ends; `exit N` inside it sets the final status. */
export async function run_exit_trap(sh: Shell, status: number): Promise<number> {
  const action = sh.traps.get(0);
  if (!action) return status;
  sh.traps.delete(0);
  sh.status = status;
  try { await sh.run_text(action); } catch (e) { return sh.unwind(e); }
  return status;
}
