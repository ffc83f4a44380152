// What a BPMN file means, as sorted lines, for checking that a round trip (editor import and
// export, auto-layout) kept it: every element, attribute, reference and text, without the
// drawing (DI). Read with plain bpmn-moddle, so the spiffworkflow elements come out as the
// XML has them, whatever our descriptor says.
import { BpmnModdle } from 'bpmn-moddle';

// Derived from the sequence flows and lanes, which are compared themselves; the drawing.
const SKIPPED = new Set([ 'bpmn:incoming', 'bpmn:outgoing', 'bpmn:lanes', 'bpmn:diagrams' ]);

export async function meaning(xml) {
  const { rootElement, warnings } = await new BpmnModdle().fromXML(xml);
  const lines = [];
  describe(rootElement, '', lines);
  return { lines: lines.sort(), warnings };
}

/** Lines of `a` not in `b` and of `b` not in `a`. */
export function difference(a, b) {
  const inB = new Set(b), inA = new Set(a);
  return { missing: a.filter((line) => !inB.has(line)), added: b.filter((line) => !inA.has(line)) };
}

function describe(element, path, lines) {
  const here = element.id ? `${element.$type}#${element.id}` : `${path}/${element.$type}`;
  const descriptor = element.$descriptor;
  if (descriptor.isGeneric) {
    for (const key of Object.keys(element).filter((key) => !key.startsWith('$'))) {
      lines.push(`${here} @${key}=${JSON.stringify(element[key])}`);
    }
    addBody(here, element.$body, lines);
    (element.$children || []).forEach((child, index) => describe(child, `${here}[${index}]`, lines));
    return;
  }
  for (const property of descriptor.properties) {
    if (SKIPPED.has(property.ns.name)) {
      continue;
    }
    const value = element.get(property.name);
    if (value === undefined || value === null || (Array.isArray(value) && !value.length)) {
      continue;
    }
    const values = Array.isArray(value) ? value : [ value ];
    if (property.isReference) {
      lines.push(`${here} ${property.name}->${values.map((ref) => ref.id).join(',')}`);
    } else if (property.isBody) {
      addBody(here, value, lines);
    } else if (typeof values[0] !== 'object') { // strings, numbers, booleans, enumerations
      lines.push(`${here} ${property.name}=${JSON.stringify(value)}`);
    } else {
      values.forEach((child, index) => describe(child, `${here}.${property.name}[${index}]`, lines));
    }
  }
  for (const [ key, value ] of Object.entries(element.$attrs || {})) {
    if (!key.startsWith('xmlns')) {
      lines.push(`${here} $${key}=${JSON.stringify(value)}`);
    }
  }
}

function addBody(here, body, lines) {
  if (body && body.trim()) {
    lines.push(`${here} body=${JSON.stringify(body)}`);
  }
}
