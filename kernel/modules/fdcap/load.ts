/**
 * Loading fdcap at boot (`privos run --fdcap`): what `insmod /lib/modules/fdcap.ko PARAMS`
 * does, started by the kernel (request_module's usermode helper, ../kmod.ts).
 */
import type { Kernel } from '../../kernel.ts';
import { call_usermodehelper } from '../kmod.ts';
import { find_module } from '../main.ts';

/** The module image in the root file system. */
export const FDCAP_IMAGE = '/lib/modules/fdcap.ko';

/** fdcap's module parameters (docs/fdcap.md). */
export interface FdcapParams {
  /** Default failure policy for processes whose fdcap_init does not choose: 'ebadf' (default) or 'kill'. */
  policy?: 'ebadf' | 'kill';
  /** Allow x86_64 (no PAuth): software PAC charged at the profile's pac_insn. */
  soft_pac?: boolean;
}

/** The insmod argument string for params. */
export function fdcap_args(p: FdcapParams): string[] {
  return [...(p.policy ? [`policy=${p.policy}`] : []), ...(p.soft_pac ? ['soft_pac=1'] : [])];
}

/**
 * Loads fdcap (a no-op when it is already loaded, as request_module). Rejects with the
 * module's own explanation from the kernel log when the load fails (e.g. ENODEV on x86_64
 * without soft_pac).
 */
export async function load_fdcap(k: Kernel, params: FdcapParams = {}): Promise<void> {
  if (find_module(k, 'fdcap')) return;
  const ws = await call_usermodehelper(k, '/sbin/insmod', ['insmod', FDCAP_IMAGE, ...fdcap_args(params)]);
  if (ws === 0 && find_module(k, 'fdcap')) return;
  const why = k.log.text().split('\n').filter((l) => l.includes('fdcap:')).pop()?.replace(/^\[[^\]]*\]\s*/, '');
  throw new Error(`fdcap: insmod ${FDCAP_IMAGE} failed (wait status 0x${ws.toString(16)})${why ? `: ${why}` : ''}`);
}
