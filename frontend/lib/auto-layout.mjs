// Draws a BPMN diagram that has no DI (no shapes) with bpmn-auto-layout, then its lanes
// (lanes.mjs), which bpmn-auto-layout does not draw. Shared by the browser bundles and
// frontend/layout.mjs.
import { BpmnModdle } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';
import { drawLanes } from './lanes.mjs';
import { linkFlows, visitContainers } from './flows.mjs';

/** The diagram's XML, laid out if it has no shapes yet; otherwise the same string. */
export async function layoutIfNeeded(xml) {
  const moddle = new BpmnModdle();
  const { rootElement: definitions } = await moddle.fromXML(xml);
  if (hasDi(definitions)) {
    return xml;
  }
  const drawn = new BpmnModdle();
  const { rootElement: laidOut } = await drawn.fromXML(await layoutProcess(await prepared(moddle, definitions)));
  drawLanes(drawn, laidOut);
  return (await drawn.toXML(laidOut, { format: true })).xml;
}

export function hasDi(definitions) {
  return (definitions.diagrams || []).some(
    (diagram) => diagram.plane && (diagram.plane.planeElement || []).length > 0);
}

// bpmn-auto-layout follows flow nodes' incoming/outgoing (see flows.mjs), and it draws a
// sub-process it does not know to be expanded onto the main plane, over the process's own
// shapes; it learns "expanded" only from existing DI, so each sub-process gets a stub shape.
async function prepared(moddle, definitions) {
  const process = (definitions.rootElements || []).find((element) => element.$type === 'bpmn:Process');
  if (!process) {
    return (await moddle.toXML(definitions)).xml;
  }
  linkFlows(definitions);
  const subProcesses = [];
  visitContainers(process, (container) => {
    subProcesses.push(...(container.flowElements || []).filter((element) => element.$instanceOf('bpmn:SubProcess')));
  });
  const stubs = subProcesses.map((subProcess) => moddle.create('bpmndi:BPMNShape', {
    id: subProcess.id + '_di', bpmnElement: subProcess, isExpanded: true,
    bounds: moddle.create('dc:Bounds', { x: 0, y: 0, width: 0, height: 0 }),
  }));
  const plane = moddle.create('bpmndi:BPMNPlane', { bpmnElement: process, planeElement: stubs });
  definitions.diagrams = [ moddle.create('bpmndi:BPMNDiagram', { plane }) ];
  return (await moddle.toXML(definitions)).xml;
}
