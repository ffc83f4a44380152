"""Diagrams built for a test: a shipped one with one thing changed, or a small process around
a script or a timer; and the extension properties a diagram holds."""

from xml.sax.saxutils import escape

from lxml import etree

from .paths import SHIPPED_BPMN

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def shipped_variant(file_name, *replacements):
    content = (SHIPPED_BPMN / file_name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in content, old
        content = content.replace(old, new, 1)
    return content


def small_process(body, *, lanes=""):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_small">
  <bpmn:process id="small" name="Small" isExecutable="true">{lanes}
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="s1" sourceRef="start" targetRef="first" />
    {body}
  </bpmn:process>
</bpmn:definitions>"""


def timer_process(kind, expression, named_values="x = 1"):
    """A process whose named values run, then whose timer `wait` waits."""
    return small_process(f"""<bpmn:scriptTask id="first" name="Named values">
      <bpmn:script>{named_values}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="s2" sourceRef="first" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:timerEventDefinition id="wait_timer"><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="s3" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />""")


def script_process(code):
    """A process whose one script task, `first`, runs `code`."""
    return small_process(f"""<bpmn:scriptTask id="first" name="Work out">
      <bpmn:script>{escape(code)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="s2" sourceRef="first" targetRef="end" />
    <bpmn:endEvent id="end" />""")


def spiff_properties(content: str) -> set:
    """Every extension property and script of a diagram, by the element that holds it."""
    root = etree.fromstring(content.encode())
    found = set()
    for node in root.iter(f"{SPIFF}property"):
        owner_element = node.getparent().getparent().getparent()
        found.add((owner_element.get("id"), node.get("name"), node.get("value")))
    for tag in ("preScript", "postScript", "calledDecisionId", "messagePayload", "messageVariable"):
        for node in root.iter(f"{SPIFF}{tag}"):
            found.add((node.getparent().getparent().get("id"), tag, (node.text or "").strip()))
    return found
