/** Machine cost profiles by name (for the CLI and the benchmarks). */
import { skylake_nopti, skylake_pti } from '../kernel/arch/x86/profile_skylake.ts';
import { apple_m1 } from '../kernel/arch/arm64/profile_apple_m1.ts';
import type { CostProfile } from '../kernel/time/cost.ts';

export const PROFILES: Record<string, CostProfile> = {
  'skylake-pti': skylake_pti, 'skylake-nopti': skylake_nopti, 'apple-m1': apple_m1,
};
export const PROFILE_NAMES = Object.keys(PROFILES);

export function profile_by_name(name: string): CostProfile {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile ${name} (have: ${PROFILE_NAMES.join(', ')})`);
  return p;
}
