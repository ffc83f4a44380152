"""Tables of people and the systems that call us: accounts, roles, teams, sessions, API clients,
failed sign-ins and demo mode's secret key.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime


class Team(Model):
    """A team that owns cases (table 3.4.9), within a service area managed by an ISM."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(String(100))


class User(Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fte: Mapped[float | None] = mapped_column(Float)  # IROs: for caseload per FTE
    # social workers: a qualified social worker (True), an unqualified case holder (False), or not known yet
    qualified_social_worker: Mapped[bool | None] = mapped_column(Boolean)
    # what a child's own page shows of their IRO (pledge item 1), if the IRO gives them
    phone: Mapped[str | None] = mapped_column(String(40))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(20))
    # the SHA-256 of their calendar feed's secret token, while they have the feed turned on
    calendar_feed_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserRole(Model):
    """One role a person holds, for a team, a service area, or the whole service."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "team_id", "service_area"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(100), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    service_area: Mapped[str | None] = mapped_column(String(100))


class IroCover(Model):
    """An IRO away from one date to another (London dates, inclusive) and the IRO covering their work;
    ending it early sets `ended_at`, and it no longer applies from then."""

    __tablename__ = "iro_cover"
    __table_args__ = (Index("ix_iro_cover_away_user_id_to_date", "away_user_id", "to_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    away_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    covering_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiClient(Model):
    """A case-management system allowed to call the API; only a hash of its token is kept."""

    __tablename__ = "api_clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Model):
    """A signed-in session. The cookie carries a random reference and this table only its hash,
    so ending the row ends every copy of the cookie at once."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAttempt(Model):
    """Failed sign-ins, counted to slow down guessing."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_username_at", "username", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppSecret(Model):
    """Demo and test mode's secret key, made once per database so every process on it signs alike."""

    __tablename__ = "app_secret"
    id: Mapped[int] = mapped_column(primary_key=True)
    secret_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
