// The properties panel: GOV.UK form fields in #properties for the selected element (the
// process when nothing is selected). Each field has a stable id (prop-...) and writes on
// `input` (and `change` for selects) through SpiffModel, so undo works and export has it.
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { element as node } from '../lib/page.js';
import SpiffModel, { TIMER_TYPES } from './spiff-model.js';
import * as fields from './fields.js';

const TIMER_LABELS = {
  timeDate: 'At a date and time (timeDate)',
  timeDuration: 'After a duration (timeDuration)',
  timeCycle: 'Repeatedly (timeCycle)',
};
// A deadline timer's `deadline` property (service/workflow/engine.py): the empty choice is read as overdue.
const DEADLINE_KINDS = [ [ '', '(overdue notice)' ], [ 'reminder', 'Reminder' ], [ 'overdue', 'Overdue notice' ] ];

class PropertiesPanel {
  constructor(eventBus, canvas, iroModel, config) {
    this._canvas = canvas;
    this._model = iroModel;
    this._choices = Object.assign(
      { forms: [], roles: [], processes: [], decisions: [], messages: [], functions: [] }, config.choices);
    this._container = config.parent && document.querySelector(config.parent);
    this._element = null;
    this._writing = false;
    if (!this._container) {
      return;
    }
    eventBus.on('selection.changed', ({ newSelection }) => this.show(newSelection.length === 1 ? newSelection[0] : null));
    eventBus.on('import.done', () => this.show(null));
    // undo, redo and edits on the canvas; not our own writes, which would take the focus away
    eventBus.on('elements.changed', ({ elements }) => {
      if (!this._writing && this._element && elements.includes(this._element)) {
        this.show(this._element);
      }
    });
  }

  show(element) {
    const shown = element || this._canvas.getRootElement();
    this._element = shown;
    this._container.replaceChildren();
    if (!shown || !shown.businessObject || shown.labelTarget) {
      return;
    }
    this._container.append(node('p', 'govuk-body-s iro-properties-type', typeName(shown.businessObject)));
    this._container.append(...this._fields(shown).filter(Boolean));
  }

  // Runs a write without re-rendering the panel under the person typing.
  _write(action) {
    this._writing = true;
    try {
      action();
    } finally {
      this._writing = false;
    }
  }

  _fields(element) {
    const bo = getBusinessObject(element);
    const model = this._model;
    const write = (action) => (value) => this._write(() => action(value));
    const list = [
      fields.text({ id: 'prop-id', label: 'ID', value: bo.id, readOnly: true,
        hint: 'How the service and the tests refer to this element. It cannot be changed here.' }),
    ];
    if (!is(bo, 'bpmn:Definitions') && !is(bo, 'bpmn:Collaboration')) {
      list.push(fields.text({ id: 'prop-name', label: 'Name', value: bo.name || '',
        onInput: write((value) => model.setName(element, value)) }));
    }
    if (is(bo, 'bpmn:FlowNode')) {
      list.push(this._laneField(element, bo));
    }
    if (is(bo, 'bpmn:UserTask')) {
      list.push(...this._userTaskFields(element, bo, write));
    }
    if (is(bo, 'bpmn:ScriptTask')) {
      list.push(fields.textarea({ id: 'prop-script', label: 'Script', rows: 10, code: true, value: bo.script || '',
        hint: 'Python run when the task is reached.', onInput: write((value) => model.setProperty(element, 'script', value)) }));
    }
    if (is(bo, 'bpmn:BusinessRuleTask')) {
      const current = model.extensionText(bo, 'spiffworkflow:CalledDecisionId');
      list.push(fields.select({ id: 'prop-calledDecisionId', label: 'Decision table', value: current,
        options: withCurrent([ [ '', '(none)' ], ...this._choices.decisions.map((d) => [ d, d ]) ], current, 'not a decision'),
        hint: 'The decision table (DMN) whose outputs this task adds to the data.',
        onInput: write((value) => model.setExtensionText(element, bo, 'spiffworkflow:CalledDecisionId', value)) }));
    }
    if (is(bo, 'bpmn:CallActivity')) {
      list.push(fields.text({ id: 'prop-calledElement', label: 'Process called', value: bo.calledElement || '',
        suggestions: this._choices.processes, hint: 'The id of the process this activity runs, to its end.',
        onInput: write((value) => model.setProperty(element, 'calledElement', value)) }));
    }
    if (is(bo, 'bpmn:Task')) {
      list.push(this._scriptField(element, bo, 'preScript', 'Script before', 'Python run as the task starts.', write));
      list.push(this._scriptField(element, bo, 'postScript', 'Script after', 'Python run as the task ends.', write));
    }
    if (is(bo, 'bpmn:SequenceFlow') && isAny(bo.sourceRef, [ 'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway' ])) {
      list.push(this._conditionField(element, bo, write));
    }
    const timer = is(bo, 'bpmn:Event') && model.timerDefinition(bo);
    if (timer) {
      list.push(...this._timerFields(element, timer, write));
    }
    const holder = isAny(bo, [ 'bpmn:Event', 'bpmn:SendTask', 'bpmn:ReceiveTask' ]) && model.messageHolder(bo);
    if (holder) {
      list.push(...this._messageFields(element, bo, holder, write));
    }
    return list;
  }

