"""A held initial conference (chair iro1, minute taker `minutes`) with Pat North, a parent, recorded as
attending, for the parents' feedback tests; and the questionnaire's answers as a browser posts them."""

from service.voices import feedback

from .protection import Protection

HELD_ON = "2022-01-28"
PARENT = 0  # Pat North's place in the attendance list


def held_conference(app) -> tuple[Protection, int, int]:
    """(the run, the child, the conference's id), the clock on the afternoon of the conference."""
    run = Protection(app, False, "2022-01-16")
    child = run.child("Ann North", "5100001")
    run.on("2022-01-17")
    run.strategy(child, "2022-01-17")
    run.enquiry_to_conference(child, chair="iro1")
    run.book(child, "icpc_book", HELD_ON)
    run.on(HELD_ON, hour=15)
    run.held(child, "icpc_record", HELD_ON, decision="plan", category="neglect")
    [conference] = run.conferences(child)[:1]
    return run, child, conference.id


def link_for_parent(conference_id: int, token: str) -> None:
    feedback.make_link(conference_id, PARENT, actor="iro1", token=token)
