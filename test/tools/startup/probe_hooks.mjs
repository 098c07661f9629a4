// Loader hooks for the startup test: every ES module a process loads is appended to the file
// named by PRIVOS_PROBE (module.register runs them on the loader's thread).
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  appendFileSync(process.env.PRIVOS_PROBE, `${url}\n`);
  return next(url, context);
}
