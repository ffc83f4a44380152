"""People, their roles and teams; signing in.

Passwords are hashed with werkzeug's scrypt. Failed sign-ins are counted per
username and per address. Five failures for a username pause that account for 15
minutes whatever the password. An address is never locked out, since a council's
office may share one behind its NAT: past ten failures each further attempt from it
waits twice as long as the one before, since its last failure, up to 30 seconds. Both
slow guessing without telling the guesser anything.

Whatever ends a person's right to what their session showed (a new password, a role
removed, the account deactivated) ends every session of theirs at once.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from service.db import db, writing
from service.errors import InvalidData, NotFound
from service.models import SignInAttempt, Team, User, UserRole
from service.people import passwords, roles, sessions
from service.workflow import audit, clock

FAILED_SIGN_IN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
ADDRESS_FAILURES_BEFORE_DELAY = 10
MAX_ADDRESS_DELAY_SECONDS = 30


@dataclass(frozen=True)
class Grant:
    role: str
    team_id: int | None
    service_area: str | None


@dataclass(frozen=True)
class Identity:
    """Who is asking, as every access check needs it: loaded once per request."""

    id: int
    username: str
    name: str
    grants: tuple

    @property
    def roles(self) -> frozenset:
        return frozenset(g.role for g in self.grants)

    def has(self, *wanted) -> bool:
        return bool(self.roles.intersection(wanted))

    def teams(self, *for_roles) -> set:
        return {g.team_id for g in self.grants if g.role in for_roles and g.team_id is not None}

    def areas(self, *for_roles) -> set:
        return {g.service_area for g in self.grants if g.role in for_roles and g.service_area}


def identity(user_id: int) -> Identity | None:
    return identity_of(db.session.get(User, user_id))


def identity_for_session(token: str) -> Identity | None:
    """Who holds this signed-in session, if it is still open and they are still active."""
    return identity_of(sessions.user_for(token))


def identity_of(user: User | None) -> Identity | None:
    if user is None or not user.active:
        return None
    grants = db.session.execute(
        select(UserRole.role, UserRole.team_id, UserRole.service_area).where(UserRole.user_id == user.id)
    ).all()
    return Identity(user.id, user.username, user.name, tuple(Grant(*g) for g in grants))


def create_user(username, name, email, password=None, fte=None) -> User:
    """Add a person (in the caller's `writing()`, or a writer transaction of its own, like `grant`
    and `create_team`)."""
    password_hash = generate_password_hash(password, method="scrypt") if password else None  # slow: before the lock
    with writing():
        if db.session.scalar(select(User.id).where(User.username == username)):
            raise InvalidData(f"a user called {username!r} already exists", {"username": "already taken"})
        user = User(
            username=username,
            name=name,
            email=email,
            fte=fte,
            active=True,
            created_at=clock.real_now(),
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="scrypt")


def check_new_password(password: str) -> None:
    """Refuse a password the policy does not allow (service/people/passwords.py)."""
    problem = passwords.problem(password)
    if problem:
        raise InvalidData.on("password", problem)


def change_password(user: User, password: str) -> int:
    """Set a new password that meets the policy and end every session of the person;
    how many sessions were ended."""
    check_new_password(password)
    password_hash = generate_password_hash(password, method="scrypt")  # slow: before the lock
    with writing():
        db.session.get_one(User, user.id).password_hash = password_hash
        return sessions.end_all(user.id)


def password_is_right(user: User, password: str) -> bool:
    stored = user.password_hash
    if not stored:
        return False
    return check_password_hash(stored, password)


def remove_role(user: User, role: str) -> int:
    """Take a role (every scope it is held for) from a person and end their sessions, so
    no page of that role stays open; how many grants were removed."""
    with writing():
        deleted = db.session.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == role))
        removed = cast(CursorResult, deleted).rowcount
        if not removed:
            raise InvalidData(f"{user.username} does not hold the role {role!r}", {"role": "not held"})
        sessions.end_all(user.id)
    return removed


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate a person."""
    with writing():
        db.session.get_one(User, user.id).active = active
        if not active:
            sessions.end_all(user.id)


