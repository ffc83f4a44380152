"""The demo council: a council the size of Coventry in July 2012 (the seed report), so
that `make run` opens on a service with real-looking work in it.

It loads only in demo and test mode, and only into a database without users.
The figures come from service/demo_data/ (copied from the seed's data):
- iro_caseloads_july_2012.csv (5.3.2): IRO01..IRO13 become iro01..iro13 with their
  FTE, each reviewing exactly the printed caseload: 668 looked-after children (64 of
  them on a series of short breaks, legal status V4) and 475 child protection plans;
- lac_ethnicity_2012.csv (2.4): the children's ethnic groups.

Teams sit in four service areas (the report names no areas; these are ours):
- Children in Care: Looked After Children (LAC), 15 Plus (15+), Unaccompanied Asylum
  Seekers (UAS);
- Disabled Children: Children's Disability Team (CDT);
- North: North East (NE), North West (NW);
- South: South, Referral and Assessment (RAS).
Looked-after children are spread over the teams roughly as the RAG notifications by
team (3.4.9); short breaks are mostly CDT's, child protection plans the locality teams'.

Children and their events go through cases.create_child and cases.record_event, as
the API's do. 120 significant changes from the last three weeks start their
process; timers that fell due have fired and a third of the IROs' decisions are made,
so worklists hold fresh, reminded, overdue and finished work. Names are invented and
drawn from random.Random(2012): every load gives the same people and children, with
dates counted back from the clock's today. Every demo user's password is `demo`.
"""
import csv
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

import forms
from forms.significant_change import CONVENE, NO_REVIEW

from . import calendar, cases, clock, people, roles, specs, tasks, timers
from .db import db
from .errors import ServiceError
from .models import Child, HumanTask, TaskStatus, User, UserRole

DATA = Path(__file__).parent / "demo_data"
PASSWORD = "demo"
ACTOR = "demo"
EMAIL_DOMAIN = "demo-council.example"

AREAS = {"Children in Care": "care", "Disabled Children": "disability", "North": "north", "South": "south"}
EPISODES = ("looked_after", "short_breaks", "cp_plan")
# code, name, service area, then children per episode: looked after (not short breaks), short breaks, CP plan
TEAMS = (
    ("LAC", "Looked After Children", "Children in Care", 300, 0, 0),
    ("15+", "15 Plus", "Children in Care", 40, 0, 8),
    ("UAS", "Unaccompanied Asylum Seekers", "Children in Care", 18, 0, 0),
    ("CDT", "Children's Disability Team", "Disabled Children", 14, 56, 12),
    ("NE", "North East", "North", 85, 3, 165),
    ("NW", "North West", "North", 60, 2, 115),
    ("South", "South", "South", 65, 3, 130),
    ("RAS", "Referral and Assessment", "South", 22, 0, 45),
)
MAX_CASELOAD = 29  # a team has as many social workers as keep each at or under this
SERVICE_WIDE = (
    ("rqam", roles.REVIEW_QA_MANAGER), ("safeguarding", roles.HEAD_OF_SAFEGUARDING),
    ("ad", roles.ASSISTANT_DIRECTOR), ("director", roles.DIRECTOR), ("ceo", roles.CHIEF_EXECUTIVE),
    ("complaints", roles.COMPLAINTS_OFFICER), ("minutes", roles.MINUTE_TAKER), ("owner", roles.PROCESS_OWNER),
)
SIGNIFICANT_CHANGES = 120

# SSDA903 codes within each group of lac_ethnicity_2012.csv, with rough weights
ETHNICITIES = {
    "White": {"WBRI": 85, "WIRI": 3, "WOTH": 8, "WIRT": 2, "WROM": 2},
    "Asian": {"AIND": 35, "APKN": 35, "ABAN": 10, "AOTH": 20},
    "Black": {"BCRB": 30, "BAFR": 50, "BOTH": 20},
    "Mixed": {"MWBC": 45, "MWBA": 15, "MWAS": 20, "MOTH": 20},
    "Chinese and other": {"CHNE": 25, "OOTH": 75},
}
YOUNGEST = {"short_breaks": 4, "UAS": 14, "15+": 15}  # by episode or team
UAS_GROUPS = ("Asian", "Black", "Chinese and other")  # children who came to England alone
LEGAL_STATUSES = {"C2": 62, "C1": 8, "V2": 20, "E1": 7, "J2": 1, "L1": 2}
PLACEMENTS = {"foster": 78, "residential": 9, "placed_with_parents": 8, "secure": 1, "other": 4}
PLACEMENTS_16_PLUS = {"foster": 45, "residential": 10, "semi_independent": 40, "other": 5}
SHORT_BREAK_PLACEMENTS = {"residential": 60, "foster": 40}
UNREGULATED = ("semi_independent", "other")
CP_CATEGORIES = {"neglect": 45, "emotional": 30, "physical": 10, "sexual": 5, "multiple": 10}

