"""People, their roles and teams; signing in.

Passwords are hashed with werkzeug's scrypt. Failed sign-ins are counted per
username and per address: past the limit, sign-in is refused for a while whatever
the password, which slows guessing without telling the guesser anything.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import clock, roles
from .db import db, writing
from .errors import InvalidData, NotFound
from .models import SignInAttempt, Team, User, UserRole

FAILED_SIGN_IN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20


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
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    grants = db.session.execute(
        select(UserRole.role, UserRole.team_id, UserRole.service_area).where(UserRole.user_id == user_id)
    ).all()
    return Identity(user.id, user.username, user.name, tuple(Grant(*g) for g in grants))


def create_user(username, name, email, password=None, fte=None) -> User:
    """Add a person (in the caller's `writing()`, or a writer transaction of its own, like `grant`
    and `create_team`)."""
    password_hash = generate_password_hash(password, method="scrypt") if password else None  # slow: before the lock
    with writing():
        if db.session.scalar(select(User.id).where(User.username == username)):
            raise InvalidData(f"a user called {username!r} already exists", {"username": "already taken"})
        user = User(username=username, name=name, email=email, fte=fte, active=True, created_at=clock.real_now(),
                    password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="scrypt")


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
        held = UserRole(user_id=user.id, role=role, team_id=team_id,
                        service_area=service_area if role in roles.AREA_SCOPED else None)
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


def user_by_username(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"there is no user {username!r}")
    return user


def sign_in(username: str, password: str, address: str) -> User | None:
    """The user if the password is right and sign-in is not paused; None otherwise."""
    paused = sign_in_paused(username, address)
    user = db.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    right = not paused and user is not None and user.password_hash and check_password_hash(user.password_hash, password)
    with writing():  # after the slow hash check, so the write lock is held for two statements only
        if right:
            db.session.execute(delete(SignInAttempt).where(SignInAttempt.username == username))
        else:
            db.session.add(SignInAttempt(username=username[:100], address=address[:64], at=clock.real_now()))
    return user if right else None


def sign_in_paused(username: str, address: str) -> bool:
    """Too many recent failures for this username, or from this address."""
    since = clock.real_now() - FAILED_SIGN_IN_WINDOW

    def failures(*where):
        return db.session.scalar(
            select(func.count()).select_from(SignInAttempt).where(SignInAttempt.at > since, *where))

    return (failures(SignInAttempt.username == username) >= MAX_FAILURES_PER_USERNAME
            or failures(SignInAttempt.address == address) >= MAX_FAILURES_PER_ADDRESS)


def holders(role: str) -> list[tuple[str, str]]:
    """(username, name) of the active people holding a role: whom a task of that role may go to."""
    return list(db.session.execute(
        select(User.username, User.name).where(User.active.is_(True), User.id.in_(
            select(UserRole.user_id).where(UserRole.role == role))).order_by(User.name)))
