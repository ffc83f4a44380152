// Lanes for a drawing made by bpmn-auto-layout, which draws none: the rows of each process
// and expanded sub-process are restacked so that each lane's nodes lie in one band (a row
// holding nodes of two lanes becomes a row in each band), the lanes are drawn around their
// bands, boundary events are spread along their host's lower edge, and the sequence flows
// are routed anew. Columns (x) stay as bpmn-auto-layout put them.
// Nested lanes (a lane's childLaneSet) are not drawn: such a container keeps one band.

const ROW = 140; // bpmn-auto-layout's row height
const SUB_TOP = 30; // room for an expanded sub-process's label above its first row
const SUB_BOTTOM = 20;
const LANE_MARGIN = 45; // left of a process's first column: the lane's title bar and a gap

export function drawLanes(moddle, definitions) {
  const plane = definitions.diagrams[0] && definitions.diagrams[0].plane;
  const process = plane && plane.bpmnElement;
  if (!process || !process.$instanceOf('bpmn:Process')) {
    return;
  }
  const drawing = new Drawing(moddle, plane);
  drawing.arrange(process, 0);
  drawing.placeBoundaryEvents();
  drawing.routeFlows();
}

class Drawing {
  constructor(moddle, plane) {
    this.moddle = moddle;
    this.plane = plane;
    this.shapes = new Map(); // element -> BPMNShape
    this.edges = [];
    for (const di of plane.planeElement) {
      if (di.$instanceOf('bpmndi:BPMNEdge')) {
        this.edges.push(di);
      } else {
        this.shapes.set(di.bpmnElement, di);
      }
      di.label = undefined; // bpmn-js places labels by their element when none is given
    }
    this.laneShapes = new Map(); // container -> [BPMNShape of its lanes]
  }

  /** Lays out `container`'s nodes in lane bands from `top`; returns the bottom of the last band. */
  arrange(container, top) {
    const nodes = (container.flowElements || []).filter(
      (element) => this.shapes.has(element) && !element.$instanceOf('bpmn:SequenceFlow') && !element.attachedToRef);
    for (const node of nodes.filter((node) => this.isExpanded(node))) {
      const bounds = this.shapes.get(node).bounds;
      bounds.height = this.arrange(node, bounds.y + SUB_TOP) - bounds.y + SUB_BOTTOM;
    }
    const lanes = drawableLanes(container);
    const bands = lanes.map((lane) => ({ lane, nodes: nodes.filter((node) => (lane.flowNodeRef || []).includes(node)) }));
    const unlaned = nodes.filter((node) => !bands.some((band) => band.nodes.includes(node)));
    if (unlaned.length || !bands.length) {
      bands.push({ lane: null, nodes: unlaned });
    }
    const rows = rowsOf(nodes, (node) => this.rowKey(node));
    let cursor = top;
    for (const band of bands) {
      const bandTop = cursor;
      for (const row of rows) {
        const inRow = band.nodes.filter((node) => row.includes(node));
        if (!inRow.length) {
          continue;
        }
        const height = Math.max(ROW, ...inRow.map((node) => this.isExpanded(node) ? this.bounds(node).height + 2 * SUB_TOP : 0));
        for (const node of inRow) {
          const bounds = this.bounds(node);
          this.shift(node, (this.isExpanded(node) ? cursor + SUB_TOP : cursor + (ROW - bounds.height) / 2) - bounds.y);
        }
        cursor += height;
      }
      cursor = Math.max(cursor, bandTop + ROW);
      if (band.lane) {
        this.addLane(container, band.lane, bandTop, cursor - bandTop);
      }
    }
    this.fitLanes(container, nodes);
    return cursor;
  }

  // The row bpmn-auto-layout gave a node: nodes of one row share a middle, an expanded
  // sub-process is as high as a task's top
  rowKey(node) {
    const bounds = this.bounds(node);
    const middle = this.isExpanded(node) ? bounds.y + 40 : bounds.y + bounds.height / 2;
    return Math.round(middle);
  }

  addLane(container, lane, y, height) {
    const shape = this.moddle.create('bpmndi:BPMNShape', {
      id: `${lane.id}_di`, bpmnElement: lane, isHorizontal: true,
      bounds: this.moddle.create('dc:Bounds', { x: 0, y, width: 0, height }),
    });
    this.plane.planeElement.unshift(shape); // under the nodes
    this.shapes.set(lane, shape);
    this.laneShapes.set(container, [ ...(this.laneShapes.get(container) || []), shape ]);
  }

  // lanes span their container: a sub-process's width, or the process's nodes and a margin
  fitLanes(container, nodes) {
    const lanes = this.laneShapes.get(container) || [];
    if (!lanes.length) {
      return;
    }
    let left, right;
    if (container.$instanceOf('bpmn:SubProcess')) {
      const bounds = this.bounds(container);
      [ left, right ] = [ bounds.x, bounds.x + bounds.width ];
    } else {
      const all = nodes.map((node) => this.bounds(node));
      left = Math.min(...all.map((b) => b.x)) - LANE_MARGIN;
      right = Math.max(...all.map((b) => b.x + b.width)) + 30;
    }
    for (const lane of lanes) {
      lane.bounds.x = left;
      lane.bounds.width = right - left;
    }
  }