FIRST_NAMES = {  # group: (boys, girls)
    "White": (("Jack", "Harry", "Oliver", "Charlie", "Thomas", "George", "Alfie", "Riley", "Callum", "Kyle",
               "Connor", "Lewis", "Declan", "Tyler", "Mason", "Reece"),
              ("Amelia", "Olivia", "Jessica", "Emily", "Lily", "Chloe", "Megan", "Holly", "Ruby", "Grace",
               "Ellie", "Courtney", "Shannon", "Paige", "Niamh", "Kayleigh")),
    "Asian": (("Arjun", "Rohan", "Zain", "Imran", "Aarav", "Hamza", "Ravi", "Bilal", "Sanjay", "Faisal"),
              ("Priya", "Aisha", "Zara", "Anika", "Fatima", "Simran", "Noor", "Maryam", "Leena", "Jasleen")),
    "Black": (("Kwame", "Tyrone", "Jayden", "Malachi", "Kofi", "Emmanuel", "Tobi", "Andre", "Joel", "Samuel"),
              ("Amara", "Chantelle", "Abena", "Precious", "Keisha", "Imani", "Shanice", "Folake", "Naomi", "Zainab")),
    "Chinese and other": (("Wei", "Jun", "Kai", "Omar", "Dawit", "Hassan", "Yusuf", "Arman", "Tariq", "Ali"),
                          ("Mei", "Lin", "Yan", "Selam", "Hana", "Leila", "Mariam", "Ling", "Sara", "Ayan")),
}
FIRST_NAMES["Mixed"] = tuple(sum((FIRST_NAMES[g][i] for g in ("White", "Black", "Asian")), ()) for i in (0, 1))
STAFF_NAMES = ("Ruth", "Helen", "Sarah", "Mark", "Paul", "Jo", "Sunita", "Gurpreet", "Andrew", "Claire", "Fiona",
               "Dawn", "Karen", "Neil", "Simon", "Rachel", "Yvonne", "Marcus", "Deborah", "Nasreen", "Angela",
               "Colin", "Louise", "Adebayo", "Ian", "Julie", "Kevin", "Lorraine", "Bev", "Tariq")
# surnames are made up from these halves, so no name is a real person's
SURNAME_STARTS = ("Bramble", "Thistle", "Fennel", "Lark", "Wren", "Heron", "Kestrel", "Rowan", "Hazel", "Willow",
                  "Clover", "Marram", "Sorrel", "Tansy", "Quill", "Pebble", "Elder", "Bracken", "Juniper", "Nettle")
SURNAME_ENDS = ("wick", "worth", "combe", "hurst", "field", "ley", "stead", "mere", "brook", "dale", "ford",
                "ridge", "holt", "by", "ton", "gate")

CHANGE_DETAILS = {
    "review_decisions_delayed": "Decisions from the last review have not been carried out within their timescales.",
    "missing_over_3_days": "Missing from placement for four days; found by the police and returned.",
    "unplanned_placement_change": "The foster placement ended at short notice; moved to an emergency placement.",
    "court_order": "The court made a final care order at the last hearing.",
    "serious_health_finding": "Diagnosed with a long-term condition that needs specialist care.",
    "discharge_from_care": "The plan is to return home to mother at the end of the month.",
    "joint_agency_panel_outcome": "The joint agency panel agreed funding for a therapeutic placement.",
    "fostering_panel_outcome": "The fostering panel approved the carers as long-term foster carers.",
    "adoption_panel_outcome": "The adoption panel recommended a match with prospective adopters.",
    "change_of_placement": "Planned move to a foster placement closer to school.",
    "adoption_action_plan_update": "Adoption action plan updated: family finding extended by three months.",
    "school_exclusion_over_5_days": "Excluded from school for six days after an incident in class.",
    "family_change": "Birth mother has had a new baby; contact arrangements are being looked at again.",
    "arrest_bail_conviction": "Arrested for criminal damage and released on bail.",
    "serious_accident": "Admitted to hospital after a road traffic accident; now recovering.",
    "change_of_social_worker": "The allocated social worker has left; the case is reallocated within the team.",
    "unplanned_discharge": "Went home to father without a planned discharge.",
    "complaint": "Made a complaint about contact with brothers and sisters.",
}
REASONS = {
    CONVENE: ("The change affects the care plan: an early review will agree what happens next.",
              "The placement and the child's safety need reviewing before the next statutory review."),
    NO_REVIEW: ("The social worker has acted on the change and the care plan still meets the child's needs.",
                "Discussed with the social worker; the next review will consider the change."),
}


