// What the properties panel reads from and writes to the business objects: names, lanes,
// scripts, conditions, timers, messages and the spiffworkflow extensions. Every write goes
// through bpmn-js commands (updateProperties / updateModdleProperties), so it can be undone
// and is exported; one `change` is one undo step.
import { is, isAny } from 'bpmn-js/lib/util/ModelUtil';

export const TIMER_TYPES = [ 'timeDate', 'timeDuration', 'timeCycle' ];

// Runs the writes of a change as one command, so undo takes back all of them at once.
class ChangeHandler {
  preExecute(context) {
    context.write();
  }
  execute() {
    return [];
  }
  revert() {
    return [];
  }
}

export default class SpiffModel {
  constructor(bpmnjs, bpmnFactory, commandStack, elementRegistry, modeling) {
    this._bpmnjs = bpmnjs;
    this._bpmnFactory = bpmnFactory;
    this._commandStack = commandStack;
    this._elementRegistry = elementRegistry;
    this._modeling = modeling;
    commandStack.registerHandler('iro.change', ChangeHandler);
  }

  change(write) {
    this._commandStack.execute('iro.change', { write });
  }

  // --- names, scripts, conditions, called elements ---

  setName(element, name) {
    this.change(() => this._modeling.updateProperties(element, { name: name || undefined }));
  }

  setProperty(element, property, value) {
    this.change(() => this._modeling.updateProperties(element, { [property]: value || undefined }));
  }

  condition(flow) {
    const expression = flow.businessObject.conditionExpression;
    return expression ? expression.body || '' : '';
  }

  setCondition(element, value) {
    const expression = element.businessObject.conditionExpression;
    this.change(() => {
      if (!value) {
        this._modeling.updateProperties(element, { conditionExpression: undefined });
      } else if (expression) {
        this._modeling.updateModdleProperties(element, expression, { body: value });
      } else {
        const created = this._create('bpmn:Expression', { body: value }, element.businessObject);
        this._modeling.updateProperties(element, { conditionExpression: created });
      }
    });
  }

  // --- spiffworkflow:properties / spiffworkflow:property (formKey, candidateRole, ...) ---

  spiffProperty(bo, name) {
    const container = this.extension(bo, 'spiffworkflow:Properties');
    const property = container && container.get('properties').find((p) => p.name === name);
    return property ? property.value || '' : '';
  }

  setSpiffProperty(element, name, value) {
    const bo = element.businessObject;
    this.change(() => {
      const container = this.extension(bo, 'spiffworkflow:Properties');
      const properties = container ? container.get('properties') : [];
      const existing = properties.find((p) => p.name === name);
      if (!value) {
        if (existing && properties.length > 1) {
          this._modeling.updateModdleProperties(element, container, {
            properties: properties.filter((p) => p !== existing) });
        } else if (existing) {
          this._removeExtension(element, bo, container);
        }
      } else if (existing) {
        this._modeling.updateModdleProperties(element, existing, { value });
      } else {
        const holder = container || this._addExtension(element, bo,
          this._create('spiffworkflow:Properties', { properties: [] }));
        const property = this._create('spiffworkflow:Property', { name, value }, holder);
        this._modeling.updateModdleProperties(element, holder, { properties: [ ...holder.get('properties'), property ] });
      }
    });
  }

  // --- extension elements with a text body (preScript, postScript, calledDecisionId, message...) ---

  extension(target, type) {
    const extensions = target && target.get('extensionElements');
    return extensions ? extensions.get('values').find((value) => is(value, type)) : undefined;
  }

  extensionText(target, type) {
    const found = this.extension(target, type);
    return found ? found.value || '' : '';
  }

  /** `target` is the element's business object or one of its parts (a message event definition). */
  setExtensionText(element, target, type, value) {
    this.change(() => {
      const existing = this.extension(target, type);
      if (!value) {
        if (existing) {
          this._removeExtension(element, target, existing);
        }
      } else if (existing) {
        this._modeling.updateModdleProperties(element, existing, { value });
      } else {
        this._addExtension(element, target, this._create(type, { value }));
      }
    });
  }

  // --- lanes ---

  /** The innermost lane holding the flow node, if any. */
  lane(bo) {
    const lanes = bo.get('lanes') || [];
    return lanes.find((lane) => !lane.childLaneSet) || lanes[0];
  }

