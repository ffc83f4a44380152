"""The process owner in a real browser (Playwright, Debian's chromium): editing the management
alert's diagram with bpmn-js, validating and deploying it, the version taking effect for new
alerts only, and a running alert migrated from its instance page, whose live diagram is marked."""

import re

import pytest

from service.db import db
from service.diagrams import deployments
from service.workflow import working_days as calendar
from tests.support.alerts import AlertLife
from tests.support.browser import assert_accessible, serving, shot, sign_in
from tests.support.diagrams import spiff_properties

pytestmark = pytest.mark.browser  # left out by `make test-fast`

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect


def stage(alert) -> tuple[int, int]:
    """The alert's stage, and the working days that stage was given to respond (read in a
    transaction of its own, which the next step's writes must not wait for)."""
    db.session.refresh(alert)
    found = alert.stage, calendar.working_days_between(alert.stage_received_on, alert.stage_due_on)
    db.session.rollback()
    return found


def whole_diagram_in_view(page, handle) -> bool:
    """Whether the whole diagram of `window[handle]` (the editor or the viewer) lies in the canvas's view."""
    page.wait_for_function(f"() => window.{handle}")
    return page.evaluate(f"""() => {{
        const box = window.{handle}.get("canvas").viewbox();
        const {{ inner }} = box, slack = box.width / 100;  // the scale is rounded
        return inner.width > 0 && inner.x >= box.x - slack && inner.y >= box.y - slack
            && inner.x + inner.width <= box.x + box.width + slack
            && inner.y + inner.height <= box.y + box.height + slack;
    }}""")


def test_the_shipped_diagrams_open_whole_in_the_editor_with_no_lint_error(page, server):
    sign_in(page, server, "owner")
    for file_name in ("review_cycle.bpmn", "child_protection.bpmn"):  # drawn, and laid out in the browser
        page.goto(f"{server}/processes/{file_name}/edit")
        expect(page.locator(".bjsl-button")).to_contain_text(re.compile(r"^\s*0 Errors, \d+ Warnings"))
        expect(page.locator(".bjsl-icon-error")).to_have_count(0)
        assert whole_diagram_in_view(page, "iroEditor")
    shot(page, "editor-child-protection")
    assert_accessible(page)


def validate_and_deploy(page, screenshot, comment, deployed):
    """Validate (no problem), look at the page, then deploy with a comment and see it deployed."""
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#problems")).to_contain_text("No problems found")
    shot(page, screenshot)
    assert_accessible(page)
    page.get_by_label("What changed").fill(comment)
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(deployed)


def test_the_owner_shortens_the_stage_response_time_and_a_migrated_alert_uses_it_from_its_next_stage(app_factory, page):
    app = app_factory()
    with app.app_context():
        run = AlertLife(app, False, "2027-03-31")
        run.on("2027-04-01")
        earlier = run.looked_after_child("2027-04-01")
        run.on("2027-04-06")
        started_before = run.raise_alert(earlier, resolve_by="2027-06-30")
        assert stage(started_before) == (1, 5)

        with serving(app) as server:
            sign_in(page, server, "owner")
            page.get_by_role("link", name="Processes").click()
            page.get_by_role("link", name="management_alert.bpmn").click()
            page.get_by_role("link", name="Edit the diagram").click()
            expect(page.locator(".bjsl-button")).to_contain_text(re.compile("Errors|No Issues"))  # bpmnlint, live
            page.evaluate("""() => {  // off screen: selected as the owner would after panning to it
                const registry = window.iroEditor.get("elementRegistry");
                window.iroEditor.get("selection").select(registry.get("respond"));
            }""")
            expect(page.locator("#prop-formKey")).to_have_value("alert_response")  # chosen from the forms
            expect(page.locator("#prop-candidateRole")).to_have_value("stage_role")
            page.evaluate("""() => window.iroEditor.get("selection").select(
                window.iroEditor.get("elementRegistry").get("response_reminder"))""")
            expect(page.locator("#prop-deadline")).to_have_value("reminder")  # which notice the timer gives
            page.locator('g.djs-element[data-element-id="named_values"]').click()
            script = page.locator("#prop-script")
            expect(script).to_have_value(re.compile("stage_response_wd = 5"))
            named_values = script.input_value()
            script.fill("import os\n" + named_values)  # the server's check marks it on its element
            page.get_by_role("button", name="Validate").click()
            expect(page.locator("#problems")).to_contain_text("import statements are not allowed")
            expect(page.locator('g.djs-element.iro-problem[data-element-id="named_values"]')).to_have_count(1)
            script.fill(named_values.replace("stage_response_wd = 5", "stage_response_wd = 3"))
            validate_and_deploy(
                page,
                "editor-management-alert",
                "Stage managers respond within 3 working days",
                "Deployed management_alert.bpmn version 2",
            )
            expect(page.locator("body")).to_contain_text("stage_response_wd: 5 → 3")  # what version 2 changed
        first, deployed = (deployments.version("management_alert.bpmn", n).content for n in (1, 2))
        assert spiff_properties(deployed) == spiff_properties(first)  # bpmn-js kept every extension
        assert [(c.element.id, c.what) for c in deployments.diff_with_previous("management_alert.bpmn", 2).changed] == [
            ("named_values", ())  # its named values only
        ]

        later = run.looked_after_child(
            "2027-04-06", name="Bea South", case_number="4120390A", team="South", worker="sw.south"
        )
        started_after = run.raise_alert(later, resolve_by="2027-06-30")
        assert stage(started_after) == (1, 3)  # a new alert gets 3 WD
        assert stage(started_before) == (1, 5)  # the running one keeps 5 WD for the stage it is in

        with serving(app) as server:  # the owner is still signed in (cookies are per host, not port)
            page.goto(f"{server}/instances/{started_before.instance_id}")
            expect(page.locator('g.djs-element.iro-completed[data-element-id="named_values"]')).to_have_count(1)
            assert whole_diagram_in_view(page, "iroViewer")
            shot(page, "instance-before-migration")
            assert_accessible(page)
            page.get_by_role("button", name="Migrate to the newest versions").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text("now runs on the newest versions")
            expect(page.locator("body")).to_contain_text("management_alert.bpmn version 2")

        assert stage(started_before) == (1, 5)  # the stage it is in keeps its deadline
        run.on("2027-04-09")
        run.respond(earlier)
        run.outcome(earlier, "next_stage", "The response does not resolve the concerns.")
        assert stage(started_before) == (2, 3)  # its later stages use 3 WD


def test_the_owner_edits_a_decision_table_with_dmn_js(app_factory, page):
    app = app_factory()
    with app.app_context():
        AlertLife(app, False, "2027-03-31")
        with serving(app) as server:
            sign_in(page, server, "owner")
            page.goto(f"{server}/processes/rag_history.dmn/edit")
            cell = page.locator("td", has_text="Second consecutive Red: the management alert starts at stage 1")
            cell.locator("[contenteditable]").click()
            page.keyboard.press("End")
            page.keyboard.type(" (protocol 3.3)")
            validate_and_deploy(page, "editor-rag-history", "Cite the protocol", "Deployed rag_history.dmn version 2")
        changed = deployments.diff_with_previous("rag_history.dmn", 2).changed
        assert [(c.element.id, c.what) for c in changed] == [("second_red", ("description",))]
        assert "the management alert starts at stage 1 (protocol 3.3)" in deployments.newest("rag_history.dmn").content
