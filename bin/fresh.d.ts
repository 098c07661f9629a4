export const BUNDLE: URL;
export const DIST: URL;
export function fresh_build(): URL | null;
