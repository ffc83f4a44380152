// A running instance's diagram: bpmn-js NavigatedViewer on #diagram with the XML from
// #diagram-content, and each element marked with its state from #diagram[data-marks]
// ({"completed": [ids], "active": [...], "waiting": [...], "cancelled": [...]}).
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import './editor.css';

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { layoutIfNeeded } from './lib/auto-layout.mjs';
import { element as node, readJson } from './lib/page.js';

const STATES = [ 'completed', 'active', 'waiting', 'cancelled' ];

async function start() {
  const container = document.getElementById('diagram');
  const content = document.getElementById('diagram-content');
  if (!container || !content || !content.value.trim()) {
    return;
  }
  const viewer = new NavigatedViewer({ container });
  try {
    const { warnings } = await viewer.importXML(await layoutIfNeeded(content.value));
    warnings.forEach((warning) => console.warn('diagram import:', warning.message));
  } catch (error) {
    console.warn('diagram import failed', error);
    container.append(node('p', 'govuk-body iro-viewer-error', `The diagram could not be shown: ${error.message}`));
    return;
  }
  const canvas = viewer.get('canvas');
  const elementRegistry = viewer.get('elementRegistry');
  const marks = readJson(container, 'data-marks', {});
  for (const state of STATES) {
    for (const id of marks[state] || []) {
      if (elementRegistry.get(id)) {
        canvas.addMarker(id, `iro-${state}`);
      }
    }
  }
  canvas.zoom('fit-viewport', 'auto'); // the whole diagram, its marks in view
  window.iroViewer = viewer;
}

start();
