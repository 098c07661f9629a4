// Preload for the startup test (--require): appends to the file named by PRIVOS_PROBE, for each
// script compiled from a file under dist/bundle/, whether V8 was offered a code cache for it and
// whether it rejected it (`privos.cjs offered=true rejected=false`).
const vm = require('node:vm');
const { appendFileSync } = require('node:fs');
const { basename } = require('node:path');
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(code, opts) {
    super(code, opts);
    if (opts && /\/dist\/bundle\//.test(String(opts.filename))) {
      appendFileSync(process.env.PRIVOS_PROBE, `${basename(opts.filename)} offered=${!!opts.cachedData} rejected=${this.cachedDataRejected}\n`);
    }
  }
};
