"""The demo council: a council the size of Coventry in July 2012 (its IRO service's annual report 2011-12), whose
looked-after work stands at realistic stages, so that `make run` opens on a service with
real-looking work in it.

It loads only in demo and test mode, and only into a database without users.
The figures come from service/demo/data/ (copied as printed from the report; docs/domain.md#sources):
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

Everything is produced by the shipped diagrams, driven through the public service calls
the API and the pages use: children and events through `cases`, every task completed
through `tasks.checked_answers` (its own form's rules, dates against the application
clock) and `instances.complete_task`, and the clock through `clock.start_at` and
`timers.move_clock`, so reminders and overdue notices fire as they would have. Nothing
writes to the process tables or sets a child's IRO by hand.

The replay. The service "went live" WINDOW_WEEKS weeks ago: the clock starts at 09:00 on
that day (`clock.start_at`, on the empty database) and moves forward a day at a time to
the real now, so the app's clock is never left in the past.
- Go-live day: the 618 children already looked after are taken on (`cases.take_on`, the
  episode diagram's "already looked after" start) with the real date they became looked
  after, their caseload IRO and their next review, numbered from how long they have been
  looked after. Their IROs book those reviews over the first two weeks, each on or before
  its due date. For REVIEWED_IN_WINDOW of them (SHORT_BREAKS_REVIEWED on short breaks),
  spread over every IRO and team, that review falls in the window: it is held, its
  record steps follow and the next one is booked. The others' reviews are due after
  today, within NEXT_REVIEW_WITHIN_DAYS, the contact and the report done where the day
  is near. Every review of about 450 children due in 20 weeks would take minutes to
  replay: this subset gives the histories and the figures at a fraction of the cost.
- ENTRANTS of the 668 (SHORT_BREAK_ENTRANTS on short breaks) come into care during the
  window, spread the same way. Allocation within 0-4 WD (LATE_ALLOCATIONS_WD: two
  late); their first review booked and held, then the next one booked (and held too for
  the earliest).
- Reviews held in the window (about 130) have a few bookings after the due date with a
  reason and the manager's sign-off (one refused and rebooked), a few adjournments, a few
  reports missing on the day, participation codes by the age rule (90% participating),
  decisions with starred recommendations (confirmed done by their date, a few late), the
  RAG notification (its status dealt in the report's shares, about 59/29/11 per cent; its
  criteria, details and action from a generator of its own per review), and the
  record steps mostly on time with a few missed. Reviews on time come out near the
  report's 92%. A second consecutive Red is graded Amber unless the child has an alert
  open: the history rules would start a management alert beside the six below.
- The RAG notification's follow-ups (RAG_FOLLOW_UPS), each drawn from a generator of its
  own per review and task: the social worker's and the Team Manager's responses in 2
  weeks and the IRO's review of progress in 3 (mostly in the days before the due date,
  a few up to FOLLOW_UP_LATE_WD working days late, after the overdue notice), the written
  update in 3 months (before the next review when that comes first) and the IRO's
  judgement of it, progress mostly adequate (limited only where no alert can follow);
  after a second Red or Amber (the history rules) the IRO's meeting with the case
  holders, and "no" to starting an alert. Today the follow-ups of recent grades are
  open, none more than a few working days overdue.
- LEAVERS: four more children come into care in the window and cease to be: three within
  20 WD of a review, one before any review (which flags the Review and QA Manager).
- 120 significant changes from the last three weeks (more of them recent) are reported
  on their day, about children whose IRO is named; the IROs decide most within the 2 WD,
  some late, some not yet; a few convene an early review, only where that brings the
  next review forward within its timescale (EARLY_REVIEW_CHANGE surely does). Three carry
  a care-plan change (protocol 3.6.3): one endorsed by a review held since and then made
  by the social worker, two still waiting for their review.
- Six IRO management alerts (service.demo.alerts), raised over the window and carried
  through their stages so that today one stands at each point: resolved at stage 1,
  resolved at stage 2, at a stage 4 meeting not yet held, waiting for the Team Manager,
  overdue with the ISM, and at the consultation before a CAFCASS referral.
- Child protection (service.demo.protection, with a random.Random of its own): the 475 plans
  taken on with their chair and next review conference (for REVIEWED_IN_WINDOW of them held in
  the window, one late, a few ending the plan), the Business Support Manager naming each one's
  minute taker; about 20 strategy discussions for new children at every stage (a sibling group,
  a pre-birth conference, a transfer in, no plan, no conference, no section 47); plans ended
  from the case system, two children CP-to-LAC; the minutes of every conference held, a share
  late or stuck, so that about two months' conferences are outstanding today.
- Parents' feedback after conferences (service.demo.feedback, with random.Random of its own): the
  seed's 96 answers a year in its proportions, most through the parents' links as each conference
  is held, the rest typed from paper; the newest conferences' parents hold the README's links to try.
- A week before today everyone reads their notifications in the app; the later ones are
  unread. All of them stay queued for e-mail, as the diagrams raised them.
Each task's day is drawn when it first appears (from its due date); the answers are
drawn on that day. Names are invented; everything comes from random.Random(2012), so
every load on the same day gives the same council, dates counted back from today.
Loading takes about a minute and a half on a quiet machine (`Summary.seconds`; logged and printed):
SQLite commits run with synchronous=NORMAL while it loads, and the app's connections go
back to FULL after. `make run` and `flask demo load` print a line per week replayed (the
`progress` callback of `load`), what was loaded, and who to sign in as.
Every demo user's password is `demo`.
"""

import csv
import logging
import math
import random
import time as timing
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

import click
from flask import current_app
from sqlalchemy import event, func, select
from werkzeug.security import generate_password_hash

from forms.review import ADJOURNED, HELD
from forms.significant_change import CONVENE, NO_REVIEW
from service.casework import children as cases
from service.casework import codes, participation
from service.db import db, end_read, writing
from service.demo import alerts as demo_alerts
from service.demo import child_views as demo_child_views
from service.demo import feedback as demo_feedback
from service.demo import processes as demo_processes
from service.demo import protection as demo_protection
from service.diagrams import specs
from service.errors import ClockError, InvalidData, ServiceError
from service.models import (
    AlertStatus,
    Child,
    Conference,
    ConferenceMinutes,
    ConferenceStatus,
    HumanTask,
    ManagementAlert,
    MinutesStatus,
    OutboxMessage,
    RagNotification,
    RagStatus,
    Review,
    ReviewStatus,
    TaskStatus,
    User,
    UserRole,
)
from service.people import accounts as people
from service.people import roles
from service.tasks import notifications
from service.tasks import task_page as tasks
from service.workflow import clock, instances, timers
from service.workflow import working_days as calendar

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
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
    ("rqam", roles.REVIEW_QA_MANAGER),
    ("safeguarding", roles.HEAD_OF_SAFEGUARDING),
    ("ad", roles.ASSISTANT_DIRECTOR),
    ("director", roles.DIRECTOR),
    ("ceo", roles.CHIEF_EXECUTIVE),
    ("complaints", roles.COMPLAINTS_OFFICER),
    ("minutes", roles.MINUTE_TAKER),
    ("bsm", roles.BUSINESS_SUPPORT_MANAGER),
    ("owner", roles.PROCESS_OWNER),
)
RQAM = "rqam"
SITE = "http://127.0.0.1:5000"  # where `make run` serves, unless IRO_PORT says otherwise
SIGN_IN_PAGE = "/sign-in"

# --- the replay (see the module docstring) ---
WINDOW_WEEKS = 20  # go-live: the clock starts this many weeks before today
ENTRANTS = 50  # of the 668 looked-after children, those who come into care during the window
SHORT_BREAK_ENTRANTS = 4  # of the entrants, on a series of short breaks (V4)
REVIEWED_IN_WINDOW = 72  # of the children taken on at go-live, those whose next review falls in the window
SHORT_BREAKS_REVIEWED = 6  # of them, on a series of short breaks
LATE_ALLOCATIONS_WD = (6, 7)  # two entrants whose IRO is named after the 5 WD
ALLOCATION_WD = {0: 20, 1: 30, 2: 25, 3: 15, 4: 10}  # working days from coming into care to the IRO
LEAVERS = (("returned_home", True), ("special_guardianship", True), ("age_18", True), ("returned_home", False))
NEXT_REVIEW_WITHIN_DAYS = 182  # the others taken on: their next review due after today, within 6 months
SIGNIFICANT_CHANGES = 120  # in the last three weeks, CARE_PLAN_CHANGES and EARLY_REVIEW_CHANGE among them
EARLY_REVIEW_CHANGE = ("missing_over_3_days", 12)  # kind, days ago: its IRO convenes an early review
# how often things go otherwise than to plan. The shares the review figures show are dealt
# like cards (each block of draws holds exactly these counts, shuffled), so that a hundred
# reviews keep them; the others are drawn at random.
LATE_BOOKING = {True: 1, False: 24}  # a review booked after its due date (a reason, and the manager's sign-off)
ADJOURNING = {True: 1, False: 24}  # a review adjourned to a new date (once)
LATE_BOOKING_TASK = 0.04  # the booking itself done after its deadline
REPORT_MISSING = 0.07  # the social worker's report never comes: noted missing on the meeting day
REPORT_LATE = 0.08
STEP_LATE = {"send_decisions": 0.05, "circulate_decisions": 0.05, "complete_record": 0.07, "distribute_record": 0.06}
STARRED_SHARE, SECOND_STARRED = 0.3, 0.05  # reviews with a starred recommendation, and with two
STARRED_LATE = 0.1  # starred recommendations confirmed done a few working days after their date
RECORDED_LATER_WD = {0: 70, 1: 25, 2: 5}  # the review is recorded on its day, or a day or two later
CHANGE_DECIDED = {"on_time": 65, "late": 15, "not_yet": 20}
EARLY_REVIEW_SHARE = 0.15  # decisions that convene an early review, where one can be brought forward

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

