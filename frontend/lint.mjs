// bpmnlint from the command line with the project's .bpmnlintrc, as the editor applies it:
// `node frontend/lint.mjs FILE.bpmn...` prints each problem as "FILE: category id rule: message"
// and exits 1 if any is an error (a file that does not parse is one). Unlike bpmnlint's own
// command, it first adds the flow nodes' incoming/outgoing from the flows (lib/flows.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { linkFlows } from './lib/flows.mjs';
import { lintConfig } from './lint-config.mjs';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const spiffworkflow = JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'spiffworkflow.json'), 'utf-8'));

const config = lintConfig();
let errors = 0;
for (const file of process.argv.slice(2)) {
  for (const { category, id, rule, message } of await problems(file)) {
    errors += category === 'error' ? 1 : 0;
    console.log(`${file}: ${category} ${id || '-'} ${rule}: ${message}`);
  }
}
console.log(`${errors} error(s)`);
process.exitCode = errors ? 1 : 0;

async function problems(file) {
  const moddle = new BpmnModdle({ spiffworkflow });
  let definitions, warnings;
  try {
    ({ rootElement: definitions, warnings } = await moddle.fromXML(fs.readFileSync(file, 'utf-8')));
  } catch (error) {
    return [ { category: 'error', id: null, rule: 'parse', message: error.message.split('\n')[0] } ];
  }
  linkFlows(definitions);
  const found = warnings.map((warning) => ({
    category: 'error', id: warning.element && warning.element.id, rule: 'import', message: warning.message.split('\n')[0] }));
  // a linter per file: a rule keeps what it has seen (no-duplicate-sequence-flows) for its linter's life
  const linter = new Linter({ config, resolver: new NodeResolver({ require }) });
  for (const [ rule, reports ] of Object.entries(await linter.lint(definitions))) {
    found.push(...reports.map((report) => ({ ...report, rule })));
  }
  return found;
}