@dataclass
class _Case:
    """A child to create: the team, the episode, and who holds the case."""

    team: str
    episode: str
    iro: str = ""
    worker: str = ""


@dataclass(frozen=True)
class _Account:
    username: str
    role: str
    scope: str | None  # the team code of a Team Manager, the area of an ISM or Head of Service
    description: str
    fte: float | None = None


@dataclass(frozen=True)
class Summary:
    users: int
    iros: int
    looked_after: int
    short_breaks: int
    cp_plans: int
    open_tasks: int
    overdue_tasks: int
    completed_tasks: int

    def __str__(self):
        return (f"demo council loaded\n"
                f"  users: {self.users}, {self.iros} of them IROs\n"
                f"  children: {self.looked_after} looked after ({self.short_breaks} on short breaks), "
                f"{self.cp_plans} on child protection plans\n"
                f"  tasks: {self.open_tasks} open ({self.overdue_tasks} overdue), {self.completed_tasks} completed")


def load() -> Summary:
    """Load the demo council; refused in production and on a database that has users."""
    mode = current_app.config["IRO_MODE"]
    if mode not in ("demo", "test"):
        raise ServiceError(f"demo data loads only in demo or test mode, and IRO_MODE is {mode}")
    if _has_users():
        raise ServiceError("the database already has users; demo data loads only into an empty database")
    specs.load_directory(current_app.config["BPMN_DIR"])  # the processes the events start
    db.session.commit()
    rng = random.Random(2012)
    today = clock.now().date()
    ids = _people(rng)
    looked_after = _children(rng, today, _allocate(rng), ids)
    _significant_changes(rng, today, looked_after, ids)
    return summary()


def load_if_empty(app) -> None:
    """`make run`: a fresh database gets the demo council; one in use is left alone."""
    with app.app_context():
        if not _has_users():
            print(load())


def _has_users() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def _accounts() -> list[_Account]:
    """Every demo user and the role they hold, in the order they are created."""
    accounts = [_Account(f"iro{row['iro'][3:]}", roles.IRO, None, roles.IRO, float(row["fte"]))
                for row in _read("iro_caseloads_july_2012.csv")]
    number = 0
    for code, name, _area, *counts in TEAMS:
        for _ in range(_workers_in(counts)):
            number += 1
            accounts.append(_Account(f"sw{number:02d}", roles.SOCIAL_WORKER, None, f"Social Worker, {name}"))
    accounts += [_Account(_team_manager(code), roles.TEAM_MANAGER, code, f"Team Manager, {name}")
                 for code, name, *_ in TEAMS]
    for area, slug in AREAS.items():
        accounts += [_Account(f"ism.{slug}", roles.ISM, area, f"{roles.ISM}, {area}"),
                     _Account(f"hos.{slug}", roles.HEAD_OF_SERVICE, area, f"{roles.HEAD_OF_SERVICE}, {area}")]
    return accounts + [_Account(username, role, None, role) for username, role in SERVICE_WIDE]


def sign_ins() -> list[tuple[str, str]]:
    """(username, role) for the README; the first IRO and social worker stand for the rest."""
    accounts = _accounts()
    iros = [a for a in accounts if a.role == roles.IRO]
    workers = [a for a in accounts if a.role == roles.SOCIAL_WORKER]
    return [(iros[0].username, f"IRO (also {iros[1].username} to {iros[-1].username})"),
            (workers[0].username, f"{workers[0].description} (also {workers[1].username} to "
                                  f"{workers[-1].username}, in every team)"),
            *[(a.username, a.description) for a in accounts if a not in iros + workers]]


