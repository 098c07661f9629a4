/**
 * Whether this kernel build is kcov-instrumented (CONFIG_KCOV). The source says no; the
 * instrumented build (tools/kcov/build.ts) replaces this module with one that says yes and
 * how many basic blocks it instrumented, so the default build carries no kcov state at all.
 */
export const KCOV_INSTRUMENTED: boolean = false;
export const KCOV_NR_BLOCKS: number = 0;
