// bpmn-js module: once a diagram is read, its flow nodes get their incoming/outgoing from
// the sequence flows (lib/flows.mjs), before bpmnlint's connection rules look at them.
import { linkFlows } from '../lib/flows.mjs';

function LinkFlows(eventBus) {
  eventBus.on('import.parse.complete', ({ definitions }) => {
    if (definitions) {
      linkFlows(definitions);
    }
  });
}

LinkFlows.$inject = [ 'eventBus' ];

export default { __init__: [ 'linkFlows' ], linkFlows: [ 'type', LinkFlows ] };
