// Adds a drawing (BPMN DI) to diagrams that have none, with bpmn-auto-layout.
// Usage: node frontend/layout.mjs [file.bpmn ...]   (default: bpmn/*.bpmn)
//
// Only the generated <bpmndi:BPMNDiagram> is spliced into the file, with its namespace
// declarations: the hand-written XML above it stays as it is, byte for byte. Each result is
// checked to mean what the file meant (lib/semantics.mjs) before it is written.
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { hasDi, layoutIfNeeded } from './lib/auto-layout.mjs';
import { difference, meaning } from './lib/semantics.mjs';

const NAMESPACES = {
  bpmndi: 'http://www.omg.org/spec/BPMN/20100524/DI',
  dc: 'http://www.omg.org/spec/DD/20100524/DC',
  di: 'http://www.omg.org/spec/DD/20100524/DI',
};

const here = path.dirname(new URL(import.meta.url).pathname);
const files = process.argv.slice(2).length ? process.argv.slice(2) : fs.readdirSync(path.join(here, '..', 'bpmn'))
  .filter((name) => name.endsWith('.bpmn')).sort().map((name) => path.join(here, '..', 'bpmn', name));

for (const file of files) {
  const xml = fs.readFileSync(file, 'utf8');
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  if (hasDi(rootElement)) {
    console.log(`kept ${file}: it has a drawing`);
    continue;
  }
  const drawn = splice(xml, await layoutIfNeeded(xml));
  const { missing, added } = difference((await meaning(xml)).lines, (await meaning(drawn)).lines);
  if (missing.length || added.length) {
    throw new Error(`${file}: layout changed the diagram: ${[ ...missing, ...added ].join('; ')}`);
  }
  fs.writeFileSync(file, drawn);
  console.log(`drew ${file}`);
}

function splice(original, laidOut) {
  const diagrams = laidOut.match(/[ \t]*<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>/);
  const end = original.match(/<\/([\w.-]+:)?definitions>\s*$/);
  const start = original.match(/<([\w.-]+:)?definitions\b[^>]*>/);
  if (!diagrams || !end || !start) {
    throw new Error('cannot find where the drawing goes');
  }
  // after the last namespace declaration, lined up with it
  const last = [ ...start[0].matchAll(/(\s+)xmlns(:[\w.-]+)?="[^"]*"/g) ].pop();
  const declarations = Object.entries(NAMESPACES).map(([ prefix, uri ]) => {
    const declared = start[0].match(new RegExp(`xmlns:${prefix}="([^"]*)"`));
    if (declared && declared[1] !== uri) {
      throw new Error(`prefix ${prefix} is taken by ${declared[1]}`);
    }
    return declared ? '' : `${last ? last[1] : ' '}xmlns:${prefix}="${uri}"`;
  }).join('');
  const at = last ? last.index + last[0].length : start[0].search(/definitions\b/) + 'definitions'.length;
  const opening = start[0].slice(0, at) + declarations + start[0].slice(at);
  return original.slice(0, start.index) + opening + original.slice(start.index + start[0].length, end.index)
    + diagrams[0] + '\n' + original.slice(end.index);
}