FIRST_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {  # group: (boys, girls)
    "White": (
        (
            "Jack",
            "Harry",
            "Oliver",
            "Charlie",
            "Thomas",
            "George",
            "Alfie",
            "Riley",
            "Callum",
            "Kyle",
            "Connor",
            "Lewis",
            "Declan",
            "Tyler",
            "Mason",
            "Reece",
        ),
        (
            "Amelia",
            "Olivia",
            "Jessica",
            "Emily",
            "Lily",
            "Chloe",
            "Megan",
            "Holly",
            "Ruby",
            "Grace",
            "Ellie",
            "Courtney",
            "Shannon",
            "Paige",
            "Niamh",
            "Kayleigh",
        ),
    ),
    "Asian": (
        ("Arjun", "Rohan", "Zain", "Imran", "Aarav", "Hamza", "Ravi", "Bilal", "Sanjay", "Faisal"),
        ("Priya", "Aisha", "Zara", "Anika", "Fatima", "Simran", "Noor", "Maryam", "Leena", "Jasleen"),
    ),
    "Black": (
        ("Kwame", "Tyrone", "Jayden", "Malachi", "Kofi", "Emmanuel", "Tobi", "Andre", "Joel", "Samuel"),
        ("Amara", "Chantelle", "Abena", "Precious", "Keisha", "Imani", "Shanice", "Folake", "Naomi", "Zainab"),
    ),
    "Chinese and other": (
        ("Wei", "Jun", "Kai", "Omar", "Dawit", "Hassan", "Yusuf", "Arman", "Tariq", "Ali"),
        ("Mei", "Lin", "Yan", "Selam", "Hana", "Leila", "Mariam", "Ling", "Sara", "Ayan"),
    ),
}
FIRST_NAMES["Mixed"] = tuple(sum((FIRST_NAMES[g][i] for g in ("White", "Black", "Asian")), ()) for i in (0, 1))
STAFF_NAMES = (
    "Ruth",
    "Helen",
    "Sarah",
    "Mark",
    "Paul",
    "Jo",
    "Sunita",
    "Gurpreet",
    "Andrew",
    "Claire",
    "Fiona",
    "Dawn",
    "Karen",
    "Neil",
    "Simon",
    "Rachel",
    "Yvonne",
    "Marcus",
    "Deborah",
    "Nasreen",
    "Angela",
    "Colin",
    "Louise",
    "Adebayo",
    "Ian",
    "Julie",
    "Kevin",
    "Lorraine",
    "Bev",
    "Tariq",
)
# surnames are made up from these halves, so no name is a real person's
SURNAME_STARTS = (
    "Bramble",
    "Thistle",
    "Fennel",
    "Lark",
    "Wren",
    "Heron",
    "Kestrel",
    "Rowan",
    "Hazel",
    "Willow",
    "Clover",
    "Marram",
    "Sorrel",
    "Tansy",
    "Quill",
    "Pebble",
    "Elder",
    "Bracken",
    "Juniper",
    "Nettle",
)
SURNAME_ENDS = (
    "wick",
    "worth",
    "combe",
    "hurst",
    "field",
    "ley",
    "stead",
    "mere",
    "brook",
    "dale",
    "ford",
    "ridge",
    "holt",
    "by",
    "ton",
    "gate",
)

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
    CONVENE: (
        "The change affects the care plan: an early review will agree what happens next.",
        "The placement and the child's safety need reviewing before the next statutory review.",
    ),
    NO_REVIEW: (
        "The social worker has acted on the change and the care plan still meets the child's needs.",
        "Discussed with the social worker; the next review will consider the change.",
    ),
}
CARE_PLAN_CHANGES = (  # (kind, circumstance, description, whether its review is held in the window)
    (
        "unplanned_placement_change",
        "unplanned_move_disrupting_education",
        "Move to foster carers across the city, which means a change of school.",
        True,
    ),
    (
        "change_of_placement",
        "regulated_to_unregulated_before_18",
        "Move to semi-independent accommodation before the 18th birthday.",
        False,
    ),
    (
        "change_of_placement",
        "move_from_settled_residential",
        "Move from the residential home, where the placement is settled, to foster carers.",
        False,
    ),
)

