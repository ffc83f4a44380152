"""What the templates share: London dates, deadlines in working days, words for codes,
and the counts in the navigation."""
from flask import g
from flask_login import current_user

from service import calendar, clock, worklist

EVENT_TYPES = {
    "became_looked_after": "Became looked after",
    "ceased_looked_after": "Stopped being looked after",
    "significant_change": "Significant change",
    "cp_strategy_discussion": "Child protection strategy discussion",
    "cp_plan_started": "Child protection plan started",
    "cp_plan_ended": "Child protection plan ended",
}
SIGNIFICANT_CHANGES = {  # protocol 3.6.1
    "review_decisions_delayed": "Review decisions not carried out, or delayed",
    "missing_over_3_days": "Missing from care for more than 3 days",
    "unplanned_placement_change": "Unplanned change of placement",
    "court_order": "Court order made or varied",
    "serious_health_finding": "Serious finding about the child's health",
    "discharge_from_care": "Plan to discharge from care",
    "joint_agency_panel_outcome": "Outcome of a joint agency panel",
    "fostering_panel_outcome": "Outcome of a fostering panel",
    "adoption_panel_outcome": "Outcome of an adoption panel",
    "change_of_placement": "Change of placement",
    "adoption_action_plan_update": "Update to the adoption action plan",
    "school_exclusion_over_5_days": "Excluded from school for more than 5 days",
    "family_change": "Significant change in the family",
    "arrest_bail_conviction": "Arrest, bail or conviction",
    "serious_accident": "Serious accident or injury",
    "change_of_social_worker": "Change of social worker",
    "unplanned_discharge": "Unplanned discharge from care",
    "complaint": "Complaint by or about the child",
}
CARE_PLAN_CHANGES = {  # protocol 3.6.3: these wait for a review endorsed by the IRO
    "regulated_to_unregulated_before_18": "Move from a regulated to an unregulated placement before 18",
    "unplanned_move_disrupting_education": "Unplanned move that disrupts education",
    "move_from_settled_residential": "Move from a settled residential placement",
    "discharge_from_secure_or_custody": "Discharge from a secure children's home or custody",
}
GENDERS = {"M": "Male", "F": "Female", "U": "Not known"}
LEGAL_STATUSES = {  # SSDA903
    "C1": "Interim care order", "C2": "Full care order", "D1": "Freeing order granted",
    "E1": "Placement order granted", "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE", "J3": "Youth rehabilitation order with residence",
    "L1": "Police protection", "L2": "Emergency protection order", "L3": "Child assessment order",
    "V2": "Single period of accommodation under section 20", "V3": "Series of short breaks (episodes recorded)",
    "V4": "Series of short breaks (agreements recorded)",
}
ETHNICITIES = {  # SSDA903
    "WBRI": "White British", "WIRI": "White Irish", "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage", "WROM": "Gypsy or Roma", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Caribbean", "BAFR": "African", "BOTH": "Any other Black background", "CHNE": "Chinese",
    "OOTH": "Any other ethnic group", "REFU": "Refused", "NOBT": "Information not yet obtained",
}


def init_app(app):
    app.add_template_filter(day)
    app.add_template_filter(when)
    app.add_template_filter(words)
    app.add_template_global(deadline)
    app.add_template_global(navigation_counts)
    app.add_template_global(LEGAL_STATUSES, "LEGAL_STATUSES")
    app.add_template_global(ETHNICITIES, "ETHNICITIES")
    app.add_template_global(GENDERS, "GENDERS")
    app.add_template_global(SIGNIFICANT_CHANGES, "SIGNIFICANT_CHANGES")


def now():
    """The application clock, read once per request (each read is a query)."""
    if "now" not in g:
        g.now = clock.now()
    return g.now


def day(value) -> str:
    """`12 April 2027`, the GOV.UK style, on the London calendar."""
    return "" if value is None else f"{calendar.london_date(value):%-d %B %Y}"


def when(value) -> str:
    """`12 April 2027 at 9:05am`, London time."""
    if value is None:
        return ""
    local = value.astimezone(calendar.LONDON)
    return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def words(code, table: dict | None = None) -> str:
    """A code as words: from `table` when given, else `placed_with_parents` as `Placed with parents`."""
    if code is None:
        return ""
    if table is not None:
        return table.get(code, code)
    return str(code).replace("_", " ").capitalize()


def deadline(due_at):
    """(text, tag colour) for a deadline counted in working days; red once it has passed."""
    if due_at is None:
        return None
    left = calendar.working_days_between(calendar.london_date(now()), due_at)
    if due_at < now():
        return (f"Overdue by {_working_days(-left)}" if left < 0 else "Overdue"), "red"
    if left == 0:
        return "Due today", "orange"
    return f"{_working_days(left)} left", "yellow" if left <= 2 else "blue"


def _working_days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def navigation_counts():
    """The navigation's figures, counted once per page (the form widgets render templates too)."""
    if "counts" not in g:
        g.counts = worklist.counts(current_user.identity) if current_user.is_authenticated else None
    return g.counts
