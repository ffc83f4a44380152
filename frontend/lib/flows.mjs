// Our hand-written diagrams give each sequence flow its sourceRef and targetRef but leave
// out the flow nodes' incoming/outgoing, which say the same; bpmnlint's connection rules
// and bpmn-auto-layout read only the latter, so they are added (once) before either runs.

/** Add every sequence flow to its source's outgoing and its target's incoming, in `definitions`. */
export function linkFlows(definitions) {
  for (const root of definitions.rootElements || []) {
    if (root.$instanceOf('bpmn:Process')) {
      visitContainers(root, linkContained);
    }
  }
}

export function visitContainers(container, visit) {
  visit(container);
  for (const element of container.flowElements || []) {
    if (element.$instanceOf('bpmn:SubProcess')) {
      visitContainers(element, visit);
    }
  }
}

function linkContained(container) {
  for (const element of container.flowElements || []) {
    if (element.$instanceOf('bpmn:SequenceFlow') && element.sourceRef && element.targetRef) {
      addOnce(element.sourceRef.get('outgoing'), element);
      addOnce(element.targetRef.get('incoming'), element);
    }
  }
}

function addOnce(list, item) {
  if (!list.includes(item)) {
    list.push(item);
  }
}
