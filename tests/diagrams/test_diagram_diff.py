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
        "set_deadlines": ("script",),
        "overdue": ("name", "timer event"),
    }
    moved = SHIPPED.replace('<dc:Bounds x="', '<dc:Bounds x="1', 1)
    assert moved != SHIPPED and diagram_diff.diff(SHIPPED, moved).empty