def _team_manager(code: str) -> str:
    return "tm." + code.lower().replace("+", "plus")


def _workers_in(counts) -> int:
    return math.ceil(sum(counts) / MAX_CASELOAD)


def _people(rng) -> dict[str, int]:
    """Teams and every demo user; their user ids by username."""
    for code, name, area, *_ in TEAMS:
        people.create_team(code, name, area)
    password_hash = generate_password_hash(PASSWORD, method="scrypt")  # hashed once: scrypt is slow by design
    ids = {}
    for account in _accounts():
        user = people.create_user(account.username, f"{rng.choice(STAFF_NAMES)} {_surname(rng)}",
                                  f"{account.username}@{EMAIL_DOMAIN}", fte=account.fte)
        user.password_hash = password_hash
        people.grant(user, account.role, team_code=account.scope if account.role in roles.TEAM_SCOPED else None,
                     service_area=account.scope if account.role in roles.AREA_SCOPED else None)
        ids[account.username] = user.id
    db.session.commit()
    return ids


def _allocate(rng) -> list[_Case]:
    """Every child's team and episode, dealt to IROs by the CSV's caseloads and to each
    team's social workers in turn."""
    all_cases = [_Case(code, episode) for code, _name, _area, *counts in TEAMS
                 for episode, count in zip(EPISODES, counts) for _ in range(count)]
    caseloads = _read("iro_caseloads_july_2012.csv")
    for episodes, column in ((("looked_after", "short_breaks"), "lac_children"), (("cp_plan",), "cp_children")):
        group = [case for case in all_cases if case.episode in episodes]
        rng.shuffle(group)
        iros = [f"iro{row['iro'][3:]}" for row in caseloads for _ in range(int(row[column] or 0))]
        for case, iro in zip(group, iros, strict=True):
            case.iro = iro
    workers = iter(a.username for a in _accounts() if a.role == roles.SOCIAL_WORKER)
    for code, _name, _area, *counts in TEAMS:
        team_workers = [next(workers) for _ in range(_workers_in(counts))]
        team_cases = [case for case in all_cases if case.team == code]
        rng.shuffle(team_cases)
        for number, case in enumerate(team_cases):
            case.worker = team_workers[number % len(team_workers)]
    return all_cases


