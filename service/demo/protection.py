"""The demo council's child protection work (bpmn/child_protection.bpmn, bpmn/cp_minutes.bpmn,
docs/domain.md D), replayed with the looked-after work by service.demo.council, through the
diagrams' own tasks and forms like every other task of the demo.

- The 475 plans taken on at go-live (`cp_plan_started`) come with their chair and their next
  review conference: 3 months after the plan started, then every 6 months. For most it is the
  first such date after today; for REVIEWED_IN_WINDOW of them, spread over every IRO, it is the
  date in the window, so that conference is booked, reported, held (one late, a few ending the
  plan: REVIEWS_ENDING) and minuted in the window. The Business Support Manager names each
  plan's minute taker within 0-2 working days, the least loaded first; the chairs book every
  review conference over the first two weeks, and the social workers send the reports due by
  today.
- SCENARIOS: about 20 strategy discussions over the window, for new children of the locality
  teams: section 47 enquiries leading to an initial conference (the chair and the minute taker
  the first suggested), booked within the 15 working days, the report, the conference (mostly a
  plan; NO_PLAN none), the first core group meeting (one late); one enquiry ending with no
  conference; two discussions with no section 47 (recorded only); one transfer in; one pre-birth
  conference for an unborn child who is born after it; one sibling group of three, whose
  discussions on one day join one enquiry. The first review conference of the early ones falls in
  the window too.
- Plans ending: by a review conference's decision, and ENDED_BY_CASE by `cp_plan_ended` from the
  case system; CP_TO_LAC children on plans become looked after, their chair allocated as their IRO.
- Minutes: each set's fate is drawn from MINUTES (on time, late, stuck at the draft or at the
  chair's approval), so that today about two months' conferences are outstanding, as the report's
  220 sets for a service holding about 1,250 conferences a year.

Every draw comes from random.Random(SEED) or a generator of each minutes' own, so the
looked-after replay's draws, and its figures, are as they were before this part.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import select

from service.casework import children as cases
from service.casework import conference_chairs
from service.db import db, end_read
from service.models import Conference, HumanTask, Review
from service.tasks.task_context import TaskContext
from service.workflow import working_days as calendar

SEED = 1250  # the seed's conferences a year
PROCESSES = frozenset({"child_protection", "cp_minutes"})
MINUTE_TAKERS = ("minutes2", "minutes3")  # beside the council's `minutes`
REVIEWED_IN_WINDOW = 60  # plans taken on whose review conference falls in the window
REVIEWS_ENDING = 4  # of them, ending the plan
ENDED_BY_CASE = 3  # plans taken on that the case system ends (`cp_plan_ended`)
CP_TO_LAC = 2  # children on plans taken on who become looked after, this many working days before today
CP_TO_LAC_WD = (9, 5)
FIRST_REVIEW_MONTHS, REVIEW_INTERVAL_MONTHS = 3, 6  # as the diagram's named values
TEAMS = ("NE", "NW", "South", "RAS")
# the window's strategy discussions in order, spread over it: `siblings` is three children
SCENARIOS = (
    "plan",
    "siblings",
    "pre_birth",
    "plan",
    "no_plan",
    "plan",
    "s47_false",
    "plan",
    "transfer_in",
    "plan",
    "no_conference",
    "plan",
    "plan",
    "no_plan",
    "plan",
    "s47_false",
    "plan",
    "plan",
    "plan",
)
CATEGORIES = {"neglect": 45, "emotional": 30, "physical": 10, "sexual": 5, "multiple": 10}  # council.CP_CATEGORIES
MINUTES = {"on_time": 52, "late": 18, "stuck_draft": 17, "stuck_approval": 13}
VENUES = ("Civic Centre, room 2", "Broadgate House, conference room", "Family Centre, Stoke")
ATTENDANCE = (
    ("Parent", True),
    ("Social worker", True),
    ("Health visitor or school nurse", True),
    ("School", False),
    ("Police", True),
)
ACTIONS = (
    ("Visit the family at least every 10 working days and see the child alone", "Social worker"),
    ("Weekly home visits to check on the children's care", "Health visiting"),
    ("Monitor attendance and report concerns the same day", "School"),
    ("Attend the parenting programme", "Parents"),
    ("Complete a parenting assessment", "Social worker"),
)
END_REASON = "no_longer_at_risk"
LATE_REASON = "The only date the police and the school could both attend."
NO_CONFERENCE_NOTE = "The enquiry found the concerns were not substantiated; support continues as a child in need."
STAFF = ("Dr", "PC", "Ms")
BABY = "Baby"


@dataclass
class _Child:
    """A child of the window's new work."""

    scenario: str
    team: str
    worker: str
    body: dict = field(default_factory=dict)  # for cases.create_child
    child_id: int = 0
    instance_id: int | None = None