  renameLane(element, lane, name) {
    const shape = this._elementRegistry.get(lane.id);
    this.change(() => {
      if (shape) {
        this._modeling.updateProperties(shape, { name });
      } else {
        this._modeling.updateModdleProperties(element, lane, { name });
      }
    });
  }

  // --- timers ---

  timerDefinition(bo) {
    return (bo.get('eventDefinitions') || []).find((d) => is(d, 'bpmn:TimerEventDefinition'));
  }

  timerType(definition) {
    return TIMER_TYPES.find((type) => definition.get(type)) || 'timeDate';
  }

  timerExpression(definition) {
    const expression = definition.get(this.timerType(definition));
    return expression ? expression.body || '' : '';
  }

  /** Sets the timer's expression, under `type` (moving an existing expression there). */
  setTimer(element, definition, type, value) {
    const current = definition.get(this.timerType(definition));
    this.change(() => {
      const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      if (value) {
        if (current) {
          this._modeling.updateModdleProperties(element, current, { body: value });
        }
        properties[type] = current || this._create('bpmn:Expression', { body: value }, definition);
      }
      this._modeling.updateModdleProperties(element, definition, properties);
    });
  }

  // --- messages ---

  /** Where the element keeps its messageRef: its message event definition, or a send/receive task. */
  messageHolder(bo) {
    if (isAny(bo, [ 'bpmn:SendTask', 'bpmn:ReceiveTask' ])) {
      return bo;
    }
    return (bo.get('eventDefinitions') || []).find((d) => is(d, 'bpmn:MessageEventDefinition'));
  }

  messages() {
    return this._bpmnjs.getDefinitions().get('rootElements').filter((root) => is(root, 'bpmn:Message'));
  }

  /**
   * Refers the element to the message with this name: an existing one, else its own
   * message renamed (if nothing else refers to it), else a new one. A message left with
   * nothing referring to it is removed.
   */
  setMessageName(element, holder, name) {
    const definitions = this._bpmnjs.getDefinitions();
    const current = holder.messageRef;
    this.change(() => {
      const existing = name ? this.messages().find((message) => message.name === name) : undefined;
      if (!name) {
        this._modeling.updateModdleProperties(element, holder, { messageRef: undefined });
      } else if (existing) {
        this._modeling.updateModdleProperties(element, holder, { messageRef: existing });
      } else if (current && this._referrers(current).length === 1) {
        this._modeling.updateModdleProperties(element, current, { name });
        return;
      } else {
        const message = this._create('bpmn:Message', { name }, definitions);
        this._modeling.updateModdleProperties(element, definitions, {
          rootElements: [ ...definitions.get('rootElements'), message ] });
        this._modeling.updateModdleProperties(element, holder, { messageRef: message });
      }
      if (current && current !== holder.messageRef && !this._referrers(current).length) {
        this._modeling.updateModdleProperties(element, definitions, {
          rootElements: definitions.get('rootElements').filter((root) => root !== current) });
      }
    });
  }

  _referrers(message) {
    return this._elementRegistry.getAll()
      .map((element) => element.businessObject)
      .filter((bo, index, all) => bo && all.indexOf(bo) === index)
      .map((bo) => this.messageHolder(bo))
      .filter((holder) => holder && holder.messageRef === message);
  }

  // --- helpers ---

  _create(type, attrs, parent) {
    const created = this._bpmnFactory.create(type, attrs);
    if (parent) {
      created.$parent = parent;
    }
    return created;
  }

  _addExtension(element, target, extension) {
    let extensions = target.get('extensionElements');
    if (!extensions) {
      extensions = this._create('bpmn:ExtensionElements', { values: [] }, target);
      this._modeling.updateModdleProperties(element, target, { extensionElements: extensions });
    }
    extension.$parent = extensions;
    this._modeling.updateModdleProperties(element, extensions, { values: [ ...extensions.get('values'), extension ] });
    return extension;
  }

  _removeExtension(element, target, extension) {
    const extensions = target.get('extensionElements');
    const rest = extensions.get('values').filter((value) => value !== extension);
    if (rest.length) {
      this._modeling.updateModdleProperties(element, extensions, { values: rest });
    } else {
      this._modeling.updateModdleProperties(element, target, { extensionElements: undefined });
    }
  }
}

SpiffModel.$inject = [ 'bpmnjs', 'bpmnFactory', 'commandStack', 'elementRegistry', 'modeling' ];