def _children(rng, today: date, all_cases: list[_Case], ids: dict) -> list[tuple[int, str]]:
    """Create the children and the events that opened their episodes; then allocate the
    IROs of looked-after children (there is no allocation process yet).
    Returns (child id, IRO username) of the looked-after children."""
    groups = {row["ethnicity"]: int(row["children"]) for row in _read("lac_ethnicity_2012.csv")}
    case_numbers = set()
    looked_after = []
    for case in all_cases:
        age_days = rng.randint(_youngest(case) * 365 + 60, 17 * 365 + 360)
        group = _pick(rng, {g: n for g, n in groups.items() if case.team != "UAS" or g in UAS_GROUPS})
        gender = rng.choice("MF")
        child = cases.create_child({
            "case_number": _case_number(rng, case_numbers), "dob": (today - timedelta(days=age_days)).isoformat(),
            "name": f"{rng.choice(FIRST_NAMES[group][0 if gender == 'M' else 1])} {_surname(rng)}", "gender": gender,
            "ethnicity": _pick(rng, ETHNICITIES[group]), "team": case.team, "social_worker": case.worker,
        }, actor=ACTOR)
        if case.episode == "cp_plan":
            started = today - timedelta(days=rng.randint(14, min(age_days, 700)))
            event = {"type": "cp_plan_started", "category": _pick(rng, CP_CATEGORIES), "iro": case.iro}
        else:
            started = today - timedelta(days=rng.randint(30, min(age_days, 6 * 365)))
            event = {"type": "became_looked_after", **_placement(rng, case.episode, age_days // 365)}
            looked_after.append((child.id, case.iro))
        cases.record_event(child.id, {**event, "date": started.isoformat()}, actor=ACTOR)
    for iro in {iro for _, iro in looked_after}:
        reviewed = [child_id for child_id, holder in looked_after if holder == iro]
        db.session.execute(update(Child).where(Child.id.in_(reviewed)).values(iro_id=ids[iro]))
    db.session.commit()
    return looked_after


def _youngest(case: _Case) -> int:
    """Age in years: short breaks from 4, the 15 Plus and asylum-seeking teams' children older."""
    return max(YOUNGEST.get(case.episode, 0), YOUNGEST.get(case.team, 0))


def _placement(rng, episode: str, age: int) -> dict:
    if episode == "short_breaks":
        return {"legal_status": cases.SHORT_BREAKS, "placement_type": _pick(rng, SHORT_BREAK_PLACEMENTS),
                "placement_regulated": True}
    placement = _pick(rng, PLACEMENTS_16_PLUS if age >= 16 else PLACEMENTS)
    return {"legal_status": _pick(rng, LEGAL_STATUSES), "placement_type": placement,
            "placement_regulated": placement not in UNREGULATED}


def _significant_changes(rng, today: date, looked_after: list, ids: dict) -> None:
    """Report changes from the last three weeks (more of them recent), fire the timers
    that fell due, then let the IROs decide about a third of them, from the older ones."""
    reported = []
    for child_id, iro in rng.sample(looked_after, SIGNIFICANT_CHANGES):
        days_ago = int(rng.triangular(0, 21, 0))
        kind = rng.choice(cases.SIGNIFICANT_CHANGES)
        recorded = cases.record_event(child_id, {
            "type": "significant_change", "date": (today - timedelta(days=days_ago)).isoformat(), "kind": kind,
            "details": CHANGE_DETAILS[kind], "care_plan_change": None}, actor=ACTOR)
        reported.append((days_ago, recorded.instance_ids, iro))
    timers.sweep(ACTOR)
    older = [(instance_ids, iro) for days_ago, instance_ids, iro in reported if days_ago > 3]
    for instance_ids, iro in rng.sample(older, min(len(older), SIGNIFICANT_CHANGES // 3)):
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id.in_(instance_ids), HumanTask.status == TaskStatus.OPEN))
        tasks.submit(people.identity(ids[iro]), task_id, _decision(rng, today))


def _decision(rng, today: date) -> dict:
    """An IRO's answer, checked by the task's form as the pages and the API check it."""
    decision = CONVENE if rng.random() < 0.3 else NO_REVIEW
    answers = {"decision": decision, "reason": rng.choice(REASONS[decision])}
    if decision == CONVENE:
        answers["early_review_date"] = calendar.add_working_days(today, rng.randint(5, 15)).isoformat()
    form = forms.form_for("consider_significant_change", data=answers, api=True)
    if not form.validate():
        raise ServiceError(f"demo decision refused by its form: {form.errors}")
    return forms.task_data(form)


def summary() -> Summary:
    def count(*where, of=Child.id):
        return db.session.scalar(select(func.count(of)).where(*where))

    now = clock.now()
    return Summary(
        users=count(of=User.id), iros=count(UserRole.role == roles.IRO, of=UserRole.user_id.distinct()),
        looked_after=count(Child.looked_after.is_(True)),
        short_breaks=count(Child.looked_after.is_(True), Child.legal_status == cases.SHORT_BREAKS),
        cp_plans=count(Child.cp_plan.is_(True)),
        open_tasks=count(HumanTask.status == TaskStatus.OPEN, of=HumanTask.id),
        overdue_tasks=count(HumanTask.status == TaskStatus.OPEN, HumanTask.due_at < now, of=HumanTask.id),
        completed_tasks=count(HumanTask.status == TaskStatus.COMPLETED, of=HumanTask.id))


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _surname(rng) -> str:
    return rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS)


def _case_number(rng, taken: set) -> str:
    """Mostly digits and a letter, some CCC...PER, some digits only (DOMAIN.md section B)."""
    while True:
        style = rng.random()
        if style < 0.8:
            number = f"{rng.randint(1_000_000, 4_999_999)}{rng.choice('ABCDEFGHJK')}"
        elif style < 0.92:
            number = f"CCC{rng.randint(10_000, 999_999):09d}PER"
        else:
            number = str(rng.randint(10_000, 99_999))
        if number not in taken:
            taken.add(number)
            return number


def _read(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@click.group("demo", help="The demo council (demo and test mode only).")
def demo_group():
    pass


@demo_group.command("load")
def load_command():
    """Load the demo council into an empty database and say what it holds."""
    try:
        click.echo(load())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
