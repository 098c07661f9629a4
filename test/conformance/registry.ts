/** Cases by name, shared between the harness (which fills it) and the privos-side runner. */
import type { ConfCase } from './harness.ts';

export const CASES = new Map<string, ConfCase>();
