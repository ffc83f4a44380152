// The DMN editor page: dmn-js Modeler on #canvas over the same page contract as the BPMN
// editor (#diagram-form, #diagram-content, #validate-button, #problems). It opens the first
// decision table, which is what a process owner edits.
import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';
import './editor.css';

import DmnModeler from 'dmn-js/lib/Modeler';
import { editorPage, exportBeforeSubmit, readJson, renderProblems, validateOnClick } from './lib/page.js';

async function start() {
  const page = editorPage();
  if (!page) {
    return;
  }
  const { canvas, form, content } = page;
  const container = document.getElementById('problems');
  const showProblems = (problems, options = {}) => container && renderProblems(container, problems, options);
  // every keystroke reaches the model at once: an export straight after typing (Validate,
  // Deploy) must not miss what was typed, which dmn-js otherwise holds back for 300 ms
  const modeler = new DmnModeler({ container: canvas, common: { debounceInput: false } });
  let opened = false;
  try {
    const { warnings } = await modeler.importXML(content.value);
    warnings.forEach((warning) => console.warn('decision import:', warning.message));
    const table = modeler.getViews().find((view) => view.type === 'decisionTable');
    if (table) {
      await modeler.open(table);
    }
    opened = true;
  } catch (error) {
    console.warn('decision import failed', error);
    showProblems([ { element_id: null, message: `The decision table could not be opened: ${error.message}` } ]);
  }
  // a diagram that could not be opened is sent and validated as it came
  const exportXml = opened ? async () => (await modeler.saveXML({ format: true })).xml : async () => content.value;
  if (opened) {
    exportBeforeSubmit(form, content, exportXml);
  }
  validateOnClick(document.getElementById('validate-button'), canvas, form, exportXml, showProblems);
  const problems = readJson(canvas, 'data-problems', []);
  if (problems.length) {
    showProblems(problems);
  }
  window.iroEditor = modeler;
}

start();
