"""The quality assurance RAG notification (docs/domain.md B1; the report's appendix "QUALITY ASSURANCE
RAG NOTIFICATION"), completed by the IRO after each held review.

The appendix's criteria and "Action Required" options are copied word for word, once, into
`CRITERIA` and `ACTIONS` (stable codes in the appendix's order). The IRO chooses one status and
ticks criteria and actions of that status only. Besides its fields the form gives the diagram
(`derived`): the ticked criteria with their details, the chosen actions, and the case's RAG
history (the previous notification's status and progress, an open management alert), which
are read from the database, never from what was posted. The service's own facts are shown, not
asked: the child's case number, and whether the allocated worker is a qualified social worker once
that is known (`users.qualified_social_worker`); until then the form asks, and the answer is kept on
the person (service/casework/case_records.py).
"""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
)
from markupsafe import Markup, escape
from wtforms import BooleanField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from . import CountedText, TaskForm, choices_of, iso_day, long_text, register

STATUSES = {"red": "Red", "amber": "Amber", "green": "Green"}
# the appendix's definition of each status
DEFINITIONS = {
    "red": (
        "Serious Concerns are identified about the quality of Care planning leading to serious drift or delay, and/or",
        "Statutory requirements have not been met, and",
        "Immediate action is required to address this.",
    ),
    "amber": (
        "Concerns exist that require priority intervention to address the delay in the care plan and/or "
        "address unacceptable consultation / working together arrangements with child / parent or "
        "professionals.",
    ),
    "green": (
        "Care planning is progressing appropriately and Review decisions are being actioned in a timely way "
        "that meet the child's assessed needs.",
    ),
}
CRITERIA = {  # word for word, in the appendix's order
    "red": {
        "red_1": "No Looked After Care Plan on Protocol",
        "red_2": "No Pathway Plan on Protocol",
        "red_3": "No permanence option secured by 3 rd Review",
        "red_4": "Serious delays in care planning.",
        "red_5": "Minimum numbers of recommended actions from the last LAC review have been progressed, leading to "
        "drift.",
        "red_6": "Concerns that the placement is not meeting the child/young persons needs and there is no plan to "
        "address this.",
        "red_7": "No evidence of promoting participation of children or young people in the care planning.",
        "red_8": "No evidence of promoting participation of parents/carers in the care planning.",
        "red_9": "Statutory visits not undertaken within the required timescales.",
        "red_10": "No PEP by the second review.",
        "red_11": "No Health plan by the second review.",
        "red_12": "Complex case allocated to unqualified case holder / or the case is unallocated",
        "red_13": "Child not seen or consulted with by Social Worker or representative from Social Care since last "
        "LAC review.",
    },
    "amber": {
        "amber_1": "No Permanence Option at 2 nd Review",
        "amber_2": "A single-track plan for Permanency was agreed at last LAR and Home Finding / Long-Term Linking "
        "has not progressed.",
        "amber_3": "No Social Worker report for the Review meeting",
        "amber_4": "Key recommendations of the care plan have not been progressed and responsibility for action "
        "lies with:",
        "amber_5": "Change of Social Worker/Case transfer is / has contributed to drift in the progress of care plan.",
        "amber_6": "Young Person is not happy in placement \u2013 although it is evident that his/her needs are "
        "being met.",
        "amber_7": "Child/Young Person/Parent/Carer wished to make a complaint",
        "amber_8": "Lack of progress with pathway/transition planning, (including UASC).",
        "amber_9": "Lack of legal security (including UASC)",
        "amber_10": "No Health plan within 28 days of placement.",
    },
    "green": {
        "green_1": "Case is well managed and care planning is progressing.",
        "green_2": "At second LAR a permanence option is identified",
        "green_3": "All recommendations from the last LAC review have been addressed",
        "green_4": "The care plan is meeting the child/young person's holistic needs.",
        "green_5": "Evidence of active participation of child/young person being promoted in the care planning process",
        "green_6": "Evidence of active participation of parent/family being promoted in the care planning process",
        "green_7": "Review of arrangements paper work has been consistently presented to reviews and updated on "
        "PROTOCOL",
    },
}
KEY_RECOMMENDATIONS = "amber_4"  # its own choice of where responsibility lies
RESPONSIBILITY = {"partner_agency": "A partner agency", "legal_services": "Legal Services"}
ACTIONS = {  # each status's "Action Required" options, word for word
    "red": {
        "response_2_weeks": "This notification has been passed to the responsible Social Worker/Team Manager/ISM "
        "requiring a response from SW and TM within 2 weeks.",
        "iro_review_3_weeks": "The IRO will review the response with the social worker / team manager within 3 "
        "weeks of this date to discuss the progress of these issues.",
        "review_within_3_months": "A LAR will be arranged within three months of this date to review the progress "
        "of this care plan with specific focus on the issues of concerns identified.",
    },
    "amber": {
        "response_2_weeks": "This notification has been passed to the responsible Social Worker/Team Manager/ISM "
        "requiring a response from SW and TM within 2 weeks",
        "written_update_3_months": "IRO will require a written update from the SW on the progress of the issues of "
        "concerns within 3 months of this date.",
    },
    "green": {
        "passed_on": "This notification has been passed to the responsible Social Worker/Team Manager/ ISM .",
        "review_in_timescale": "IRO will arrange a LAR within the required time scales to discuss progress of the "
        "care plan in the multi-agency forum as required.",
    },
}
WORKER = {"qualified": "Qualified SW", "unqualified": "Unqualified caseholder"}
QUALIFIED = {True: "qualified", False: "unqualified"}  # the person's attribute as the diagram's answer
DETAILS_MAX = 2000


