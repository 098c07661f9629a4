// Preload for the startup test (--require): registers probe_hooks.mjs for the ES modules, and at
// exit appends the CommonJS modules the process required (require.cache: the TypeScript
// compiler is loaded through createRequire) to the file named by PRIVOS_PROBE.
const { register } = require('node:module');
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
register(pathToFileURL(`${__dirname}/probe_hooks.mjs`));
process.on('exit', () => {
  appendFileSync(process.env.PRIVOS_PROBE, Object.keys(require.cache).map((f) => `${pathToFileURL(f).href}\n`).join(''));
});
