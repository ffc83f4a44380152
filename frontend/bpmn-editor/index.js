// The BPMN editor page: bpmn-js Modeler on #canvas with the project's bpmnlint rules, the
// spiffworkflow extensions and our properties panel; the diagram comes from and goes back
// to #diagram-content (see lib/page.js for the page contract).
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import '../editor.css';

import Modeler from 'bpmn-js/lib/Modeler';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlint from 'bpmnlint-config:project';
import spiffworkflow from '../spiffworkflow.json';
import { layoutIfNeeded } from '../lib/auto-layout.mjs';
import { editorPage, exportBeforeSubmit, readJson, validateOnClick } from '../lib/page.js';
import keepLanes from './keep-lanes.js';
import linkFlows from './link-flows.js';
import propertiesPanel from './properties-panel.js';
import { problemsView } from './problems.js';

async function start() {
  const page = editorPage();
  if (!page) {
    return;
  }
  const { canvas, form, content } = page;
  const modeler = new Modeler({
    container: canvas,
    linting: { bpmnlint, active: true },
    iroProperties: { parent: '#properties', choices: readJson(canvas, 'data-choices', {}) },
    moddleExtensions: { spiffworkflow },
    additionalModules: [ linkFlows, lintModule, keepLanes, propertiesPanel ],
  });
  const showProblems = problemsView(modeler, document.getElementById('problems'));
  const exportXml = async () => (await modeler.saveXML({ format: true })).xml;

  try {
    const xml = content.value.trim() ? await layoutIfNeeded(content.value) : null;
    const { warnings } = xml ? await modeler.importXML(xml) : await modeler.createDiagram();
    warnings.forEach((warning) => console.warn('diagram import:', warning.message));
    modeler.get('canvas').zoom('fit-viewport', 'auto');
  } catch (error) {
    console.warn('diagram import failed', error);
    showProblems([ { element_id: null, message: `The diagram could not be opened: ${error.message}` } ]);
    // the form sends, and Validate checks, the diagram as it came
    validateOnClick(document.getElementById('validate-button'), canvas, form, async () => content.value, showProblems);
    return;
  }
  exportBeforeSubmit(form, content, exportXml);
  validateOnClick(document.getElementById('validate-button'), canvas, form, exportXml, showProblems);
  const problems = readJson(canvas, 'data-problems', []);
  if (problems.length) {
    showProblems(problems);
  }
  window.iroEditor = modeler; // for the browser tests and the console
}

start();
