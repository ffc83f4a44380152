"""What changed between two versions of a diagram, element by element.

Process owners read this before deploying and before migrating instances, so it speaks
of the elements they drew: each element with an id (tasks, events, gateways, flows,
lanes, messages; decisions and rules in a table) is added, removed or changed. An
element's own content is its attributes and the children without ids of their own
(scripts, timer expressions, extension properties); the layout (BPMN DI) is not content, nor
a flow node's incoming and outgoing, which restate its flows' ends (bpmn-js writes them, diagrams
written by hand leave them out; the flows themselves are elements).
A script whose named values changed (service.workflow.named_values) says which, from what to
what, the way an owner changes a timescale: "stage_response_wd: 5 → 3".
"""

from dataclasses import dataclass

from lxml import etree

from service.diagrams import xmlsafe
from service.workflow.named_values import literal_named_values, rest_of_script

DI_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
)
MAX_BYTES = 2_000_000
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
NOT_SET = "not set"
FLOW_ENDS = (f"{BPMN}incoming", f"{BPMN}outgoing")


@dataclass(frozen=True)
class Element:
    id: str
    kind: str  # the element's tag, e.g. "userTask"
    name: str


@dataclass(frozen=True)
class ValueChange:
    name: str
    before: str  # the literal as written (repr), or NOT_SET
    after: str


@dataclass(frozen=True)
class Change:
    element: Element
    what: tuple  # what differs: attribute names and child tags, e.g. ("name", "script")
    values: tuple = ()  # the named values its script changed (ValueChange); then "script" is in
    # `what` only if the script changed beyond them


@dataclass(frozen=True)
class DiagramDiff:
    added: list
    removed: list
    changed: list

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: str, new: str) -> DiagramDiff:
    """The elements added, removed and changed from `old` to `new` (both stored, so safe to parse)."""
    before, after = _elements(old), _elements(new)
    added = [after[i][0] for i in after if i not in before]
    removed = [before[i][0] for i in before if i not in after]
    changed = []
    for element_id, (element, content, script) in after.items():
        if element_id in before and before[element_id][1] != content:
            what = _what_differs(before[element_id][1], content)
            values = _value_changes(before[element_id][2], script) if "script" in what else ()
            if values and rest_of_script(before[element_id][2]) == rest_of_script(script):
                what = tuple(w for w in what if w != "script")
            changed.append(Change(element, what, values))
    return DiagramDiff(added, removed, changed)


def _elements(content: str) -> dict:
    """id -> (Element, its own content, its script's text) for every element with an id, outside the DI."""
    root = xmlsafe.parse_xml(content, max_bytes=MAX_BYTES)
    found = {}
    for node in root.iter(etree.Element):
        element_id = node.get("id")
        if not _is_element(node) or _in_di(node) or node is root:
            continue
        tag = etree.QName(node).localname
        script = node.findtext(f"{BPMN}script") or ""
        found[element_id] = (Element(element_id, tag, node.get("name") or ""), _own_content(node), script)
    return found


def _is_element(node) -> bool:
    """Has an id and is something an owner draws (an event's definition belongs to its event)."""
    return node.get("id") is not None and not etree.QName(node).localname.endswith("EventDefinition")


def _in_di(node) -> bool:
    while node is not None:
        if etree.QName(node).namespace in DI_NAMESPACES:
            return True
        node = node.getparent()
    return False


def _own_content(node) -> dict:
    """Attributes, then each child without an id (recursively), keyed by a readable label; in
    exclusive canonical form, so the namespaces a modeller declares on the file are not content."""
    content = {name: value for name, value in node.attrib.items()}
    for child in node.iterchildren(etree.Element):
        if _is_element(child) or child.tag in FLOW_ENDS:
            continue
        label = _label(child)
        text = etree.tostring(_without_ids(child), method="c14n", exclusive=True).decode()
        content[label] = content.get(label, "") + text
    return content


def _without_ids(child):
    """A copy without what says nothing of meaning: the modeller's ids of event definitions, and
    the indentation between elements (modellers format their files differently)."""
    copy = etree.fromstring(etree.tostring(child, with_tail=False))
    for node in copy.iter(etree.Element):
        node.attrib.pop("id", None)
        if node.text and not node.text.strip():
            node.text = None
        if node.tail and not node.tail.strip():
            node.tail = None
    return copy


def _label(child) -> str:
    tag = etree.QName(child).localname
    if tag == "extensionElements":
        return "extension properties"
    if tag.endswith("EventDefinition"):
        return tag.removesuffix("EventDefinition") + " event"
    return tag


def _what_differs(before: dict, after: dict) -> tuple:
    return tuple(sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key)))


def _value_changes(before: str, after: str) -> tuple:
    """The named values that differ between two scripts, in the new script's order, then those removed."""
    old, new = literal_named_values(before), literal_named_values(after)
    names = list(new) + [name for name in old if name not in new]
    return tuple(
        ValueChange(name, _shown(old, name), _shown(new, name))
        for name in names
        if name not in old or name not in new or old[name] != new[name]
    )


def _shown(values: dict, name: str) -> str:
    return repr(values[name]) if name in values else NOT_SET