  _userTaskFields(element, bo, write) {
    const model = this._model;
    const property = (name) => model.spiffProperty(bo, name);
    const set = (name) => write((value) => model.setSpiffProperty(element, name, value));
    const formKey = property('formKey');
    return [
      fields.select({ id: 'prop-formKey', label: 'Form', value: formKey, onInput: set('formKey'),
        options: withCurrent([ [ '', '(no form)' ], ...this._choices.forms ], formKey, 'not a form'),
        hint: 'The form the person fills in to complete the task.' }),
      fields.text({ id: 'prop-candidateRole', label: 'Role (expression)', value: property('candidateRole'),
        code: true, onInput: set('candidateRole'),
        hint: 'A Python expression giving the role the task goes to, for example stage_role. '
          + 'When set it overrides the lane\'s role. Leave it empty to use the lane.' }),
      fields.text({ id: 'prop-assignee', label: 'Person (expression)', value: property('assignee'),
        code: true, onInput: set('assignee'),
        hint: 'A Python expression giving the user the task goes to, for example minute_taker. Leave it empty to offer the task to everyone in the role.' }),
      fields.text({ id: 'prop-dueAt', label: 'Due (expression)', value: property('dueAt'),
        code: true, onInput: set('dueAt'),
        hint: 'A Python expression giving the date the task is due, for example '
          + 'add_working_days(today(), 5). Leave it empty for no due date.' }),
    ];
  }

  _laneField(element, bo) {
    const lane = this._model.lane(bo);
    if (!lane) {
      return null;
    }
    const name = lane.name || '';
    const count = (lane.flowNodeRef || []).length;
    return fields.select({ id: 'prop-lane', label: 'Lane (role)', value: name,
      options: withCurrent(this._choices.roles.map((role) => [ role, role ]), name, 'not a role'),
      hint: `The role whose people get this lane's tasks. Changing it renames the lane, so all ${count} `
        + `elements in the lane "${name}" change with it.`,
      onInput: (value) => this._write(() => this._model.renameLane(element, lane, value)) });
  }

  _scriptField(element, bo, name, label, hint, write) {
    const type = `spiffworkflow:${name[0].toUpperCase()}${name.slice(1)}`;
    return fields.textarea({ id: `prop-${name}`, label, hint, rows: 4, code: true,
      value: this._model.extensionText(bo, type),
      onInput: write((value) => this._model.setExtensionText(element, bo, type, value)) });
  }

