// The server's problems on the canvas: a red outline (marker iro-problem) and the message
// beside each element, and the GOV.UK error summary in #problems whose links select and
// scroll to the element. Each call replaces what the last one showed.
import { element as node, renderProblems } from '../lib/page.js';

const MARKER = 'iro-problem';

export function problemsView(modeler, container) {
  const canvas = modeler.get('canvas');
  const elementRegistry = modeler.get('elementRegistry');
  const overlays = modeler.get('overlays');
  const selection = modeler.get('selection');
  let marked = [];

  function select(id) {
    const element = elementRegistry.get(id);
    if (!element) {
      return;
    }
    canvas.scrollToElement(element);
    selection.select(element);
    canvas.focus && canvas.focus();
  }

  return function show(problems, { focus = false } = {}) {
    marked.forEach((id) => elementRegistry.get(id) && canvas.removeMarker(id, MARKER));
    overlays.remove({ type: MARKER });
    marked = [];
    for (const problem of problems) {
      const element = problem.element_id && elementRegistry.get(problem.element_id);
      if (!element) {
        continue;
      }
      canvas.addMarker(element, MARKER);
      marked.push(element.id);
      overlays.add(element, MARKER, {
        position: element.waypoints ? { top: 0, left: 0 } : { bottom: -6, left: 0 },
        html: node('div', 'iro-problem-overlay', problem.message),
      });
    }
    if (container) {
      renderProblems(container, problems, {
        onSelect: select, canShow: (id) => Boolean(elementRegistry.get(id)), focus,
      });
    }
  };
}