# SSDA903 participation codes of a child of 4 or over, dealt 20 at a time: 90% participating (4.4)
PARTICIPATION = {"PN1": 10, "PN2": 1, "PN3": 1, "PN4": 1, "PN5": 5, "PN6": 1, "PN7": 1}
ATTENDS = ("PN1", "PN2", "PN3", "PN4")
CONTACT_METHODS = {"visit": 55, "phone": 20, "written": 10, "advocate": 15}
# the RAG statuses, dealt like cards in every hundred: the 2011/12 totals (3.4.9), 756, 374 and 141 of 1271
RAG = {"green": 60, "amber": 29, "red": 11}
LATE_REASONS = {"stakeholder_unavailable": 45, "service_pressure": 25, "iro_miscalculation": 15, "other": 15}
LATE_DETAILS = "The only date the child's school and the foster carers could both make."
REFUSED_SIGN_OFF = "Please book within the timescale: the carers have offered an earlier date."
REPORTS = (
    "Settled in placement; school attendance {n}%. Contact with family is going well.",
    "Placement stable. Health assessment done; dental check due. Attendance {n}%.",
    "Some difficulties at school this term (attendance {n}%); the carers and school are working together.",
    "Making good progress; enjoys football club. Wants more contact with their brother.",
    "The plan is for permanence with the current carers; the assessment is under way.",
)
DECISIONS = (  # text, who does it, the category when starred
    ("Carry out statutory visits to the placement at least every six weeks", "Social worker", None),
    ("Hold a personal education plan meeting this term", "Designated teacher", None),
    ("Complete the annual health assessment", "Looked-after children's nurse", None),
    ("Begin life story work with the child", "Social worker", None),
    ("Keep supervised family time fortnightly and look at it again at the next review", "Social worker", None),
    ("Arrange a dental check-up", "Carer", None),
    ("Offer an advocate for the next review", "IRO", None),
    ("Update the placement plan with the new school arrangements", "Social worker", None),
)
STARRED = (
    ("Refer to CAMHS for an assessment of emotional well-being", "Social worker", "accessing_resources"),
    ("Present the permanence plan to the permanence panel", "Team manager", "care_plan_action"),
    ("Complete the assessment of the brothers and sisters living together", "Social worker", "care_plan_action"),
    ("Bring the overdue statutory visits and case records up to date", "Team manager", "poor_practice"),
    ("Secure funding for one-to-one tuition in school", "Team manager", "accessing_resources"),
)
PATHWAY_DECISION = ("Complete the pathway plan with the young person", "Personal adviser", None)
SHORT_BREAK_DECISION = ("Review the short-break plan and overnight stays with the family", "Social worker", None)
CARERS = {
    "foster": "Foster carer",
    "residential": "Residential key worker",
    "placed_with_parents": "Parent",
    "semi_independent": "Support worker",
    "secure": "Unit key worker",
    "other": "Carer",
}
# the RAG notification's criteria the demo's IROs tick (forms.rag codes), how often, and the details they add
RAG_CRITERIA = {
    "green": {"green_1": 6, "green_3": 3, "green_4": 3, "green_5": 2, "green_6": 1},
    "amber": {"amber_10": 3, "amber_5": 3, "amber_4": 2, "amber_8": 2, "amber_2": 1, "amber_7": 1},
    "red": {"red_4": 3, "red_9": 3, "red_11": 2, "red_10": 2, "red_5": 1, "red_13": 1},
}
RAG_DETAILS = {
    "green_1": "The care plan meets the child's needs and its actions are on track.",
    "amber_3": "The report was not in by the day of the review.",
    "amber_5": "Third social worker this year; the life story work has stalled.",
    "amber_10": "The health assessment is booked but was not done within 28 days.",
    "red_4": "The care plan has not been updated since the placement changed.",
    "red_9": "No statutory visit since the last review.",
}
RAG_ACTIONS: dict[str, dict[tuple[str, ...], int]] = {
    "green": {("passed_on", "review_in_timescale"): 1},  # the appendix: one option for Red or Amber
    "amber": {("response_2_weeks",): 7, ("written_update_3_months",): 3},
    "red": {("response_2_weeks",): 3, ("iro_review_3_weeks",): 1},
}
RAG_RESPONSIBILITY = {  # amber_4: where responsibility lies, and the details given
    "partner_agency": "The health assessment and the PEP are overdue: health and the school have been chased.",
    "legal_services": "The application for a placement order has not yet been made.",
}
EXCELLENT_PRACTICE = 0.05  # of Green notifications
UNQUALIFIED_WORKER = 0.1
EXCELLENT_DETAILS = "Outstanding direct work with the child, who spoke up at the review for the first time."
# the RAG notification's follow-ups (bpmn/rag_notification.bpmn): each task's day and answers come from a
# generator of its own (per review and task), so they move no other draw
RAG_FOLLOW_UPS = frozenset(
    {
        "sw_response",
        "tm_response",
        "review_progress",
        "written_update",
        "judge_update",
        "meet_case_holders",
        "ask_about_alert",
    }
)
FOLLOW_UP_LATE = {
    "sw_response": 0.12,
    "tm_response": 0.1,
    "review_progress": 0.08,
    "written_update": 0.15,
    "judge_update": 0.05,
}  # done after the due date, by 1 to FOLLOW_UP_LATE_WD working days
FOLLOW_UP_LATE_WD = 4
FOLLOW_UP_EARLY_WD = {"sw_response": 6, "tm_response": 6, "review_progress": 4, "written_update": 15}  # the others:
# done up to this many working days before the due date
LIMITED_PROGRESS = 0.15  # written updates the IRO finds show limited progress (recorded for the next Amber);
# the IRO's review of a Red's response finds it limited only where an alert already runs (limited would start one)
SW_RESPONSES = (
    "The health assessment is now booked for next week and the carers have the date.",
    "I have visited and seen the child alone; visits are booked every four weeks up to the next review.",
    "The care plan is updated with the new placement and is on Protocol.",
    "The PEP meeting is arranged with the designated teacher for this month.",
    "I have met the young person about the pathway plan; the needs assessment will be done by the end of the month.",
)
TM_RESPONSES = (
    "Discussed in supervision: the actions have dates and I will check them at the next supervision.",
    "I have agreed the actions with the social worker and the ISM is aware.",
    "The delay was due to the change of worker; the case is now allocated and the actions are in hand.",
    "Agreed with the social worker; the outstanding actions will be completed before the next review.",
)
PROGRESS_NOTES = {
    "adequate": (
        "Met the social worker and the Team Manager: the issues are being addressed within the timescales.",
        "The response sets out the actions with dates; progress since the review is satisfactory.",
    ),
    "limited": (
        "The actions have not started and no dates are given.",
        "Little has changed since the review; the same concerns remain.",
    ),
}
WRITTEN_UPDATES = (
    "The health assessment was done last month and the PEP is up to date. Contact arrangements are settled.",
    "The permanence plan went to the panel; family finding has started.",
    "The new social worker has met the child twice; the life story work has started again.",
    "The pathway plan is complete and the young person has a personal adviser.",
)
MEETING_ACTIONS = (
    "Visits every four weeks, the first within five working days; the care plan updated within two "
    "weeks; the Team Manager to report progress to the IRO in four weeks."
)
NO_ALERT_REASONS = (
    "The Team Manager has agreed a plan with dates; the IRO will look at it again at the next review.",
    "Progress has picked up since the update; the ISM is aware and an alert would not add to it.",
)
ADJOURN_REASONS = (
    "The social worker's report and the health assessment were not ready.",
    "The child's mother could not attend and asked for a new date.",
    "The child was unwell on the day.",
)
STARRED_NOTES = (
    "Done: the referral was accepted and the first appointment booked.",
    "Done and recorded on the case file.",
    "Agreed at the panel last week.",
)
CARE_PLAN_NOTES = "The care plan changed as the review endorsed; the move took place as planned."


@dataclass
class _Case:
    """A child to create, when, and what happens to them."""

    team: str
    episode: str
    iro: str = ""
    worker: str = ""
    kind: str = "cp"  # cp (a plan since before go-live), taken_on (looked after since before go-live),
    # entrant (comes into care in the window) or leaver (comes into care and leaves it in the window)
    body: dict = field(default_factory=dict)  # for cases.create_child
    event: dict = field(default_factory=dict)  # the event that opens the episode, with its date
    arrives: date | None = None  # the replay day the child and the event are reported
    allocation_wd: int = 0  # entrants: working days from coming into care to the IRO
    take_on: dict | None = None  # taken on: their IRO and next review (for cases.take_on)
    reviewed: bool = True  # taken on: their next review falls in the window; leavers: reviewed before leaving
    early: bool = False  # entrants who come into care early enough for a review in the window
    leaves: str | None = None  # leavers: the reason they cease to be looked after (reviewed first or not)
    child_id: int | None = None


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
    reviews_held: int = 0
    reviews_on_time: int = 0
    alerts_open: int = 0
    alerts_closed: int = 0  # resolved, referred to CAFCASS or withdrawn
    conferences_held: int = 0  # child protection conferences, in the window
    minutes_outstanding: int = 0  # their sets of minutes not yet distributed
    seconds: float = 0.0

    def __str__(self):
        on_time = f", {100 * self.reviews_on_time / self.reviews_held:.0f}% on time" if self.reviews_held else ""
        return (
            f"demo council loaded in {self.seconds:.0f} s\n"
            f"  users: {self.users}, {self.iros} of them IROs\n"
            f"  children: {self.looked_after} looked after ({self.short_breaks} on short breaks), "
            f"{self.cp_plans} on child protection plans\n"
            f"  reviews held in the last {WINDOW_WEEKS} weeks: {self.reviews_held}{on_time}\n"
            f"  child protection conferences held in the last {WINDOW_WEEKS} weeks: {self.conferences_held}, "
            f"{self.minutes_outstanding} sets of minutes outstanding\n"
            f"  management alerts: {self.alerts_open} open, {self.alerts_closed} closed\n"
            f"  tasks: {self.open_tasks} open ({self.overdue_tasks} overdue), {self.completed_tasks} completed"
        )


def load(progress: Callable[[str], None] | None = None) -> Summary:
    """Load the demo council; refused in production and on a database that has users.
    `progress` is given a line as the replay starts and as it ends each week: it takes a minute."""
    mode = current_app.config["IRO_MODE"]
    if mode not in ("demo", "test"):
        raise ServiceError(f"demo data loads only in demo or test mode, and IRO_MODE is {mode}")
    if _has_users():
        raise ServiceError("the database already has users; demo data loads only into an empty database")
    began = timing.perf_counter()
    specs.load_directory(current_app.config["BPMN_DIR"])  # the processes the events start
    rng = random.Random(2012)
    today = calendar.london_date(clock.real_now())
    go_live = go_live_for(today)
    with _quick_commits():
        try:
            clock.start_at(_at_nine(go_live), mode)
        except ClockError:
            raise ServiceError(
                "the demo replays its last months from an earlier clock, which needs a database "
                "where no process has run"
            ) from None
        _people(rng)
        if progress:
            progress(
                f"Loading the demo council: replaying the service from go-live, {go_live:%-d %B %Y}, "
                f"to today, a day at a time"
            )
        _Replay(rng, today, go_live, _council(rng, today, go_live), progress).run()
        demo_processes.deploy_revision("owner")
        demo_child_views.add()
    result = summary(seconds=timing.perf_counter() - began)
    log.info("demo council loaded in %.1f s", result.seconds)
    return result


def load_if_empty(app, site: str = SITE) -> Summary | None:
    """`make run`: a fresh database gets the demo council, its progress and who to sign in as
    printed as it goes; one in use is left alone (None)."""
    with app.app_context():
        if not _has_users():
            return _load_and_tell(site)
    return None


def _load_and_tell(site: str) -> Summary:
    result = load(progress=click.echo)  # click.echo flushes, so each line shows as it comes
    click.echo(result)
    click.echo(sign_in_guide(site))
    return result


def sign_in_guide(site: str) -> str:
    """Where to sign in, with the password, and the usernames of each role, for the person who
    has just loaded the demo."""
    usernames = defaultdict(list)
    for account in _accounts():
        usernames[account.role].append(account.username)
    lines = [f"Sign in at {site}{SIGN_IN_PAGE}, password {PASSWORD}, as:"]
    for role, names in usernames.items():
        numbered = names[0][-2:].isdigit()  # iro01 to iro13, sw01 to sw43; the others by team or area
        lines.append(f"  {role}: {f'{names[0]} to {names[-1]}' if numbered else ', '.join(names)}")
    return "\n".join(lines)


def _has_users() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


