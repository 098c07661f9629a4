/** struct itimerspec in user memory (include/uapi/linux/time.h), shared by timerfd and POSIX timers. */
import { copy_from_user, copy_to_user } from '../mm/uaccess.ts';
import type { Task } from '../sched/task.ts';
import type { UserPtr } from '../include/linux/compiler_types.ts';

const its = new Uint8Array(32);
const itv = new DataView(its.buffer);

/** A struct itimerspec as [interval sec, interval nsec, value sec, value nsec], or null on a fault. */
export function get_itimerspec(t: Task, uaddr: UserPtr): number[] | null {
  if (copy_from_user(t, its, 0, uaddr, 32)) return null;
  const r: number[] = [];
  for (let o = 0; o < 32; o += 8) r.push(itv.getInt32(o + 4, true) * 2 ** 32 + itv.getUint32(o, true));
  return r;
}

/** timespec64_valid() */
export const timespec_valid = (sec: number, nsec: number): boolean => sec >= 0 && nsec >= 0 && nsec < 1e9;

export function put_itimerspec(t: Task, uaddr: UserPtr, interval: number, value: number): boolean {
  const put = (o: number, ns: number): void => {
    const s = Math.floor(ns / 1e9);
    itv.setUint32(o, s % 2 ** 32, true); itv.setUint32(o + 4, Math.floor(s / 2 ** 32), true);
    itv.setUint32(o + 8, ns - s * 1e9, true); itv.setUint32(o + 12, 0, true);
  };
  put(0, interval); put(16, value);
  return copy_to_user(t, uaddr, its, 0, 32) === 0;
}
