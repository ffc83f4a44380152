// GOV.UK Frontend form fields for the properties panel, built as DOM (no markup strings,
// no style attributes: the Content-Security-Policy allows neither inline).
import { element as node } from '../lib/page.js';

export function text({ id, label, hint, value, onInput, readOnly = false, code = false, suggestions }) {
  const input = node('input', `govuk-input${code ? ' iro-code' : ''}`);
  input.type = 'text';
  input.value = value || '';
  input.spellcheck = false;
  input.autocomplete = 'off';
  if (readOnly) {
    input.readOnly = true;
    input.classList.add('iro-read-only');
  }
  const group = formGroup(id, label, hint, input);
  if (suggestions && suggestions.length) {
    const list = node('datalist');
    list.id = `${id}-list`;
    list.append(...suggestions.map((suggestion) => option(suggestion, suggestion)));
    input.setAttribute('list', list.id);
    group.append(list);
  }
  listen(input, [ 'input' ], onInput);
  return group;
}

export function textarea({ id, label, hint, value, onInput, rows = 5, code = false }) {
  const area = node('textarea', `govuk-textarea${code ? ' iro-code' : ''}`);
  area.rows = rows;
  area.value = value || '';
  area.spellcheck = false;
  listen(area, [ 'input' ], onInput);
  return formGroup(id, label, hint, area);
}

/** `options` are [value, text] pairs. */
export function select({ id, label, hint, value, options, onInput }) {
  const control = node('select', 'govuk-select');
  control.append(...options.map(([ optionValue, optionText ]) => option(optionValue, optionText)));
  control.value = value || '';
  listen(control, [ 'input', 'change' ], onInput);
  return formGroup(id, label, hint, control);
}

function formGroup(id, label, hint, control) {
  const group = node('div', 'govuk-form-group');
  const labelNode = node('label', 'govuk-label govuk-label--s', label);
  labelNode.htmlFor = id;
  control.id = id;
  group.append(labelNode);
  if (hint) {
    const hintNode = node('div', 'govuk-hint', hint);
    hintNode.id = `${id}-hint`;
    control.setAttribute('aria-describedby', hintNode.id);
    group.append(hintNode);
  }
  group.append(control);
  return group;
}

function option(value, text) {
  const item = node('option', '', text);
  item.value = value;
  return item;
}

// One write per new value: a select fires both input and change.
function listen(control, events, onInput) {
  if (!onInput) {
    return;
  }
  let last = control.value;
  const handler = () => {
    if (control.value !== last) {
      last = control.value;
      onInput(control.value);
    }
  };
  events.forEach((name) => control.addEventListener(name, handler));
}
