"""Configuration read from the environment, with safe defaults for a laptop.

`IRO_MODE` is `production`, `demo` or `test` (docs/adr/0003-application-clock.md): only demo and
test mode let anyone move the application clock.
"""

import os

MODES = ("production", "demo", "test")


def from_environment(instance_path: str) -> dict:
    mode = os.environ.get("IRO_MODE", "production")
    if mode not in MODES:
        raise RuntimeError(f"IRO_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    sqlite_file = os.path.join(instance_path, "iro.sqlite")
    return _smtp() | {
        "IRO_MODE": mode,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),  # unset: see secret_key.py
        # older keys that still open sessions while the key is rotated, comma-separated
        "SECRET_KEY_FALLBACKS": [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()],
        "SQLALCHEMY_DATABASE_URI": _normalise_url(os.environ.get("DATABASE_URL", f"sqlite:///{sqlite_file}")),
        "BPMN_DIR": os.environ.get("IRO_BPMN_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "bpmn")),
        "SCHEDULER_IN_PROCESS": os.environ.get("IRO_SCHEDULER_IN_PROCESS", "1") == "1",
        "SCHEDULER_TICK_SECONDS": float(os.environ.get("IRO_SCHEDULER_TICK_SECONDS", "0.25")),
        "TIMER_LEASE_SECONDS": float(os.environ.get("IRO_TIMER_LEASE_SECONDS", "60")),
        "TIMER_BATCH_SIZE": int(os.environ.get("IRO_TIMER_BATCH_SIZE", "100")),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "iro-service@council.example"),
        # where the links in e-mails point: the address people use to reach the service
        "IRO_BASE_URL": os.environ.get("IRO_BASE_URL", "http://127.0.0.1:5000"),
        # reviews and conferences are booked by date: their calendar events start then, in Europe/London
        "CALENDAR_START": os.environ.get("IRO_CALENDAR_START", "10:00"),
        "CALENDAR_MINUTES": int(os.environ.get("IRO_CALENDAR_MINUTES", "90")),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("IRO_OUTBOX_MAX_ATTEMPTS", "8")),
        # the public pages (docs/domain.md V1-V5): who runs them, and for how long their links work
        "COUNCIL_NAME": os.environ.get("IRO_COUNCIL_NAME", "The council"),
        "TEXT_EMAIL_DOMAIN": os.environ.get("IRO_TEXT_EMAIL_DOMAIN", ""),  # e-mail-to-SMS gateway; "" no texts
        "FEEDBACK_LINK_DAYS": int(os.environ.get("IRO_FEEDBACK_LINK_DAYS", "28")),
        "CHILD_PAGE_DAYS_AFTER_REVIEW": int(os.environ.get("IRO_CHILD_PAGE_DAYS_AFTER_REVIEW", "28")),
        "CHILD_LINK_MIN_AGE": int(os.environ.get("IRO_CHILD_LINK_MIN_AGE", "8")),
        "COMPLAINTS_ROUTE": os.environ.get(
            "IRO_COMPLAINTS_ROUTE", "Call the council's children's complaints team, or write to them at the council."
        ),
        "ADVOCACY_SERVICE": os.environ.get(
            "IRO_ADVOCACY_SERVICE",
            "An advocate can help you say what you think. Ask your IRO or social worker for one.",
        ),
        "PROXY_FIX": os.environ.get("IRO_PROXY_FIX", "0") == "1",
        "HTTPS": os.environ.get("IRO_HTTPS", "0") == "1",  # served over TLS: Secure cookies
        # A diagram may be 2 MB (specs.MAX_FILE_BYTES); the editor posts it form-encoded, which can
        # triple it. Anything larger is refused before it is read.
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 7 * 1024 * 1024,
    }


def settle(config) -> None:
    """Settings that depend on others, once a test's or the environment's are all in.

    Production upgrades SMTP to TLS unless told not to (docs/adr/0015-minimal-personal-data.md), and a
    password is never sent over a connection without it."""
    if config["IRO_MODE"] == "demo" and not config["TEXT_EMAIL_DOMAIN"]:
        config["TEXT_EMAIL_DOMAIN"] = "sms.demo.invalid"  # the demo's texts land on its Sent e-mail page
    if config["IRO_MODE"] == "demo" and config["COUNCIL_NAME"] == "The council":
        config["COUNCIL_NAME"] = "Demo Council"
    if config["SMTP_STARTTLS"] is None:
        config["SMTP_STARTTLS"] = config["IRO_MODE"] == "production"
    if config["SMTP_USERNAME"] and not config["SMTP_STARTTLS"]:
        raise RuntimeError(
            "SMTP_USERNAME is set but SMTP_STARTTLS is 0: the password would cross the network "
            "unencrypted. Set SMTP_STARTTLS=1 (the server must offer STARTTLS)."
        )


def _smtp() -> dict:
    starttls = os.environ.get("SMTP_STARTTLS")
    return {
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "1025")),
        "SMTP_STARTTLS": None if starttls is None else starttls == "1",  # None: by mode, see settle()
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TLS_CA_FILE": os.environ.get("SMTP_TLS_CA_FILE", ""),  # a private authority; else the system's
        "SMTP_TIMEOUT_SECONDS": float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10")),
    }


def _normalise_url(url: str) -> str:
    """Accept the common `postgresql://` form and use psycopg 3 for it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