  _conditionField(element, bo, write) {
    const isDefault = bo.sourceRef.default === bo;
    return fields.textarea({ id: 'prop-condition', label: 'Condition', rows: 3, code: true,
      value: this._model.condition(element),
      hint: isDefault
        ? 'This is the gateway\'s default flow: it is taken when no other condition holds, so a condition here is not read.'
        : 'A Python expression; the flow is taken when it is true.',
      onInput: write((value) => this._model.setCondition(element, value)) });
  }

  _timerFields(element, definition, write) {
    const model = this._model;
    const functions = this._choices.functions.length ? ` Functions you can use: ${this._choices.functions.join(', ')}.` : '';
    const typeField = fields.select({ id: 'prop-timer-type', label: 'Timer', value: model.timerType(definition),
      options: TIMER_TYPES.map((type) => [ type, TIMER_LABELS[type] ]),
      onInput: write((type) => model.setTimer(element, definition, type, model.timerExpression(definition))) });
    const typeSelect = typeField.querySelector('select');
    const list = [
      typeField,
      fields.textarea({ id: 'prop-timer', label: 'When (expression)', rows: 2, code: true,
        value: model.timerExpression(definition),
        hint: 'A Python expression giving the date and time (or the duration, or the cycle).' + functions,
        onInput: write((value) => model.setTimer(element, definition, typeSelect.value, value)) }),
    ];
    const bo = getBusinessObject(element);
    if (is(bo, 'bpmn:BoundaryEvent')) {
      const kind = model.spiffProperty(bo, 'deadline');
      list.push(fields.select({ id: 'prop-deadline', label: 'Deadline notice', value: kind,
        options: withCurrent(DEADLINE_KINDS, kind, 'not a kind of notice'),
        hint: 'A reminder is not sent when its time had passed before the task began; an overdue '
          + 'notice is sent once, even when the deadline was already missed as the task began.',
        onInput: write((value) => model.setSpiffProperty(element, 'deadline', value)) }));
    }
    return list;
  }

  _messageFields(element, bo, holder, write) {
    const model = this._model;
    const names = [ ...new Set([ ...this._choices.messages, ...model.messages().map((m) => m.name).filter(Boolean) ]) ].sort();
    const list = [
      fields.text({ id: 'prop-messageName', label: 'Message', value: holder.messageRef ? holder.messageRef.name || '' : '',
        suggestions: names, hint: 'The name of the message sent or waited for. Processes meet on the name.',
        onInput: write((value) => model.setMessageName(element, holder, value)) }),
    ];
    const throws = isAny(bo, [ 'bpmn:IntermediateThrowEvent', 'bpmn:EndEvent', 'bpmn:SendTask' ]);
    const type = throws ? 'spiffworkflow:MessagePayload' : 'spiffworkflow:MessageVariable';
    list.push(throws
      ? fields.textarea({ id: 'prop-messagePayload', label: 'Payload (expression)', rows: 3, code: true,
        value: model.extensionText(holder, type), hint: 'A Python expression giving the data the message carries.',
        onInput: write((value) => model.setExtensionText(element, holder, type, value)) })
      : fields.text({ id: 'prop-messageVariable', label: 'Variable', code: true,
        value: model.extensionText(holder, type), hint: 'The name the message\'s data gets in this process.',
        onInput: write((value) => model.setExtensionText(element, holder, type, value)) }));
    return list;
  }
}

PropertiesPanel.$inject = [ 'eventBus', 'canvas', 'iroModel', 'config.iroProperties' ];

// A select keeps a value it does not offer, marked, rather than lose it.
function withCurrent(options, current, note) {
  if (!current || options.some(([ value ]) => value === current)) {
    return options;
  }
  return [ ...options, [ current, `${current} (${note})` ] ];
}

function typeName(bo) {
  const words = bo.$type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words[0].toUpperCase() + words.slice(1);
}

export default {
  __init__: [ 'iroPropertiesPanel' ],
  iroModel: [ 'type', SpiffModel ],
  iroPropertiesPanel: [ 'type', PropertiesPanel ],
};
