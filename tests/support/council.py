"""A small council for tests: two teams in two service areas, one person per role,
and a few children, built through the same service calls the CLI and API use."""

from dataclasses import dataclass
from functools import cache

from werkzeug.security import generate_password_hash

from service.casework import children as cases
from service.db import db, writing
from service.people import accounts as people
from service.people import roles

PASSWORD = "correct horse battery staple"
SYSTEM = "test-system"  # the case-management system the API tests issue a token to

# username: (name, [(role, team code or service area)])
STAFF = {
    "iro1": ("Ira One", [(roles.IRO, None)]),
    "iro2": ("Ira Two", [(roles.IRO, None)]),
    "sw.north": ("Sam North", [(roles.SOCIAL_WORKER, None)]),
    "sw.south": ("Sol South", [(roles.SOCIAL_WORKER, None)]),
    "tm.ne": ("Tia Manager", [(roles.TEAM_MANAGER, "NE")]),
    "tm.south": ("Tom Manager", [(roles.TEAM_MANAGER, "South")]),
    "ism.north": ("Isla North", [(roles.ISM, "North")]),
    "hos.north": ("Hal North", [(roles.HEAD_OF_SERVICE, "North")]),
    "rqam": ("Rae Quality", [(roles.REVIEW_QA_MANAGER, None)]),
    "hos.safeguarding": ("Hana Safe", [(roles.HEAD_OF_SAFEGUARDING, None)]),
    "ism.south": ("Ivo South", [(roles.ISM, "South")]),
    "hos.south": ("Hugo South", [(roles.HEAD_OF_SERVICE, "South")]),
    "ad": ("Ada Director", [(roles.ASSISTANT_DIRECTOR, None)]),
    "director": ("Dora Director", [(roles.DIRECTOR, None)]),
    "ceo": ("Cy Chief", [(roles.CHIEF_EXECUTIVE, None)]),
    "minutes": ("Mina Minutes", [(roles.MINUTE_TAKER, None)]),
    "bsm": ("Bea Support", [(roles.BUSINESS_SUPPORT_MANAGER, None)]),
    "complaints": ("Cal Complaints", [(roles.COMPLAINTS_OFFICER, None)]),
    "owner": ("Otto Owner", [(roles.PROCESS_OWNER, None)]),
}


@dataclass
class Council:
    north_child: int  # team NE, IRO iro1, social worker sw.north
    south_child: int  # team South, IRO iro2, social worker sw.south


def build() -> Council:
    staff()
    north = _child("4120389A", "Alex North", "NE", "sw.north", "iro1")
    south = _child("43235", "Bo South", "South", "sw.south", "iro2")
    return Council(north, south)


def staff() -> None:
    """The teams and one person per role, without children."""
    people.create_team("NE", "North East", "North")
    people.create_team("NW", "North West", "North")
    people.create_team("South", "South", "South")
    for username, (name, grants) in STAFF.items():
        user = people.create_user(username, name, f"{username}@council.example", fte=1.0)
        with writing():
            user.password_hash = password_hash()
        for role, scope in grants:
            people.grant(
                user,
                role,
                team_code=scope if role in roles.TEAM_SCOPED else None,
                service_area=scope if role in roles.AREA_SCOPED else None,
            )
    db.session.commit()


@cache
def password_hash() -> str:
    """PASSWORD hashed once per test process, with scrypt at a lower cost than create_user's: signing
    in checks a hash at the cost written in it, and the staff's full-cost hashing and checking took
    most of each test's time. Setting and changing a password is tested at the service's own cost."""
    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


def _child(case_number, name, team, worker, iro):
    child = cases.create_child(
        {
            "case_number": case_number,
            "name": name,
            "dob": "2012-03-04",
            "gender": "F",
            "team": team,
            "social_worker": worker,
        },
        actor="test",
    )
    with writing():
        child.iro_id = people.user_by_username(iro).id
    cases.record_event(
        child.id,
        {
            "type": "became_looked_after",
            "date": "2027-01-04",
            "legal_status": "C2",
            "placement_type": "foster",
            "placement_regulated": True,
        },
        actor="test",
    )
    return child.id


def report_change(child_id, kind="missing_over_3_days", date="2027-04-12"):
    return cases.record_event(
        child_id,
        {
            "type": "significant_change",
            "date": date,
            "kind": kind,
            "details": "Missing for four days; now home.",
            "care_plan_change": None,
        },
        actor="test",
    )