def set_qualified(user_id: int, qualified: bool | None, *, actor: str) -> None:
    """Record whether a social worker is qualified (None: not known), audited; the RAG notification
    then shows it instead of asking."""
    with writing():
        db.session.get_one(User, user_id).qualified_social_worker = qualified
        audit.record(clock.now(), actor, "qualified_social_worker", user_id=user_id, qualified=qualified)


def grant(user: User, role: str, team_code: str | None = None, service_area: str | None = None) -> UserRole:
    if role not in roles.ALL:
        raise InvalidData(f"{role!r} is not a role; roles are: {', '.join(roles.ALL)}", {"role": "unknown"})
    team_id = None
    if role in roles.TEAM_SCOPED:
        if not team_code:
            raise InvalidData(f"a {role} is held for a team: give the team", {"team": "required"})
        team_id = team_by_code(team_code).id
    if role in roles.AREA_SCOPED and not service_area:
        raise InvalidData(f"a {role} is held for a service area: give the area", {"service_area": "required"})
    with writing():
        held = UserRole(
            user_id=user.id,
            role=role,
            team_id=team_id,
            service_area=service_area if role in roles.AREA_SCOPED else None,
        )
        db.session.add(held)
        db.session.flush()
    return held


def create_team(code, name, service_area) -> Team:
    with writing():
        team = Team(code=code, name=name, service_area=service_area)
        db.session.add(team)
        db.session.flush()
    return team


def team_by_code(code: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.code == code))
    if team is None:
        raise NotFound(f"there is no team {code!r}")
    return team


def user_by_id(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def user_by_username(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"there is no user {username!r}")
    return user


def sign_in(username: str, password: str, address: str) -> User | None:
    """The user if the password is right and sign-in is not paused; None otherwise. While paused
    the password is not tried, and the attempt is not counted (it guessed nothing)."""
    if sign_in_pause(username, address) is not None:
        return None
    user = db.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    right = user is not None and password_is_right(user, password)
    with writing():  # after the slow hash check, so the write lock is held for two statements only
        if right:
            db.session.execute(delete(SignInAttempt).where(SignInAttempt.username == username))
        else:
            db.session.add(SignInAttempt(username=username[:100], address=address[:64], at=clock.real_now()))
    return user if right else None


@dataclass(frozen=True)
class Pause:
    """Sign-in refused for now: for the whole account, or for `seconds` more from this address."""

    seconds: int
    account: bool


def sign_in_pause(username: str, address: str) -> Pause | None:
    """Too many recent failures for this username, or an address's delay not yet run out."""
    now = clock.real_now()
    since = now - FAILED_SIGN_IN_WINDOW

    def failures(*where):
        return db.session.execute(
            select(func.count(), func.max(SignInAttempt.at)).where(SignInAttempt.at > since, *where)
        ).one()

    if failures(SignInAttempt.username == username)[0] >= MAX_FAILURES_PER_USERNAME:
        return Pause(int(FAILED_SIGN_IN_WINDOW.total_seconds()), account=True)
    count, last = failures(SignInAttempt.address == address)
    if count < ADDRESS_FAILURES_BEFORE_DELAY:
        return None
    delay = min(2 ** (count - ADDRESS_FAILURES_BEFORE_DELAY), MAX_ADDRESS_DELAY_SECONDS)
    left = delay - (now - last).total_seconds()
    return Pause(math.ceil(left), account=False) if left > 0 else None


def holders(role: str) -> list[tuple[str, str]]:
    """(username, name) of the active people holding a role: whom a task of that role may go to."""
    return list(
        db.session.execute(
            select(User.username, User.name)
            .where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
            .order_by(User.name)
        )
    )
