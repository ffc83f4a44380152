// A diagram drawn elsewhere may have lanes without shapes (ours draw them: lib/lanes.mjs).
// bpmn-js recomputes a moved or created node's lanes from the lane shapes it lies in, so
// with none it would drop the node from its lane, and the lane is the role its tasks go to.
// Nodes whose process has no lane shapes keep their lanes; a deleted node still leaves its lane.
import CommandInterceptor from 'diagram-js/lib/command/CommandInterceptor';
import { collectLanes, getLanesRoot } from 'bpmn-js/lib/features/modeling/util/LaneUtil';

class KeepLanes extends CommandInterceptor {
  constructor(eventBus) {
    super(eventBus);
    this.preExecute('lane.updateRefs', 2000, (event) => {
      const context = event.context;
      context.flowNodeShapes = context.flowNodeShapes.filter(
        (shape) => !shape.parent || collectLanes(getLanesRoot(shape)).length > 0);
    });
  }
}

KeepLanes.$inject = [ 'eventBus' ];

export default {
  __init__: [ 'iroKeepLanes' ],
  iroKeepLanes: [ 'type', KeepLanes ],
};