def _ticks(label, choices, hint=None):
    return SelectMultipleField(
        label,
        choices=choices_of(choices),
        widget=GovCheckboxesInput(),
        description=hint,
        validators=[Optional()],
        invalid_choice_message="Select from the list",
    )


@register("rag_notification")
class RagNotification(TaskForm):
    template = "forms/rag_notification.html"
    statuses = STATUSES
    known_qualified: bool | None = None  # the allocated worker's attribute, read in `prepare`

    worker_qualified = RadioField(
        "Allocated worker",
        choices=choices_of(WORKER),
        widget=GovRadioInput(),
        description="Whether the allocated worker is a qualified social worker. Asked while nobody has said: "
        "your answer is kept for their next notifications.",
        validators=[
            InputRequired(
                "Select whether the allocated worker is a qualified social worker or an unqualified caseholder"
            )
        ],
    )
    rag_status = RadioField(
        "RAG status of this LAC Care Plan",
        choices=choices_of(STATUSES),
        widget=GovRadioInput(),
        validators=[InputRequired("Select Red, Amber or Green")],
    )
    excellent_practice = BooleanField(
        "Recognition of Excellent Practice",
        widget=GovCheckboxInput(),
        description="IRO may send 'Recognition of Excellent Practice' Notification if practice is of exceptionally "
        "high quality.",
    )
    excellent_practice_details = long_text("Details of the excellent practice")
    red_criteria = _ticks("Red criteria", CRITERIA["red"])
    amber_criteria = _ticks("Amber criteria", CRITERIA["amber"])
    amber_responsibility = _ticks("Responsibility for action lies with", RESPONSIBILITY, "Select all that apply")
    green_criteria = _ticks("Green criteria", CRITERIA["green"])
    red_actions = _ticks("Red: action required", ACTIONS["red"])
    amber_actions = _ticks("Amber: action required", ACTIONS["amber"])
    green_actions = _ticks("Green: action required", ACTIONS["green"])
    # details_<code>, one for each criterion, are added below the class

    def prepare(self, context) -> None:
        super().prepare(context)
        if context is None:
            return
        self.known_qualified = context.worker_qualified() if context.child is not None else None
        if self.known_qualified is not None:
            del self["worker_qualified"]  # known: shown in the header, not asked (a posted answer is not read)
        if context.data.get("report_missing"):
            self.rag_status.description = (
                "The social worker's report for this review was missing: an Amber criterion of the RAG notification."
            )

    def chosen(self) -> str | None:
        return self.rag_status.data if self.rag_status.data in STATUSES else None

    def extra_checks(self) -> dict:
        errors = {}
        if self.excellent_practice.data and not (self.excellent_practice_details.data or "").strip():
            errors["excellent_practice_details"] = "Describe the excellent practice"
        status = self.chosen()
        if status is None:
            return errors
        for other, name in STATUSES.items():
            if other == status:
                continue
            if self[f"{other}_criteria"].data:
                errors[f"{other}_criteria"] = f"Untick the {name} criteria: this notification is {STATUSES[status]}"
            if self[f"{other}_actions"].data:
                errors[f"{other}_actions"] = f"Untick the {name} actions: this notification is {STATUSES[status]}"
        ticked = self[f"{status}_criteria"].data or []
        if not ticked:
            errors[f"{status}_criteria"] = f"Tick at least one {STATUSES[status]} criterion"
        elif KEY_RECOMMENDATIONS in ticked and not self.amber_responsibility.data:
            errors["amber_responsibility"] = (
                "Select where responsibility for action lies: a partner agency, Legal Services or both"
            )
        if not self[f"{status}_actions"].data:
            errors[f"{status}_actions"] = "Select at least one action required"
        return errors

    def derived(self) -> dict:
        """What the diagram reads besides the fields: the chosen status's ticked criteria (appendix
        order) with their details, its actions, and the case's RAG history."""
        status, criteria = self.chosen(), []
        ticked = set(self[f"{status}_criteria"].data or []) if status else set()
        for code, text in CRITERIA.get(status or "", {}).items():
            if code in ticked:
                entry = {"code": code, "text": text, "details": (self[f"details_{code}"].data or "").strip()}
                if code == KEY_RECOMMENDATIONS:
                    chosen = set(self.amber_responsibility.data or [])
                    entry["responsibility"] = [r for r in RESPONSIBILITY if r in chosen]
                criteria.append(entry)
        actions = set(self[f"{status}_actions"].data or []) if status else set()
        return {
            **self.facts(),
            "criteria": criteria,
            "actions": [a for a in ACTIONS.get(status or "", {}) if a in actions],
            **self.history(),
        }

    def facts(self) -> dict:
        """What the appendix asks that the service knows: the child's case number, and whether the
        allocated worker is qualified once that is known (`worker_qualified` is asked only before)."""
        child = self.context.child if self.context is not None else None
        known = {} if self.known_qualified is None else {"worker_qualified": QUALIFIED[self.known_qualified]}
        return {"case_number": child.case_number if child is not None else None, **known}

    def history(self) -> dict:
        """The child's previous notification (for a review before this one) and open alert."""
        context = self.context
        if context is None or context.child is None:
            return {"previous_rag": None, "previous_progress": None, "open_alert_id": None, "review_id": None}
        previous = context.previous_rag(iso_day(context.data.get("held_on")))
        return {
            "previous_rag": previous.status.value if previous is not None and previous.status else None,
            "previous_progress": previous.progress if previous is not None else None,
            "open_alert_id": context.open_alert_id(),
            "review_id": context.review_id,
        }

    # for the template
    def header_facts(self) -> list[tuple[str, str | None]]:
        """The appendix's header, from the case: (label, words) rows; the template adds the review's date."""
        context = self.context
        if context is None or context.child is None:
            return []
        people = context.review_people()
        worker = people["worker"]
        if worker and self.known_qualified is not None:
            worker = f"{worker} ({WORKER[QUALIFIED[self.known_qualified]]})"
        return [
            ("Child or young person", context.child.name),
            ("Case number", context.child.case_number),
            ("Allocated worker", worker),
            ("Team manager", people["team_manager"]),
            ("Team", people["team"]),
            ("IRO", people["iro"]),
        ]

    def review_date(self):
        """The date of the looked after review (the diagram's `held_on`)."""
        return iso_day(self.context.data.get("held_on")) if self.context is not None else None

    def status_items(self) -> list[dict]:
        """The radios' items with each status's definition as its hint (fresh: the widget consumes them)."""
        return [
            {"hint": {"html": Markup("<br>").join(escape(line) for line in DEFINITIONS[status])}} for status in STATUSES
        ]


for _criteria in CRITERIA.values():
    for _code, _text in _criteria.items():
        setattr(
            RagNotification,
            f"details_{_code}",
            TextAreaField(
                f"Details of “{_text}” (optional)",
                widget=CountedText(DETAILS_MAX),
                validators=[
                    Optional(),
                    Length(
                        max=DETAILS_MAX, message=f"The details of “{_text}” must be {DETAILS_MAX} characters or fewer"
                    ),
                ],
            ),
        )
