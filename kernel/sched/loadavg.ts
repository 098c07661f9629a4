/**
 * The load average (kernel/sched/loadavg.c): avenrun[] in FSHIFT fixed point, decayed every
 * LOAD_FREQ by calc_load() toward the number of active (running) tasks. privos has no timer
 * tick, so the periods that passed are applied when someone looks, with the active count of
 * now, as calc_global_nohz() does for the periods a NO_HZ CPU slept through (calc_load_n).
 */
import type { Kernel } from '../kernel.ts';
import { StateKey, state_of } from '../include/linux/ext_state.ts';

export const FSHIFT = 11, FIXED_1 = 1 << FSHIFT;
/** 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) in fixed point. */
export const EXP_1 = 1884, EXP_5 = 2014, EXP_15 = 2037;
/** LOAD_FREQ: 5 s (+1 tick at HZ=250). */
export const LOAD_FREQ_NS = 5_004_000_000;

/** calc_load(): one period's exponential decay toward `active` (both fixed point). */
export function calc_load(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

class LoadAvg {
  readonly avenrun = [0, 0, 0];
  next_ns = LOAD_FREQ_NS;
}

const LOADAVG_STATE = new StateKey<Kernel, LoadAvg>('loadavg', () => new LoadAvg());
function loadavg_state(k: Kernel): LoadAvg { return state_of(k, LOADAVG_STATE); }

/** Brings avenrun up to now and returns it (get_avenrun). */
export function get_avenrun(k: Kernel): readonly number[] {
  const s = loadavg_state(k), now = k.uptime_ns();
  const active = Math.max(0, k.nr_running) * FIXED_1;
  // Past ~1000 periods every average has converged; no need to walk further.
  for (let i = 0; s.next_ns <= now && i < 1000; i++, s.next_ns += LOAD_FREQ_NS) {
    s.avenrun[0] = calc_load(s.avenrun[0], EXP_1, active);
    s.avenrun[1] = calc_load(s.avenrun[1], EXP_5, active);
    s.avenrun[2] = calc_load(s.avenrun[2], EXP_15, active);
  }
  if (s.next_ns <= now) s.next_ns = now - (now % LOAD_FREQ_NS) + LOAD_FREQ_NS;
  return s.avenrun;
}

/** LOAD_INT.LOAD_FRAC with loadavg_proc_show's rounding (FIXED_1/200 added). */
export function fmt_load(x: number): string {
  const v = x + FIXED_1 / 200;
  return `${v >> FSHIFT}.${String(((v & (FIXED_1 - 1)) * 100) >> FSHIFT).padStart(2, '0')}`;
}