@contextmanager
def _quick_commits():
    """SQLite: commit without waiting for the disk while the demo loads (WAL with
    synchronous=NORMAL: a power cut may lose the last commits, never corrupt the file;
    a half-loaded demo is deleted anyway). The pool is emptied after, so the app's own
    connections open again with synchronous=FULL (service.db)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        yield
        return

    def relax(dbapi_connection, _record, _proxy):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    event.listen(engine, "checkout", relax)
    try:
        yield
    finally:
        event.remove(engine, "checkout", relax)
        db.session.remove()
        engine.dispose()


def go_live_for(today: date) -> date:
    """The day the demo's replay starts: WINDOW_WEEKS before today (the next working day)."""
    return demo_protection.working_day_on_or_after(today - timedelta(weeks=WINDOW_WEEKS))


def _real_time() -> datetime:
    """Where the replay leaves the clock: real time, a tenth of a second on, so that the offset
    is zero or just above it (the moments spent moving the clock would leave it just behind)."""
    return clock.real_now() + timedelta(milliseconds=100)


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=calendar.LONDON)


def _accounts() -> list[_Account]:
    """Every demo user and the role they hold, in the order they are created."""
    accounts = [
        _Account(f"iro{row['iro'][3:]}", roles.IRO, None, roles.IRO, float(row["fte"]))
        for row in _read("iro_caseloads_july_2012.csv")
    ]
    number = 0
    for _code, name, _area, *counts in TEAMS:
        for _ in range(_workers_in(counts)):
            number += 1
            accounts.append(_Account(f"sw{number:02d}", roles.SOCIAL_WORKER, None, f"Social Worker, {name}"))
    accounts += [
        _Account(_team_manager(code), roles.TEAM_MANAGER, code, f"Team Manager, {name}") for code, name, *_ in TEAMS
    ]
    for area, slug in AREAS.items():
        accounts += [
            _Account(f"ism.{slug}", roles.ISM, area, f"{roles.ISM}, {area}"),
            _Account(f"hos.{slug}", roles.HEAD_OF_SERVICE, area, f"{roles.HEAD_OF_SERVICE}, {area}"),
        ]
    accounts += [_Account(username, role, None, role) for username, role in SERVICE_WIDE]
    return accounts + [_Account(u, roles.MINUTE_TAKER, None, roles.MINUTE_TAKER) for u in demo_protection.MINUTE_TAKERS]


def sign_ins() -> list[tuple[str, str]]:
    """(username, role) for the README; the first IRO and social worker stand for the rest."""
    accounts = _accounts()
    iros = [a for a in accounts if a.role == roles.IRO]
    workers = [a for a in accounts if a.role == roles.SOCIAL_WORKER]
    return [
        (iros[0].username, f"IRO (also {iros[1].username} to {iros[-1].username})"),
        (
            workers[0].username,
            f"{workers[0].description} (also {workers[1].username} to {workers[-1].username}, in every team)",
        ),
        *[(a.username, a.description) for a in accounts if a not in iros + workers],
    ]


def _team_manager(code: str) -> str:
    return "tm." + code.lower().replace("+", "plus")


def _workers_in(counts) -> int:
    return math.ceil(sum(counts) / MAX_CASELOAD)


def _people(rng) -> dict[str, int]:
    """Teams and every demo user; their user ids by username."""
    password_hash = generate_password_hash(PASSWORD, method="scrypt")  # hashed once: scrypt is slow by design
    ids = {}
    own = random.Random(demo_protection.SEED)  # the names of the child protection part's minute takers
    with writing():
        for code, name, area, *_ in TEAMS:
            people.create_team(code, name, area)
        for account in _accounts():
            draw = own if account.username in demo_protection.MINUTE_TAKERS else rng
            user = people.create_user(
                account.username,
                f"{draw.choice(STAFF_NAMES)} {_surname(draw)}",
                f"{account.username}@{EMAIL_DOMAIN}",
                fte=account.fte,
            )
            user.password_hash = password_hash
            people.grant(
                user,
                account.role,
                team_code=account.scope if account.role in roles.TEAM_SCOPED else None,
                service_area=account.scope if account.role in roles.AREA_SCOPED else None,
            )
            ids[account.username] = user.id
    return ids


def _allocate(rng) -> list[_Case]:
    """Every child's team and episode, dealt to IROs by the CSV's caseloads and to each
    team's social workers in turn."""
    all_cases = [
        _Case(code, episode)
        for code, _name, _area, *counts in TEAMS
        for episode, count in zip(EPISODES, counts, strict=True)
        for _ in range(count)
    ]
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


def _spread(rng, candidates: list[_Case], count: int) -> list[_Case]:
    """`count` of the candidates: each IRO's share follows their caseload, and each pick
    comes from the team with the fewest so far for its size, so that every IRO and every
    team has some. The first of each IRO and of each team is marked early."""
    by_iro: defaultdict[str, list] = defaultdict(list)
    per_team: defaultdict[str, int] = defaultdict(int)
    team_size: defaultdict[str, int] = defaultdict(int)
    for case in candidates:
        by_iro[case.iro].append(case)
        team_size[case.team] += 1
    chosen, counted = [], 0
    for iro in sorted(by_iro):
        theirs = by_iro[iro]
        share = round(count * (counted + len(theirs)) / len(candidates)) - round(count * counted / len(candidates))
        counted += len(theirs)
        rng.shuffle(theirs)
        for number in range(share):
            pick = min(theirs, key=lambda c: per_team[c.team] / team_size[c.team])
            theirs.remove(pick)
            pick.early = number == 0 or not per_team[pick.team]
            per_team[pick.team] += 1
            chosen.append(pick)
    return chosen


def _choose(rng, all_cases: list[_Case]) -> None:
    """Which looked-after children come into care during the window (entrants), and which
    of those taken on at go-live have their next review in the window."""
    looked_after = [c for c in all_cases if c.episode != "cp_plan"]
    short_breaks = [c for c in looked_after if c.episode == "short_breaks"]
    for case in looked_after:
        case.kind, case.reviewed = "taken_on", False
    for case in rng.sample(short_breaks, SHORT_BREAK_ENTRANTS):
        case.kind, case.early = "entrant", True  # a short-break review is due 3 months on
    for case in _spread(rng, [c for c in looked_after if c.episode == "looked_after"], ENTRANTS - SHORT_BREAK_ENTRANTS):
        case.kind = "entrant"
    entrants = [c for c in looked_after if c.kind == "entrant"]
    late = rng.sample(entrants, len(LATE_ALLOCATIONS_WD))
    for case in entrants:
        case.allocation_wd = LATE_ALLOCATIONS_WD[late.index(case)] if case in late else _pick(rng, ALLOCATION_WD)
    taken_on = [c for c in looked_after if c.kind == "taken_on"]
    for case in rng.sample([c for c in taken_on if c.episode == "short_breaks"], SHORT_BREAKS_REVIEWED):
        case.reviewed = True
    for case in _spread(
        rng, [c for c in taken_on if c.episode == "looked_after"], REVIEWED_IN_WINDOW - SHORT_BREAKS_REVIEWED
    ):
        case.reviewed = True


def _leavers(rng, all_cases: list[_Case]) -> list[_Case]:
    """Extra children who come into care and leave it during the window, each with the
    social worker of their team who holds fewest cases."""
    iros = sorted({c.iro for c in all_cases if c.episode != "cp_plan"})
    held: defaultdict[str, int] = defaultdict(int)
    for case in all_cases:
        held[case.worker] += 1
    leavers = []
    for (reason, reviewed), team in zip(
        LEAVERS, rng.sample(["LAC", "NE", "NW", "South", "15+"], len(LEAVERS)), strict=True
    ):
        worker = min(sorted({c.worker for c in all_cases if c.team == team}), key=lambda w: held[w])
        held[worker] += 1
        leavers.append(
            _Case(
                team,
                "looked_after",
                rng.choice(iros),
                worker,
                kind="leaver",
                leaves=reason,
                reviewed=reviewed,
                allocation_wd=_pick(rng, ALLOCATION_WD),
            )
        )
    return leavers