@dataclass
class ProtectionReplay:
    """The child protection part of the replay: its events, and the day and answers of each task
    of its processes (and of the looked-after tasks of the children it makes looked after)."""

    today: date
    go_live: date
    last_working_day: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    own: dict = field(default_factory=dict)  # child id -> _Child, or the case of a child become looked after
    window: list = field(default_factory=list)  # (case, fate) of the plans reviewed in the window
    fates: dict = field(default_factory=dict)  # child id -> "continue", "late", "end" (then "ended")
    late_core_group: bool = False
    minutes: dict = field(default_factory=dict)  # minutes instance id -> its own generator and fate
    named: Counter = field(default_factory=Counter)  # plans taken on given to each minute taker so far

    def _next_minute_taker(self) -> str:
        """At go-live nobody has minutes outstanding: the Business Support Manager shares the plans
        taken on out in turn, the least loaded first among equals."""
        takers = [o.username for o in conference_chairs.minute_takers()]
        chosen = min(takers, key=lambda username: (self.named[username], takers.index(username)))
        self.named[chosen] += 1
        return chosen

    # --- the plans taken on ----------------------------------------------------------------
    def take_on(self, plans: list) -> list:
        """Give each plan taken on (council cases) its next review conference; the events of the
        plans ending and of the children becoming looked after, as (day, act, case)."""
        rng = self.rng
        first, last = calendar.add_working_days(self.go_live, 12), calendar.add_working_days(self.last_working_day, -3)
        in_window: dict[str, list] = {}
        for case in plans:
            started = date.fromisoformat(case.event["date"])
            due = calendar.add_months(started, FIRST_REVIEW_MONTHS)
            while due <= self.today:
                if started < self.go_live and first <= due <= last:
                    in_window.setdefault(case.iro, []).append((case, due))
                due = calendar.add_months(due, REVIEW_INTERVAL_MONTHS)
            case.event["next_review_due"] = due.isoformat()
        chosen: list[tuple[Any, date]] = []
        for iro in sorted(in_window):
            rng.shuffle(in_window[iro])
        while len(chosen) < REVIEWED_IN_WINDOW and any(in_window.values()):
            for iro in sorted(in_window):
                if in_window[iro] and len(chosen) < REVIEWED_IN_WINDOW:
                    chosen.append(in_window[iro].pop())
        fates = ["end"] * REVIEWS_ENDING + ["continue"] * (len(chosen) - REVIEWS_ENDING - 1)
        rng.shuffle(fates)
        late = max(range(len(chosen)), key=lambda n: (chosen[n][1] <= calendar.add_working_days(last, -5), -n))
        fates.insert(late, "late")
        for (case, due), fate in zip(chosen, fates, strict=True):
            case.event["next_review_due"] = due.isoformat()
            self.window.append((case, fate))
        reviewed = {id(case) for case, _fate in self.window}
        others = [c for c in plans if id(c) not in reviewed and c.event["date"] < self.go_live.isoformat()]
        picked = rng.sample(others, ENDED_BY_CASE + CP_TO_LAC)
        events = []
        for number, case in enumerate(picked[:ENDED_BY_CASE]):
            day = calendar.add_working_days(self.go_live, 20 + 25 * number)
            events.append((day, self._end_by_case, case))
        for case, wd in zip(picked[ENDED_BY_CASE:], CP_TO_LAC_WD, strict=True):
            events.append((calendar.add_working_days(self.last_working_day, -wd), self._looked_after, case))
        return events

    def _end_by_case(self, case, day: date) -> None:
        cases.record_event(
            case.child_id, {"type": "cp_plan_ended", "date": day.isoformat(), "reason": END_REASON}, actor="demo"
        )

    def _looked_after(self, case, day: date) -> None:
        """CP-to-LAC (seed 6.4): the looked-after tasks of this child are this part's from now."""
        self.own[case.child_id] = case
        cases.record_event(
            case.child_id,
            {
                "type": "became_looked_after",
                "date": day.isoformat(),
                "legal_status": "C1",
                "placement_type": "foster",
                "placement_regulated": True,
            },
            actor="demo",
        )

    # --- the window's new work -------------------------------------------------------------
    def new_work(self, workers: dict[str, list[str]], make_body: Callable[[random.Random, str, str], dict]) -> list:
        """The strategy discussions of SCENARIOS, spread over the window, as (day, act, _Child)."""
        span = _working_days_between(self.go_live, self.last_working_day) - 8
        events = []
        for number, scenario in enumerate(SCENARIOS):
            team = TEAMS[number % len(TEAMS)]
            day = calendar.add_working_days(self.go_live, 3 + span * number // len(SCENARIOS))
            worker = self.rng.choice(workers[team])
            child = _Child(scenario, team, worker, make_body(self.rng, team, worker))
            events.append((day, self._strategy_discussion, child))
        return events

    def _strategy_discussion(self, child: _Child, day: date) -> None:
        body: dict[str, Any] = dict(child.body)
        group = 3 if child.scenario == "siblings" else 1
        if child.scenario == "pre_birth":
            body.pop("dob")
            body["expected_birth"] = (day + timedelta(days=30)).isoformat()
            body["name"] = f"{BABY} {body['name'].split()[1]}"
        ids = []
        for n in range(group):
            if n:
                body = {**body, "case_number": body["case_number"][:-1] + "XYZ"[n], "name": self._sibling_name(body)}
                body["dob"] = (date.fromisoformat(body["dob"]) - timedelta(days=400 * n)).isoformat()
            ids.append(cases.create_child(body, actor="demo").id)
        for n, child_id in enumerate(ids):
            if group > 1 and n < 2:
                cases.change_child(child_id, {"siblings": [i for i in ids if i != child_id]}, actor="demo")
        child.child_id = ids[0]
        for child_id in ids:
            self.own[child_id] = child
            event = {
                "type": "cp_strategy_discussion",
                "date": day.isoformat(),
                "s47": child.scenario != "s47_false",
                "transfer_in": child.scenario == "transfer_in",
            }
            cases.record_event(child_id, event, actor="demo")

    def _sibling_name(self, body: dict) -> str:
        from service.demo import council  # the council's names (it imports this module)

        return f"{self.rng.choice(council.FIRST_NAMES['White'][self.rng.randint(0, 1)])} {body['name'].split()[1]}"

    def _born(self, child_id: int, day: date) -> None:
        cases.change_child(child_id, {"dob": (day - timedelta(days=1)).isoformat()}, actor="demo")

    def new_children(self) -> int:
        """The children of the new work so far (siblings one by one)."""
        return len({child_id for child_id, child in self.own.items() if isinstance(child, _Child)})

    # --- tasks -----------------------------------------------------------------------------
    def handles(self, process: str, child_id: int) -> bool:
        return process in PROCESSES or child_id in self.own

    def fate(self, child_id: int) -> str | None:
        """What the review conference in the window of a plan taken on comes to (None: not in it)."""
        if not self.fates:  # the plans taken on all arrive on go-live day
            self.fates = {case.child_id: fate for case, fate in self.window}
        return self.fates.get(child_id)

    def plan(self, process: str, spec: str, instance_id: int, child_id: int, created: date, due: date | None):
        """The day this task is done (None: not by today)."""
        rng, day = self.rng, created

        def working(d: date) -> date:
            return working_day_on_or_after(max(d, day))

        if process == "cp_minutes":
            return self._minutes_day(spec, instance_id, created, cast(date, due))
        if spec == "name_minute_taker":
            return working(calendar.add_working_days(day, rng.randint(0, 2)))
        if spec == "enquiry_outcome":
            return working(min(calendar.add_working_days(day, rng.randint(1, 4)), cast(date, due)))
        if spec in ("allocate_chair", "allocate"):
            return working(calendar.add_working_days(day, rng.randint(0, 1)))
        if spec in ("icpc_book", "book_review"):
            return working(calendar.add_working_days(day, rng.randint(0, 1)))
        if spec == "rcpc_book":
            soon = self.fate(child_id) is not None  # booked before its due date comes near
            return working(min(calendar.add_working_days(day, rng.randint(0, 4 if soon else 9)), cast(date, due)))
        conference = self._conference(instance_id)
        if spec in ("icpc_report", "rcpc_report"):
            report_due = cast(date, conference.report_due)
            when = working(calendar.add_working_days(report_due, -rng.randint(0, 3)))
            return when if when <= self.last_working_day else None
        if spec in ("icpc_record", "rcpc_record"):
            booked = cast(date, conference.booked_date)
            return booked if booked <= self.last_working_day else None
        if spec == "core_group":
            due = cast(date, due)
            if not self.late_core_group and due <= calendar.add_working_days(self.last_working_day, -3):
                self.late_core_group = True
                return calendar.add_working_days(due, 2)
            when = working(calendar.add_working_days(due, -rng.randint(0, 5)))
            return when if when <= self.last_working_day else None
        return None  # a looked-after task of a child become looked after, not due by today

    def answers(self, task_id: int, process: str, spec: str, instance_id: int, child_id: int, day: date) -> dict:
        rng = self.rng
        if process == "cp_minutes":
            if spec == "approve_minutes":
                return {"approval": "approve"}
            return {"done": True}
        if spec == "name_minute_taker":
            return {"minute_taker": self._next_minute_taker()}
        if spec == "enquiry_outcome":
            if self._scenario(child_id) == "no_conference":
                return {"convene": "no", "outcome": "not_substantiated", "outcome_note": NO_CONFERENCE_NOTE}
            return {"convene": "yes"}
        if spec == "allocate_chair":
            context = TaskContext(db.session.get_one(HumanTask, task_id))
            return {
                "iro": context.cp_chair_options()[0].username,
                "minute_taker": context.minute_taker_options()[0].username,
            }
        if spec == "allocate":  # CP-to-LAC: the chair becomes the IRO
            return {"iro": self.own[child_id].iro}
        if spec == "book_review":
            review = db.session.scalar(select(Review).where(Review.instance_id == instance_id))
            due = cast(date, cast(Review, review).due_date)
            when = max(calendar.add_working_days(due, -rng.randint(0, 3)), calendar.add_working_days(day, 3))
            return {
                "review_date": when.isoformat(),
                **({"late_reason": "service_pressure"} if when > due else {}),
                **({} if calendar.is_working_day(when) else {"confirm_day": True}),  # at the child's placement
            }
        if spec in ("icpc_book", "rcpc_book"):
            return self._booking(spec, instance_id, child_id, day)
        if spec in ("icpc_report", "rcpc_report"):
            return {"report_sent_on": day.isoformat(), "shared_with_parents": "yes"}
        if spec in ("icpc_record", "rcpc_record"):
            return self._held(spec, child_id, day)
        if spec == "core_group":
            return {"core_group_on": day.isoformat()}
        raise ValueError(f"the demo has no answers for {spec}")

    def after(self, spec: str, child_id: int, day: date, agenda: Callable) -> None:
        """What a completed task sets going: an unborn child's birth after their conference
        (`agenda(act, arg, day)` plans `act(arg, day)`)."""
        if spec == "icpc_record" and self._scenario(child_id) == "pre_birth":
            agenda(self._born, child_id, calendar.add_working_days(day, 6))

    def _scenario(self, child_id: int) -> str | None:
        child = self.own.get(child_id)
        return child.scenario if isinstance(child, _Child) else None

    def _conference(self, instance_id: int) -> Conference:
        conference = db.session.scalar(
            select(Conference).where(Conference.instance_id == instance_id).order_by(Conference.number.desc()).limit(1)
        )
        end_read()
        return cast(Conference, conference)

    def _booking(self, spec: str, instance_id: int, child_id: int, day: date) -> dict:
        rng, conference = self.rng, self._conference(instance_id)
        due = cast(date, conference.due_date)
        earliest = calendar.add_working_days(day, 3)
        if spec == "rcpc_book" and self.fate(child_id) == "late":
            when = calendar.add_working_days(due, 2)
        else:
            back = rng.randint(0, 3 if spec == "icpc_book" else 6)
            when = calendar.add_working_days(working_day_on_or_before(due), -back)
            when = max(when, earliest)
            if due > self.today:
                when = max(when, calendar.add_working_days(self.last_working_day, 1))
        invitees = [
            {"name": "Mother", "who": "parent_carer"},
            {
                "name": f"{rng.choice(STAFF)} {rng.choice(('Patel', 'Green', 'Okafor', 'Hughes'))}",
                "who": "agency",
                "agency": rng.choice(("GP", "Police", "School", "Health visiting")),
            },
        ]
        answers = {"conference_date": when.isoformat(), "venue": rng.choice(VENUES), "invitees": invitees}
        if when > due:
            answers["late_reason"] = LATE_REASON
        return answers

    def _held(self, spec: str, child_id: int, day: date) -> dict:
        rng = self.rng
        answers: dict[str, Any] = {
            "held_on": day.isoformat(),
            "parents_met": "yes",
            "parents_met_on": day.isoformat(),
            "attendance": [{"name": name, "role": name, "attended": went} for name, went in ATTENDANCE],
            "actions": [{"text": text, "owner": owner} for text, owner in rng.sample(ACTIONS, 3)],
        }
        if spec == "icpc_record":
            if self._scenario(child_id) == "no_plan":
                return {**answers, "decision": "no_plan", "actions": []}
            return {**answers, "decision": "plan", "category": _pick(rng, CATEGORIES)}
        if self.fate(child_id) == "end":
            self.fates[child_id] = "ended"
            return {**answers, "decision": "end", "end_reason": END_REASON, "actions": []}
        return {**answers, "decision": "continue"}

    def _minutes_day(self, spec: str, instance_id: int, created: date, due: date) -> date | None:
        own, fate = self.minutes.setdefault(instance_id, self._minutes_fate(instance_id))
        if spec == "circulate_decisions":
            return working_day_on_or_after(calendar.add_working_days(created, own.randint(0, 1)))
        if spec == "write_draft":
            if fate == "stuck_draft":
                return None
            if fate == "late":
                return calendar.add_working_days(due, own.randint(1, 25))
            return working_day_on_or_after(max(calendar.add_working_days(due, -own.randint(0, 5)), created))
        if spec == "approve_minutes":
            if fate == "stuck_approval":
                return None
            return calendar.add_working_days(created, own.randint(1, 3))
        return calendar.add_working_days(created, own.randint(0, 2))  # distribute_minutes

    def _minutes_fate(self, instance_id: int) -> tuple[random.Random, str]:
        own = random.Random(f"minutes-{instance_id}")
        return own, _pick(own, MINUTES)


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_days_between(start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def working_day_on_or_after(day: date) -> date:
    """The day itself if a working day, else the next one (the demo's dates; council.py uses it too)."""
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def working_day_on_or_before(day: date) -> date:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day
