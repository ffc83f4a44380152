// Checks that the editor keeps what our diagrams say: each file (default bpmn/*.bpmn) is
// imported with bpmn-moddle and the spiffworkflow descriptor, as bpmn-js does, and exported;
// the export must mean the same (every element, attribute, script and spiffworkflow
// extension; see lib/semantics.mjs). The same for the file without its drawing after
// auto-layout, which the browser does for a diagram that has none.
// Usage: node frontend/roundtrip-check.mjs [file.bpmn ...]
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { hasDi, layoutIfNeeded } from './lib/auto-layout.mjs';
import { difference, meaning } from './lib/semantics.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const spiffworkflow = JSON.parse(fs.readFileSync(path.join(here, 'spiffworkflow.json'), 'utf8'));
const SPIFF_URI = spiffworkflow.uri;

const files = process.argv.slice(2).length ? process.argv.slice(2) : shippedDiagrams();
let failed = 0;
for (const file of files) {
  const problems = await check(fs.readFileSync(file, 'utf8'));
  failed += problems.length ? 1 : 0;
  console.log(problems.length ? `FAIL ${file}\n  ${problems.join('\n  ')}` : `ok   ${file}`);
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function shippedDiagrams() {
  const folder = path.join(here, '..', 'bpmn');
  return fs.readdirSync(folder).filter((name) => name.endsWith('.bpmn')).sort()
    .map((name) => path.join(folder, name));
}

async function check(xml) {
  const original = await meaning(xml);
  const problems = original.warnings.map((warning) => `reading: ${warning.message}`);

  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement: definitions, warnings } = await moddle.fromXML(xml);
  problems.push(...warnings.map((warning) => `descriptor import: ${warning.message}`));
  problems.push(...untyped(definitions).map((type) => `descriptor does not know ${type}`));
  const { xml: exported } = await moddle.toXML(definitions, { format: true });
  problems.push(...compare('editor round trip', original.lines, (await meaning(exported)).lines));

  if (hasDi(definitions)) {
    problems.push(...undrawn(definitions).map((id) => `no shape or edge for ${id}`));
    definitions.diagrams = [];
  }
  const laidOut = await layoutIfNeeded((await moddle.toXML(definitions)).xml);
  problems.push(...compare('auto-layout', original.lines, (await meaning(laidOut)).lines));
  return problems;
}

function compare(step, before, after) {
  const { missing, added } = difference(before, after);
  return [ ...missing.map((line) => `${step} lost: ${line}`), ...added.map((line) => `${step} added: ${line}`) ];
}

// spiffworkflow elements the descriptor left generic: the editor could not edit them
function untyped(definitions) {
  const found = new Set();
  (function visit(element) {
    if (!element || typeof element !== 'object' || !element.$descriptor) {
      return;
    }
    if (element.$descriptor.isGeneric && element.$descriptor.ns && element.$descriptor.ns.uri === SPIFF_URI) {
      found.add(element.$type);
    }
    for (const child of [ ...children(element), ...(element.$children || []) ]) {
      visit(child);
    }
  })(definitions);
  return [ ...found ];
}

function children(element) {
  return element.$descriptor.properties
    .filter((property) => !property.isReference && !property.isAttr && property.name !== 'diagrams')
    .flatMap((property) => [].concat(element.get(property.name) || []));
}

// flow elements and lanes that the drawing leaves out (nested lanes are not drawn: lanes.mjs)
function undrawn(definitions) {
  const drawn = new Set(definitions.diagrams.flatMap(
    (diagram) => diagram.plane.planeElement.map((di) => di.bpmnElement && di.bpmnElement.id)));
  const ids = [];
  (function visit(container) {
    const lanes = (container.laneSets || []).flatMap((laneSet) => laneSet.lanes || []);
    for (const element of [ ...container.flowElements || [], ...(lanes.some((l) => l.childLaneSet) ? [] : lanes) ]) {
      if (!drawn.has(element.id)) {
        ids.push(element.id);
      }
      if (element.flowElements) {
        visit(element);
      }
    }
  })(definitions.rootElements.find((element) => element.$type === 'bpmn:Process') || {});
  return ids;
}