def _council(rng, today: date, go_live: date) -> list[_Case]:
    """Every child, drawn in full before the replay: who they are, their episode's event
    and the day it is reported."""
    all_cases = _allocate(rng)
    _choose(rng, all_cases)
    all_cases += _leavers(rng, all_cases)
    groups = {row["ethnicity"]: int(row["children"]) for row in _read("lac_ethnicity_2012.csv")}
    window = (today - go_live).days
    last_working_day = demo_protection.working_day_on_or_before(today)
    case_numbers: set[str] = set()
    for case in all_cases:
        youngest = 17 if case.leaves == "age_18" else _youngest(case)
        started = None
        if case.episode == "cp_plan":
            age_days = rng.randint(youngest * 365 + 60, 17 * 365 + 360)
        elif case.kind == "taken_on":  # looked after since before go-live
            age_days = rng.randint(max(youngest * 365 + 60, window + 30), 17 * 365 + 360)
        else:  # comes into care in the window; early enough for what must happen in it
            latest = window - 1
            if (case.kind == "leaver" and case.reviewed) or case.episode == "short_breaks":
                latest = window * 2 // 5  # a review (3 months on, for short breaks) and leaving care
            elif case.early:
                latest = window * 3 // 5
            elif case.kind == "leaver" or case.allocation_wd > 4:
                latest = window - 21
            started = min(go_live + timedelta(days=rng.randint(0, latest)), last_working_day)
            age_days = rng.randint(max(youngest * 365 + 60, (today - started).days + 1), 17 * 365 + 360)
        group = _pick(rng, {g: n for g, n in groups.items() if case.team != "UAS" or g in UAS_GROUPS})
        gender = rng.choice("MF")
        dob = today - timedelta(days=age_days)
        case.body = {
            "case_number": _case_number(rng, case_numbers),
            "dob": dob.isoformat(),
            "name": f"{rng.choice(FIRST_NAMES[group][0 if gender == 'M' else 1])} {_surname(rng)}",
            "gender": gender,
            "ethnicity": _pick(rng, ETHNICITIES[group]),
            "team": case.team,
            "social_worker": case.worker,
        }
        if case.episode == "cp_plan":
            started = today - timedelta(days=rng.randint(14, min(age_days, 700)))
            case.event = {"type": "cp_plan_started", "category": _pick(rng, CP_CATEGORIES), "iro": case.iro}
        else:
            case.event = {"type": "became_looked_after", **_placement(rng, case.episode, age_days // 365)}
            if case.kind == "taken_on":
                started = today - timedelta(days=rng.randint(window + 1, min(age_days, 6 * 365)))
                if case.reviewed:  # due in the window (its first three fifths for the early ones)
                    first = calendar.add_working_days(go_live, 12)
                    last = (
                        (go_live + timedelta(days=window * 3 // 5))
                        if case.early
                        else calendar.add_working_days(last_working_day, -1)
                    )
                    due = first + timedelta(days=rng.randint(0, (last - first).days))
                else:
                    due = today + timedelta(days=rng.randint(5, NEXT_REVIEW_WITHIN_DAYS))
                due = demo_protection.working_day_on_or_after(due)
                case.take_on = {
                    "iro": case.iro,
                    "next_review_due": due.isoformat(),
                    "next_review_number": _next_review_number(started, due, case.episode),
                }
        started = cast(date, started)  # every kind of case has started by now
        case.event["date"] = started.isoformat()
        case.arrives = max(go_live, started)
    return all_cases


def _new_child(rng, team: str, worker: str) -> dict:
    """A child of the child protection part's new work (service.demo.protection), its case number
    apart from the others' (5 million and up)."""
    group = rng.choice(("White", "White", "White", "Asian", "Black", "Mixed"))
    gender = rng.choice("MF")
    return {
        "case_number": f"{rng.randint(5_000_000, 5_999_999)}{rng.choice('ABCDEFGHJK')}",
        "dob": (calendar.london_date(clock.real_now()) - timedelta(days=rng.randint(400, 12 * 365))).isoformat(),
        "name": f"{rng.choice(FIRST_NAMES[group][0 if gender == 'M' else 1])} {_surname(rng)}",
        "gender": gender,
        "ethnicity": _pick(rng, ETHNICITIES[group]),
        "team": team,
        "social_worker": worker,
    }


def _next_review_number(started: date, due: date, episode: str) -> int:
    """The number of a review due on `due` for a child looked after since `started`: the first
    within 20 WD (3 months for short breaks), the second 3 months on, then every 6 months."""
    months = (due - started).days / 30.44
    if episode == "short_breaks":
        return 1 if months <= 3.5 else 2 + int((months - 3) // 6)
    return 1 if months <= 1.5 else 2 if months <= 4.5 else 3 + int((months - 4) // 6)


def _youngest(case: _Case) -> int:
    """Age in years: short breaks from 4, the 15 Plus and asylum-seeking teams' children older."""
    return max(YOUNGEST.get(case.episode, 0), YOUNGEST.get(case.team, 0))


def _placement(rng, episode: str, age: int) -> dict:
    if episode == "short_breaks":
        return {
            "legal_status": codes.SHORT_BREAKS,
            "placement_type": _pick(rng, SHORT_BREAK_PLACEMENTS),
            "placement_regulated": True,
        }
    placement = _pick(rng, PLACEMENTS_16_PLUS if age >= 16 else PLACEMENTS)
    return {
        "legal_status": _pick(rng, LEGAL_STATUSES),
        "placement_type": placement,
        "placement_regulated": placement not in UNREGULATED,
    }


class _Deck:
    """Deals the keys of `counts` in shuffled blocks holding exactly those counts."""

    def __init__(self, rng, counts: dict):
        self.rng, self.block = rng, [key for key, n in counts.items() for _ in range(n)]
        self.cards: list = []

    def deal(self):
        if not self.cards:
            self.cards = list(self.block)
            self.rng.shuffle(self.cards)
        return self.cards.pop()


@dataclass(frozen=True)
class _Seen:
    """An open task as the replay first saw it."""

    spec: str
    child_id: int
    instance_id: int
    due: date | None
    created: date
    process: str = ""


class _Replay:
    """Day by day from go-live to now: move the clock (firing what fell due), report the
    day's events, and do the day's planned tasks. A task's day is drawn when it first
    appears; its answers on that day."""

    def __init__(self, rng, today: date, go_live: date, council: list[_Case], progress=None):
        self.rng, self.today, self.go_live, self.progress = rng, today, go_live, progress
        self.done = 0  # tasks completed
        self.last_working_day = demo_protection.working_day_on_or_before(today)
        self.read_up_to = calendar.add_working_days(self.last_working_day, -5)
        self.agenda: defaultdict[date, list[tuple[Callable, Any]]] = defaultdict(
            list
        )  # day -> what is reported that day
        self.plans: defaultdict[date, list[int]] = defaultdict(list)  # day -> ids of the tasks done that day
        self.seen: dict[int, _Seen] = {}
        self.last_task_id = 0
        self.waiting: list[int] = []  # ids of tasks not yet planned (see _look)
        self.kids: dict[int, _Case] = {}
        self.names = dict(db.session.execute(select(User.username, User.name)).all())
        self.allocated: set[int] = set()
        self.ceased: set[int] = set()
        self.taking_on: set[int] = set()  # children taken on whose IRO has not yet booked their next review
        self.refused_once = False
        self.rebooking: set[int] = set()  # review instances whose late date was refused
        self.adjourned: set[int] = set()
        self.late_booked: set[int] = set()  # review instances drawn to be booked late
        self.pending_change: set[int] = set()  # children with a care-plan change waiting for a review
        self.care_plan_task: dict[int, int] = {}
        self.convening: set[int] = set()  # children whose IRO convenes an early review
        self.follow_up: dict[int, random.Random] = {}  # a RAG follow-up task's own generator
        self.late_booking, self.adjourning = _Deck(rng, LATE_BOOKING), _Deck(rng, ADJOURNING)
        self.participation = _Deck(rng, PARTICIPATION)
        self.rag_status = _Deck(rng, RAG)
        self.alerts = demo_alerts.AlertReplay(self.last_working_day)
        self.protection = demo_protection.ProtectionReplay(today, go_live, self.last_working_day)
        self.feedback = demo_feedback.FeedbackReplay(today)
        held = Counter(c.worker for c in council)
        workers = {  # each team's three lightest caseloads
            team: sorted({c.worker for c in council if c.team == team}, key=lambda w: (held[w], w))[:3]
            for team in demo_protection.TEAMS
        }
        for day, act, arg in self.protection.take_on([c for c in council if c.episode == "cp_plan"]) + (
            self.protection.new_work(workers, _new_child)
        ):
            self._protection_event(act, arg, day)
        for day, alert in self.alerts.days(go_live):
            self.agenda[day].append((self._raise_alert, alert))
        for case in council:
            self.agenda[cast(date, case.arrives)].append((self._arrive, case))
        for _ in range(SIGNIFICANT_CHANGES - len(CARE_PLAN_CHANGES) - 1):
            self.agenda[today - timedelta(days=int(rng.triangular(0, 21, 0)))].append((self._change, None))
        for days_ago, change in zip((20, 9, 4), CARE_PLAN_CHANGES, strict=True):
            self.agenda[today - timedelta(days=days_ago)].append((self._change, change))
        self.agenda[today - timedelta(days=EARLY_REVIEW_CHANGE[1])].append((self._change, EARLY_REVIEW_CHANGE[0]))

    def run(self) -> None:
        day = self.go_live
        while day <= self.today:
            if day > self.go_live:  # the clock started at 09:00 on go-live day
                timers.move_clock(_at_nine(day) if day < self.today else _real_time(), actor=ACTOR)
            for act, arg in self.agenda.pop(day, []):
                act(arg, day)
            while self.plans.get(day):
                for task_id in self.plans.pop(day):
                    self._do(task_id, day)
            if day == self.read_up_to:
                self._read_notifications()
            if self.progress and ((day - self.go_live).days % 7 == 6 or day == self.today):
                self._tell(day)
            day += timedelta(days=1)
        self.feedback.finish()

    def _tell(self, day: date) -> None:
        week, weeks = ((d - self.go_live).days // 7 + 1 for d in (day, self.today))
        children = len(self.kids) + self.protection.new_children()
        self.progress(f"  week {week} of {weeks}, to {day:%-d %B %Y}: {children:,} children, {self.done:,} tasks done")

    def _read_notifications(self) -> None:
        """Everyone reads their notifications (in the app) up to a week before today."""
        ids = dict(db.session.execute(select(User.username, User.id)).all())
        readers = db.session.scalars(
            select(OutboxMessage.recipient_username)
            .distinct()
            .where(OutboxMessage.read_at.is_(None), OutboxMessage.recipient_username.is_not(None))
        ).all()
        for username in sorted(cast(list[str], readers)):  # none without a recipient
            notifications.mark_all_read(cast(people.Identity, people.identity(ids[username])))

    # --- events -------------------------------------------------------------
    def _arrive(self, case: _Case, day: date) -> None:
        child = cases.create_child(case.body, actor=ACTOR)
        case.child_id = child.id
        self.kids[child.id] = case
        if case.take_on:
            event = {name: value for name, value in case.event.items() if name != "type"}
            cases.take_on(child.id, {**event, **case.take_on}, actor=ACTOR)
            self.taking_on.add(child.id)
        else:
            cases.record_event(child.id, case.event, actor=ACTOR)
        if case.episode != "cp_plan":
            self._look(day)
        if case.leaves and not case.reviewed:
            self.agenda[calendar.add_working_days(day, 8)].append((self._cease, child.id))

    def _cease(self, child_id: int, day: date) -> None:
        case = self.kids[child_id]
        cases.record_event(
            child_id, {"type": "ceased_looked_after", "date": day.isoformat(), "reason": case.leaves}, actor=ACTOR
        )
        self.ceased.add(child_id)

    def _raise_alert(self, alert: demo_alerts.Alert, day: date) -> None:
        """An IRO raises a management alert about a child taken on at go-live (whose IRO has
        known them since), still looked after."""
        eligible = {
            child_id
            for child_id, case in self.kids.items()
            if case.kind == "taken_on" and case.episode == "looked_after" and child_id not in self.ceased
        }
        self.alerts.request(alert, day, eligible)
        self._look(day)

    def _protection_event(self, act: Callable, arg, day: date) -> None:
        """On `day`, one of the child protection part's events (service.demo.protection)."""

        def happen(_arg, on: date) -> None:
            act(arg, on)
            self._look(on, everything=False)

        self.agenda[day].append((happen, None))

    def _change(self, special, day: date) -> None:
        """A significant change reported on `day` about a child whose IRO is named: any kind,
        or (`special`) one of CARE_PLAN_CHANGES, or the kind of EARLY_REVIEW_CHANGE."""
        rng = self.rng
        candidates = sorted(self.allocated - self.ceased - self.pending_change)
        care_plan_change = None
        if special is None:
            child_id, kind = rng.choice(candidates), rng.choice(list(codes.SIGNIFICANT_CHANGES))
        elif isinstance(special, str):
            kind = special
            child_id = rng.choice(self._reviews_to_bring_forward(day) or candidates)
            self.convening.add(child_id)
        else:
            kind, circumstance, description, reviewed = special
            child_id = rng.choice(self._booked_children(day, reviewed, circumstance) or candidates)
            self.pending_change.add(child_id)
            care_plan_change = {"circumstance": circumstance, "description": description}
        reported = min(day, clock.now().date())  # an event may not be dated after today (UTC) when it arrives
        cases.record_event(
            child_id,
            {
                "type": "significant_change",
                "date": reported.isoformat(),
                "kind": kind,
                "details": CHANGE_DETAILS[kind],
                "care_plan_change": care_plan_change,
            },
            actor=ACTOR,
        )
        self._look(day)

    def _reviews_to_bring_forward(self, day: date) -> list[int]:
        """Children whose next review an early review 5-7 WD from now would bring forward within its timescale."""
        soon = calendar.add_working_days(day, 8)
        found = db.session.scalars(
            select(Review.child_id)
            .where(
                Review.status.in_([ReviewStatus.DUE, ReviewStatus.BOOKED]),
                Review.due_date >= soon,
                (Review.booked_date.is_(None)) | (Review.booked_date > soon),
            )
            .order_by(Review.child_id)
        ).all()
        return [
            child_id
            for child_id in found
            if child_id in self.allocated
            and child_id not in self.ceased
            and child_id not in self.pending_change
            and not self.kids[child_id].leaves
        ]

    def _booked_children(self, day: date, reviewed: bool, circumstance: str) -> list[int]:
        """Children whose next review is booked: before the end of the window when the change
        is to be endorsed, after it when it is to wait."""
        when = (
            Review.booked_date.between(
                calendar.add_working_days(day, 2), calendar.add_working_days(self.last_working_day, -5)
            )
            if reviewed
            else Review.booked_date > self.today + timedelta(days=10)
        )
        found = db.session.execute(
            select(Review.child_id, Child.dob)
            .join(Child, Child.id == Review.child_id)
            .where(Review.status == ReviewStatus.BOOKED, when)
            .order_by(Review.child_id)
        ).all()
        ok = [
            child_id
            for child_id, dob in found
            if child_id in self.allocated
            and child_id not in self.ceased
            and child_id not in self.pending_change
            and not self.kids[child_id].leaves
            and (
                circumstance != "regulated_to_unregulated_before_18"
                or (dob is not None and 16 <= participation.age_on(dob, day) < 18)
            )
        ]
        return ok

    # --- tasks --------------------------------------------------------------
    def _look(self, day: date, everything: bool = True) -> None:
        """Plan the tasks that appeared since the last look. After a step of the child protection
        part (`everything` false) only its own tasks: the others wait for the next look, as they
        did before that part was added, so that the looked-after replay's draws stay as they were."""
        rows = db.session.execute(
            select(
                HumanTask.id,
                HumanTask.spec_name,
                HumanTask.child_id,
                HumanTask.instance_id,
                HumanTask.due_at,
                HumanTask.status,
                HumanTask.process_id,
            )
            .where((HumanTask.id > self.last_task_id) | HumanTask.id.in_(self.waiting))
            .order_by(HumanTask.id)
        ).all()
        end_read()
        if rows:
            self.last_task_id = max(self.last_task_id, rows[-1].id)
        self.waiting = []
        if not everything:
            self.waiting = [r.id for r in rows if not self._protections(r)]
            rows = [r for r in rows if self._protections(r)]
        # tasks opened by one step are numbered in an order SpiffWorkflow's task ids decide: sort them
        for row in sorted(rows, key=lambda r: (r.instance_id, r.spec_name, r.id)):
            if row.status != TaskStatus.OPEN or not (row.child_id or "").isdigit():
                continue
            seen = _Seen(
                row.spec_name,
                int(row.child_id),
                row.instance_id,
                calendar.london_date(row.due_at) if row.due_at else None,
                day,
                row.process_id,
            )
            self.seen[row.id] = seen
            when = self._plan(row.id, seen)
            if when is not None:
                self.plans[max(when, day)].append(row.id)

    def _protections(self, row) -> bool:
        return (row.child_id or "").isdigit() and self.protection.handles(row.process_id, int(row.child_id))

    def _plan(self, task_id: int, task: _Seen) -> date | None:
        """The day this task is done (None: not in the window)."""
        rng, day, due, spec = self.rng, task.created, task.due, task.spec
        if self.protection.handles(task.process, task.child_id):
            return self.protection.plan(task.process, spec, task.instance_id, task.child_id, day, due)
        case = self.kids[task.child_id]
        if spec in demo_alerts.SPECS:  # set by the alert's steps, not drawn
            return self.alerts.plan(task_id, spec, task.instance_id, day)

        def working(d):
            return demo_protection.working_day_on_or_after(max(d, day))

        if spec in RAG_FOLLOW_UPS:
            return self._follow_up_day(task_id, task, working)
        if spec == "allocate":
            return min(
                calendar.add_working_days(day, case.allocation_wd)
                if calendar.is_working_day(day)
                else calendar.add_working_days(day, max(case.allocation_wd, 1)),
                max(day, self.last_working_day),
            )
        if spec == "book_review":
            if task.child_id in self.taking_on:  # the IROs enter their diaries over the first two weeks
                return working(min(calendar.add_working_days(day, rng.randint(0, 9)), due))
            if rng.random() < LATE_BOOKING_TASK and not case.leaves:
                return calendar.add_working_days(due, rng.randint(1, 2))
            return working(min(calendar.add_working_days(day, rng.randint(0, 4)), due))
        if spec == "sign_off_late_review":
            return working(calendar.add_working_days(day, rng.randint(0, 2)))
        if spec == "record_contact":
            return working(calendar.add_working_days(due, -rng.randint(1, 10)))
        if spec == "review_report":
            chance = rng.random()
            if chance < REPORT_MISSING and not case.leaves:
                return None
            if chance < REPORT_MISSING + REPORT_LATE:
                return working(calendar.add_working_days(due, rng.randint(1, 2)))
            return working(calendar.add_working_days(due, -rng.randint(0, 4)))
        if spec == "hold_review":
            return working(calendar.add_working_days(due, _pick(rng, RECORDED_LATER_WD)))
        if spec == "grade_care_plan":
            return working(calendar.add_working_days(day, rng.randint(0, 3)))
        if spec in STEP_LATE:
            if rng.random() < STEP_LATE[spec]:
                return calendar.add_working_days(due, rng.randint(1, 3))
            if spec in ("send_decisions", "circulate_decisions"):
                return working(min(calendar.add_working_days(day, rng.randint(0, 2)), due))
            return working(calendar.add_working_days(due, -rng.randint(0, 8 if spec == "complete_record" else 4)))
        if spec == "starred_done":  # by its date, a few late; those not due yet are still open today
            if rng.random() < STARRED_LATE:
                return calendar.add_working_days(due, rng.randint(1, 3))
            return working(calendar.add_working_days(due, -rng.randint(0, 10)))
        if spec == "consider_change":
            if task.child_id in self.convening:
                return working(calendar.add_working_days(day, 1))
            how = _pick(rng, CHANGE_DECIDED)
            if how == "not_yet":
                return None
            return working(calendar.add_working_days(day, rng.randint(0, 2) if how == "on_time" else rng.randint(3, 5)))
        if spec == "change_care_plan":
            self.care_plan_task[task.child_id] = task_id
            return None
        return None

    def _do(self, task_id: int, day: date) -> None:
        task = db.session.get(HumanTask, task_id)
        if task is None or task.status != TaskStatus.OPEN:
            return  # cancelled meanwhile (a report noted missing, a review brought forward, a child who left care)
        answers = self._answers(task_id, self.seen[task_id], day)
        try:
            checked = tasks.checked_answers(task, answers)
        except InvalidData as refused:
            raise ServiceError(
                f"the demo's answers to {task.spec_name} (child {task.child_id}) were refused by its form: {refused}"
            ) from None
        instances.complete_task(task_id, checked, actor=task.assignee or RQAM)
        self.done += 1
        seen = self.seen[task_id]
        self._after(seen, answers, day)
        self._look(day, everything=not self.protection.handles(seen.process, seen.child_id))

    def _answers(self, task_id: int, seen: _Seen, day: date) -> dict:
        if self.protection.handles(seen.process, seen.child_id):
            return self.protection.answers(task_id, seen.process, seen.spec, seen.instance_id, seen.child_id, day)
        rng, case, spec = self.rng, self.kids[seen.child_id], seen.spec
        if spec in demo_alerts.SPECS:
            return self.alerts.answers(task_id, spec, seen.instance_id, seen.created, day)
        if spec == "allocate":
            return {"iro": case.iro}
        if spec == "book_review":
            return self._booking(seen, case, day)
        if spec == "sign_off_late_review":
            review = self._review(seen.instance_id)
            if not self.refused_once and review.due_date >= calendar.add_working_days(day, 5):
                self.refused_once = True
                self.rebooking.add(seen.instance_id)
                return {"sign_off": "refuse", "sign_off_comments": REFUSED_SIGN_OFF}
            return {"sign_off": "approve", "sign_off_comments": ""}
        if spec == "record_contact":
            return {"contact_date": day.isoformat(), "contact_method": _pick(rng, CONTACT_METHODS)}
        if spec == "review_report":
            return {"report_summary": rng.choice(REPORTS).format(n=rng.randint(82, 99))}
        if spec == "hold_review":
            return self._review_held(seen, case, day)
        if spec == "grade_care_plan":
            return self._rag(seen, self._grade(seen, self.rag_status.deal()))
        if spec in RAG_FOLLOW_UPS:
            return self._follow_up_answers(task_id, seen, day)
        if spec in STEP_LATE:
            return {"done": True}
        if spec == "starred_done":
            return {"completion_note": rng.choice(STARRED_NOTES)}
        if spec == "consider_change":
            return self._decision(seen, day)
        if spec == "change_care_plan":
            return {"change_made_on": day.isoformat(), "change_notes": CARE_PLAN_NOTES}
        raise ServiceError(f"the demo has no answers for {spec}")

    def _rag(self, seen: _Seen, status: str) -> dict:
        """The RAG notification: the status dealt by the replay, the rest from the review's own
        generator (so these draws move no other)."""
        own = random.Random(f"rag-{seen.instance_id}")
        ticked = {_pick(own, RAG_CRITERIA[status]) for _ in range(own.randint(1, 2))}
        if status == "amber" and self._review(seen.instance_id).report_missing:
            ticked.add("amber_3")
        answers: dict[str, Any] = {
            "worker_qualified": "unqualified" if own.random() < UNQUALIFIED_WORKER else "qualified",
            "rag_status": status,
            f"{status}_criteria": sorted(ticked),
            f"{status}_actions": list(_pick(own, RAG_ACTIONS[status])),
        }
        answers.update({f"details_{code}": RAG_DETAILS[code] for code in sorted(ticked) if code in RAG_DETAILS})
        if "amber_4" in ticked:
            where = own.choice(sorted(RAG_RESPONSIBILITY))
            answers.update(amber_responsibility=[where], details_amber_4=RAG_RESPONSIBILITY[where])
        if status == "green" and own.random() < EXCELLENT_PRACTICE:
            answers.update(excellent_practice=True, excellent_practice_details=EXCELLENT_DETAILS)
        return answers

    def _grade(self, seen: _Seen, drawn: str) -> str:
        """The status drawn, but for a second consecutive Red where the child has no open alert: the
        history rules would start a management alert of its own, and the demo's alerts are the six of
        demo_alerts, so the IRO grades that one Amber."""
        if drawn != "red":
            return drawn
        held_on = self._review(seen.instance_id).held_on
        previous = db.session.scalar(
            select(RagNotification.status)
            .where(
                RagNotification.child_id == seen.child_id,
                RagNotification.review_date < held_on,
                RagNotification.status.is_not(None),
            )
            .order_by(RagNotification.review_date.desc(), RagNotification.id.desc())
            .limit(1)
        )
        if previous == RagStatus.RED and self._alert_open(seen.child_id) is None:
            return "amber"
        return drawn

    def _alert_open(self, child_id: int, raised_before: date | None = None) -> int | None:
        """The child's open management alert (raised before `raised_before`, when given), if any."""
        return db.session.scalar(
            select(ManagementAlert.id)
            .where(
                ManagementAlert.child_id == child_id,
                ManagementAlert.status == AlertStatus.OPEN,
                *([ManagementAlert.raised_on < raised_before] if raised_before else []),
            )
            .limit(1)
        )

    def _follow_up_day(self, task_id: int, task: _Seen, working) -> date:
        """The day a follow-up of a RAG notification is done: mostly on time, a few late (after the
        overdue notice); a written update in time for the next review when that comes first."""
        own = self.follow_up[task_id] = random.Random(f"{task.spec}-{task.instance_id}")
        spec, day, due = task.spec, task.created, cast(date, task.due)  # every follow-up has a due date
        if spec == "meet_case_holders":  # a second Red: the IRO meets the case holders within the 2 weeks
            return working(min(calendar.add_working_days(day, own.randint(3, 8)), due))
        if spec == "ask_about_alert":
            return working(min(calendar.add_working_days(day, own.randint(1, 5)), due))
        if spec == "written_update":
            waiting = db.session.scalar(
                select(func.coalesce(Review.booked_date, Review.due_date))
                .where(
                    Review.child_id == task.child_id,
                    Review.status.in_([ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED]),
                )
                .limit(1)
            )
            end_read()
            if waiting is not None and waiting < due:
                return working(calendar.add_working_days(waiting, -own.randint(2, 5)))
        if own.random() < FOLLOW_UP_LATE[spec]:
            return calendar.add_working_days(due, own.randint(1, FOLLOW_UP_LATE_WD))
        if spec == "judge_update":
            return working(min(calendar.add_working_days(day, own.randint(0, 2)), due))
        on_time = demo_protection.working_day_on_or_before(due)  # 3 calendar months on may be a weekend
        return working(calendar.add_working_days(on_time, -own.randint(0, FOLLOW_UP_EARLY_WD[spec])))

    def _follow_up_answers(self, task_id: int, seen: _Seen, day: date) -> dict:
        own, spec = self.follow_up[task_id], seen.spec
        if spec in ("sw_response", "tm_response"):
            return {"response": own.choice(SW_RESPONSES if spec == "sw_response" else TM_RESPONSES)}
        if spec == "written_update":
            return {"written_update": own.choice(WRITTEN_UPDATES)}
        if spec in ("review_progress", "judge_update"):
            limited = own.random() < LIMITED_PROGRESS and (  # a Red's limited progress starts an alert unless
                spec == "judge_update"  # one was open when it was graded (raised before the review, still open)
                or self._alert_open(seen.child_id, self._review(seen.instance_id).held_on) is not None
            )
            progress = "limited" if limited else "adequate"
            return {"progress": progress, "progress_notes": own.choice(PROGRESS_NOTES[progress])}
        if spec == "meet_case_holders":
            met_on = max(calendar.add_working_days(day, -own.randint(0, 2)), seen.created)
            return {"met_on": met_on.isoformat(), "meeting_actions": MEETING_ACTIONS}
        return {"start_alert": "no", "start_alert_reason": own.choice(NO_ALERT_REASONS)}  # ask_about_alert

    def _review(self, instance_id: int) -> Review:
        return cast(Review, db.session.scalar(select(Review).where(Review.instance_id == instance_id)))

    def _booking(self, seen: _Seen, case: _Case, day: date) -> dict:
        rng = self.rng
        due = cast(date, self._review(seen.instance_id).due_date)  # a review to book is due
        earliest = calendar.add_working_days(day, 3)
        if case.kind == "taken_on" and not case.reviewed:  # their review is after today
            earliest = max(earliest, calendar.add_working_days(self.last_working_day, 1))
        elif (
            due <= self.last_working_day
            and seen.instance_id not in self.rebooking
            and not case.leaves
            and self.late_booking.deal()
        ):  # a review to be held in the window
            self.late_booked.add(seen.instance_id)
        if seen.instance_id in self.late_booked and due >= day:
            when = calendar.add_working_days(due, rng.randint(1, 8))
        else:
            back = rng.randint(0, 3 if seen.instance_id in self.rebooking else 8)
            when = max(calendar.add_working_days(due, -back), earliest)
        answers = {"review_date": when.isoformat()}
        if not calendar.is_working_day(when):
            answers["confirm_day"] = True  # a review on its due Saturday, at the child's placement
        if when > due:  # drawn to be late, or too near (or past) its due date for anything else
            reason = _pick(rng, LATE_REASONS) if seen.instance_id in self.late_booked else "service_pressure"
            answers["late_reason"] = reason
            if reason == "other":
                answers["late_details"] = LATE_DETAILS
        return answers

    def _review_held(self, seen: _Seen, case: _Case, day: date) -> dict:
        rng = self.rng
        if (
            seen.instance_id not in self.adjourned
            and not case.leaves
            and seen.child_id not in self.pending_change
            and self.adjourning.deal()
        ):
            self.adjourned.add(seen.instance_id)
            return {
                "outcome": ADJOURNED,
                "adjourn_reason": rng.choice(ADJOURN_REASONS),
                "new_date": calendar.add_working_days(day, rng.randint(6, 12)).isoformat(),
            }
        held_on = cast(date, seen.due)  # the meeting's day; it may be recorded a day or two later
        dob = date.fromisoformat(case.body["dob"])
        code = participation.UNDER_FOUR if participation.age_on(dob, held_on) < 4 else self.participation.deal()
        child, worker = case.body["name"].split()[0], self.names[case.worker]
        carer = CARERS[case.event["placement_type"]]
        attendees = ([child] if code in ATTENDS else []) + [worker, carer]
        if rng.random() < 0.4:
            attendees.append("Designated teacher")
        age = participation.age_on(dob, held_on)
        pool = (
            list(DECISIONS)
            + ([PATHWAY_DECISION] if age >= 15 else [])
            + ([SHORT_BREAK_DECISION] if case.episode == "short_breaks" else [])
        )
        chosen = rng.sample(pool, rng.randint(2, 3))
        starred = []
        chance = rng.random()
        if chance < STARRED_SHARE:
            starred = rng.sample(STARRED, 2 if chance < SECOND_STARRED else 1)
        decisions = [
            {
                "text": text,
                "owner": owner,
                "due": (held_on + timedelta(days=rng.randint(14, 90))).isoformat(),
                **({"starred": True, "category": category} if category else {}),
            }
            for text, owner, category in chosen + [(t, o, c) for t, o, c in starred]
        ]
        answers = {
            "outcome": HELD,
            "held_on": held_on.isoformat(),
            "attendees": "\n".join(attendees),
            "participation_code": code,
            "decisions": decisions,
        }
        if seen.child_id in self.pending_change:
            answers["care_plan_changes_endorsed"] = "yes"
        return answers

    def _decision(self, seen: _Seen, day: date) -> dict:
        """The IRO's decision on a significant change: an early review only where it brings
        the child's next review forward within its timescale."""
        rng = self.rng
        waiting = db.session.scalar(
            select(Review).where(
                Review.child_id == seen.child_id,
                Review.status.in_([ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED]),
            )
        )
        early = calendar.add_working_days(
            day, rng.randint(5, 7) if seen.child_id in self.convening else rng.randint(5, 15)
        )
        convene = (
            (seen.child_id in self.convening or rng.random() < EARLY_REVIEW_SHARE)
            and waiting is not None
            and seen.child_id not in self.pending_change
            and early <= waiting.due_date
            and (waiting.booked_date is None or early < waiting.booked_date)
        )
        decision = CONVENE if convene else NO_REVIEW
        answers = {"decision": decision, "reason": rng.choice(REASONS[decision])}
        if convene:
            answers["early_review_date"] = early.isoformat()
        return answers

    def _after(self, seen: _Seen, answers: dict, day: date) -> None:
        """What a completed task sets going in the replay."""
        if self.protection.handles(seen.process, seen.child_id):
            self.protection.after(seen.spec, seen.child_id, day, self._protection_event)
            self.feedback.after(seen.spec, seen.instance_id, day)
            return
        case = self.kids[seen.child_id]
        if seen.spec == "allocate":
            self.allocated.add(seen.child_id)
        elif seen.spec == "consider_change":
            self.convening.discard(seen.child_id)
        elif seen.spec == "book_review":
            self.taking_on.discard(seen.child_id)
        elif seen.spec == "hold_review" and answers["outcome"] == HELD:
            if case.leaves:
                leaving = min(calendar.add_working_days(day, self.rng.randint(4, 12)), self.last_working_day)
                self.agenda[leaving].append((self._cease, seen.child_id))
            if seen.child_id in self.pending_change:  # the review endorsed the change: it can be made
                self.pending_change.discard(seen.child_id)
                task_id = self.care_plan_task.get(seen.child_id)
                if task_id is not None:
                    self.plans[calendar.add_working_days(day, self.rng.randint(1, 2))].append(task_id)


def summary(seconds: float = 0.0) -> Summary:
    def count(*where, of=Child.id):
        return db.session.scalar(select(func.count(of)).where(*where))

    now = clock.now()
    go_live = go_live_for(calendar.london_date(now))
    held = (Review.status == ReviewStatus.HELD, Review.held_on >= go_live)
    return Summary(
        users=count(of=User.id),
        iros=count(UserRole.role == roles.IRO, of=UserRole.user_id.distinct()),
        looked_after=count(Child.looked_after.is_(True)),
        short_breaks=count(Child.looked_after.is_(True), Child.legal_status == codes.SHORT_BREAKS),
        cp_plans=count(Child.cp_plan.is_(True)),
        open_tasks=count(HumanTask.status == TaskStatus.OPEN, of=HumanTask.id),
        overdue_tasks=count(HumanTask.status == TaskStatus.OPEN, HumanTask.due_at < now, of=HumanTask.id),
        completed_tasks=count(HumanTask.status == TaskStatus.COMPLETED, of=HumanTask.id),
        reviews_held=count(*held, of=Review.id),
        reviews_on_time=count(*held, Review.on_time.is_(True), of=Review.id),
        alerts_open=count(ManagementAlert.status == AlertStatus.OPEN, of=ManagementAlert.id),
        alerts_closed=count(
            ManagementAlert.status.in_([AlertStatus.RESOLVED, AlertStatus.REFERRED, AlertStatus.WITHDRAWN]),
            of=ManagementAlert.id,
        ),
        conferences_held=count(
            Conference.status == ConferenceStatus.HELD, Conference.held_on >= go_live, of=Conference.id
        ),
        minutes_outstanding=count(ConferenceMinutes.status == MinutesStatus.OUTSTANDING, of=ConferenceMinutes.id),
        seconds=seconds,
    )


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _surname(rng) -> str:
    return rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS)


def _case_number(rng, taken: set) -> str:
    """Mostly digits and a letter, some CCC...PER, some digits only (docs/domain.md B1)."""
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
    """Load the demo council into an empty database, saying how it goes, what it holds and who to
    sign in as."""
    try:
        _load_and_tell(SITE)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
