// The page contract shared by the BPMN and DMN editors: #canvas (data-choices,
// data-problems, data-validate-url), #diagram-form with #diagram-content and csrf_token,
// #validate-button, #problems.

/** The editor page's parts (#canvas, #diagram-form, #diagram-content), or null on another page. */
export function editorPage() {
  const canvas = document.getElementById('canvas');
  const form = document.getElementById('diagram-form');
  const content = document.getElementById('diagram-content');
  return canvas && form && content ? { canvas, form, content } : null;
}

export function readJson(element, attribute, fallback) {
  const text = element && element.getAttribute(attribute);
  if (!text) {
    return fallback;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    console.warn(`${attribute} is not JSON`, error);
    return fallback;
  }
}

/** Put the exported XML into #diagram-content before the form submits, keeping the submit button. */
export function exportBeforeSubmit(form, content, exportXml) {
  let exported = false;
  form.addEventListener('submit', async (event) => {
    if (exported) {
      return;
    }
    event.preventDefault();
    const xml = await exportXml().catch((error) => {
      console.warn('export failed; the form sends the diagram as it came', error);
      return null;
    });
    if (xml !== null) {
      content.value = xml;
    }
    // a task later: the export may finish within this submit event's dispatch, during which
    // the browser ignores another submit
    setTimeout(() => {
      exported = true;
      form.requestSubmit(event.submitter || undefined);
      exported = false;
    });
  });
}

/** The Validate button: the exported XML to data-validate-url, the server's problems back. */
export function validateOnClick(button, canvas, form, exportXml, showProblems) {
  const url = canvas.getAttribute('data-validate-url');
  if (!button || !url) {
    return;
  }
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.setAttribute('aria-disabled', 'true');
    try {
      showProblems(await validate(url, form, await exportXml()), { focus: true });
    } catch (error) {
      showProblems([ { element_id: null, message: `The diagram could not be validated: ${error.message}` } ],
        { focus: true });
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-disabled');
    }
  });
}

async function validate(url, form, xml) {
  const tokenInput = form.querySelector('input[name="csrf_token"]');
  const token = tokenInput ? tokenInput.value : '';
  const body = new FormData();
  body.append('content', xml);
  body.append('csrf_token', token);
  const response = await fetch(url, {
    method: 'POST', body, credentials: 'same-origin',
    headers: { 'X-CSRFToken': token, 'Accept': 'application/json' },
  });
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    throw new Error(`the server answered ${response.status}`);
  }
  const data = await response.json();
  return data.problems || [];
}

/**
 * GOV.UK error summary of the problems in `container`, or a green panel when there are none.
 * `onSelect(elementId)` is called by a problem's link; problems whose element cannot be
 * shown (`canShow` false) are listed without a link.
 */
export function renderProblems(container, problems, { onSelect, canShow = () => false, focus = false } = {}) {
  container.replaceChildren();
  if (!problems.length) {
    const panel = element('div', 'govuk-panel govuk-panel--confirmation iro-no-problems');
    panel.append(element('h2', 'govuk-panel__title', 'No problems found'));
    container.append(panel);
    return;
  }
  const summary = element('div', 'govuk-error-summary');
  summary.setAttribute('tabindex', '-1');
  const alert = element('div');
  alert.setAttribute('role', 'alert');
  const count = problems.length === 1 ? 'There is a problem' : `There are ${problems.length} problems`;
  alert.append(element('h2', 'govuk-error-summary__title', `${count} with the diagram`));
  const body = element('div', 'govuk-error-summary__body');
  const list = element('ul', 'govuk-list govuk-error-summary__list');
  for (const problem of problems) {
    const item = element('li');
    if (problem.element_id && canShow(problem.element_id)) {
      const link = element('a', '', problem.message);
      link.href = '#canvas';
      link.dataset.elementId = problem.element_id;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        onSelect(problem.element_id);
      });
      item.append(link);
    } else {
      item.append(problem.element_id ? `${problem.element_id}: ${problem.message}` : problem.message);
    }
    list.append(item);
  }
  body.append(list);
  alert.append(body);
  summary.append(alert);
  container.append(summary);
  if (focus) {
    summary.focus();
  }
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}
