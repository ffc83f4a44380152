"""Lanes are roles; the case says who holds each role (DESIGN.md decision 9).

Until the case and people tables exist (the web issue), the people on a case travel
in the instance's data as `people = {role: {"username": ..., "email": ...}}`.
"""


def person_for(role: str | None, data: dict) -> dict | None:
    if not role:
        return None
    person = (data.get("people") or {}).get(role)
    return person if isinstance(person, dict) else None


def assignee_for(role: str | None, data: dict) -> str | None:
    person = person_for(role, data)
    return person.get("username") if person else None


def address_for(role: str, data: dict) -> str | None:
    person = person_for(role, data)
    return person.get("email") if person else None