  // moves a node down by dy, with all that is drawn inside it
  shift(node, dy) {
    if (!dy) {
      return;
    }
    this.bounds(node).y += dy;
    for (const shape of this.laneShapes.get(node) || []) {
      shape.bounds.y += dy;
    }
    for (const child of node.flowElements || []) {
      if (this.shapes.has(child) && !child.$instanceOf('bpmn:SequenceFlow')) {
        if (child.attachedToRef) {
          this.bounds(child).y += dy;
        } else {
          this.shift(child, dy);
        }
      }
    }
  }

  // each host's boundary events along its lower edge, apart
  placeBoundaryEvents() {
    const byHost = new Map();
    for (const element of this.shapes.keys()) {
      if (element.attachedToRef && this.shapes.has(element.attachedToRef)) {
        byHost.set(element.attachedToRef, [ ...(byHost.get(element.attachedToRef) || []), element ]);
      }
    }
    for (const [ host, events ] of byHost) {
      const hostBounds = this.bounds(host);
      const gap = 10;
      const width = events.reduce((sum, event) => sum + this.bounds(event).width + gap, -gap);
      let x = hostBounds.x + (hostBounds.width - width) / 2;
      for (const event of events) {
        const bounds = this.bounds(event);
        bounds.x = x;
        bounds.y = hostBounds.y + hostBounds.height - bounds.height / 2;
        x += bounds.width + gap;
      }
    }
  }

  routeFlows() {
    for (const edge of this.edges) {
      const flow = edge.bpmnElement;
      if (!flow || !this.shapes.has(flow.sourceRef) || !this.shapes.has(flow.targetRef)) {
        continue;
      }
      const points = route(flow.sourceRef, this.bounds(flow.sourceRef), flow.targetRef, this.bounds(flow.targetRef));
      edge.waypoint = points.map(({ x, y }) => this.moddle.create('dc:Point', { x: Math.round(x), y: Math.round(y) }));
    }
  }

  bounds(element) {
    return this.shapes.get(element).bounds;
  }

  isExpanded(element) {
    return element.$instanceOf('bpmn:SubProcess') && this.shapes.get(element).isExpanded;
  }
}

function drawableLanes(container) {
  const lanes = (container.laneSets || []).flatMap((laneSet) => laneSet.lanes || []);
  return lanes.some((lane) => lane.childLaneSet) ? [] : lanes;
}

// nodes grouped by row, top row first
function rowsOf(nodes, key) {
  const rows = new Map();
  for (const node of nodes) {
    rows.set(key(node), [ ...(rows.get(key(node)) || []), node ]);
  }
  return [ ...rows.keys() ].sort((a, b) => a - b).map((k) => rows.get(k));
}

// Right angles: forward flows leave right and enter left (a gateway's leave by its top or
// bottom corner, a join's enter that way); a boundary event's leave downwards; flows going
// back pass under both ends.
function route(source, s, target, t) {
  const sc = { x: s.x + s.width / 2, y: s.y + s.height / 2 };
  const tc = { x: t.x + t.width / 2, y: t.y + t.height / 2 };
  const level = Math.abs(sc.y - tc.y) < 1;
  const below = Math.max(s.y + s.height, t.y + t.height) + 25;
  if (t.x < s.x + s.width) {
    return [ { x: sc.x, y: s.y + s.height }, { x: sc.x, y: below }, { x: tc.x, y: below }, { x: tc.x, y: t.y + t.height } ];
  }
  if (source.attachedToRef) {
    return level
      ? [ { x: s.x + s.width, y: sc.y }, { x: t.x, y: tc.y } ]
      : [ { x: sc.x, y: s.y + s.height }, { x: sc.x, y: tc.y }, { x: t.x, y: tc.y } ];
  }
  if (level) {
    return [ { x: s.x + s.width, y: sc.y }, { x: t.x, y: tc.y } ];
  }
  if (source.$instanceOf('bpmn:Gateway')) {
    return [ { x: sc.x, y: tc.y > sc.y ? s.y + s.height : s.y }, { x: sc.x, y: tc.y }, { x: t.x, y: tc.y } ];
  }
  if (target.$instanceOf('bpmn:Gateway')) {
    return [ { x: s.x + s.width, y: sc.y }, { x: tc.x, y: sc.y }, { x: tc.x, y: tc.y > sc.y ? t.y : t.y + t.height } ];
  }
  const turn = t.x - 20;
  return [ { x: s.x + s.width, y: sc.y }, { x: turn, y: sc.y }, { x: turn, y: tc.y }, { x: t.x, y: tc.y } ];
}
