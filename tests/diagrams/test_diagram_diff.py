"""What a version changed, element by element, as the process pages list it."""

from service.diagrams import diff as diagram_diff
from tests.support.paths import SHIPPED_BPMN

SHIPPED = (SHIPPED_BPMN / "significant_change.bpmn").read_text()


def test_elements_added_removed_and_changed_are_named_and_the_layout_and_indentation_are_not_changes():
    new = (
        SHIPPED.replace('<bpmn:endEvent id="reminded" />', '<bpmn:endEvent id="reminded_done" name="Reminded" />')
        .replace("consider_within_wd = 2", "consider_within_wd = 3")
        .replace('name="Overdue"', 'name="Overdue decision"')
        .replace("<bpmn:timeDate>due_at</bpmn:timeDate>", "<bpmn:timeDate>\n   due_at</bpmn:timeDate>")
    )
    found = diagram_diff.diff(SHIPPED, new)
    assert [(e.id, e.kind, e.name) for e in found.added] == [("reminded_done", "endEvent", "Reminded")]
    assert [(e.id, e.kind) for e in found.removed] == [("reminded", "endEvent")]
    assert {c.element.id: c.what for c in found.changed} == {
        "set_deadlines": (),  # its named values only: told by value
        "overdue": ("name", "timer event"),
    }
    assert {c.element.id: c.values for c in found.changed}["set_deadlines"] == (
        diagram_diff.ValueChange("consider_within_wd", "2", "3"),
    )
    moved = SHIPPED.replace('<dc:Bounds x="', '<dc:Bounds x="1', 1)
    assert moved != SHIPPED and diagram_diff.diff(SHIPPED, moved).empty
    flow_ends = SHIPPED.replace(  # as bpmn-js writes them: what the flows f1 and f2 say already
        '<bpmn:scriptTask id="set_deadlines" name="Work out the deadlines">',
        '<bpmn:scriptTask id="set_deadlines" name="Work out the deadlines">'
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>",
    )
    assert flow_ends != SHIPPED and diagram_diff.diff(SHIPPED, flow_ends).empty


def test_a_script_tells_each_named_value_changed_added_or_removed_and_whether_the_rest_changed_too():
    script_of = SHIPPED[
        SHIPPED.index("consider_within_wd = 2") : SHIPPED.index(
            "</bpmn:script>", SHIPPED.index("consider_within_wd = 2")
        )
    ]
    first_line, rest = script_of.split("\n", 1)
    named = SHIPPED.replace(script_of, f"{first_line}\nplacement_label = 'Foster care'\n{rest}")
    changed = SHIPPED.replace(
        script_of, script_of.replace("consider_within_wd = 2", "consider_within_wd = 4") + "\nx = 1 + 1"
    )
    (added,) = diagram_diff.diff(SHIPPED, named).changed
    assert added.what == () and added.values == (
        diagram_diff.ValueChange("placement_label", "not set", "'Foster care'"),
    )
    (removed,) = diagram_diff.diff(named, SHIPPED).changed
    assert removed.values == (diagram_diff.ValueChange("placement_label", "'Foster care'", "not set"),)
    (both,) = diagram_diff.diff(SHIPPED, changed).changed
    assert both.what == ("script",) and both.values == (diagram_diff.ValueChange("consider_within_wd", "2", "4"),)
