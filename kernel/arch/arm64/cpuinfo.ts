/**
 * /proc/cpuinfo on arm64 (arch/arm64/kernel/cpuinfo.c c_show): the one emulated CPU, an Apple M1
 * performance core (implementer 0x61 Apple, part 0x023 Firestorm) as the cost profile models it.
 * Features lists the hwcaps in Linux's order; paca and pacg (address and generic
 * authentication, which the PAC unit implements) are always there.
 */
import type { Kernel } from '../../kernel.ts';

/** The M1's hwcaps (HWCAP_*, HWCAP2_*) as hwcap_str names them, in that order. */
const FEATURES = 'fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop ' +
  'sha3 asimddp sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint';

export function arm64_cpuinfo(_k: Kernel): string {
  return [
    'processor\t: 0', 'BogoMIPS\t: 48.00', `Features\t: ${FEATURES}`, 'CPU implementer\t: 0x61', 'CPU architecture: 8',
    'CPU variant\t: 0x1', 'CPU part\t: 0x023', 'CPU revision\t: 1', '', '',
  ].join('\n');
}
