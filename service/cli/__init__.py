"""Command-line tools: `flask --app run.py clock ...`, `specs load`, `outbox deliver`, `take-on`."""

import csv
import smtplib
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from service.casework import children as cases
from service.cli import admin as admin_cli
from service.db import db, writing
from service.demo import council as demo
from service.diagrams import deadline_register, specs
from service.errors import ServiceError
from service.models import Child
from service.people import accounts as people
from service.people import roles, tokens
from service.workflow import clock, mail, outbox, timers


def register(app):
    app.cli.add_command(clock_group)
    app.cli.add_command(specs_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(mail_test)
    app.cli.add_command(create_team)
    app.cli.add_command(create_user)
    app.cli.add_command(grant_role)
    app.cli.add_command(create_token)
    app.cli.add_command(take_on)
    app.cli.add_command(deadlines)
    app.cli.add_command(demo.demo_group)
    admin_cli.register(app)


@click.group("clock", help="Show or move the application clock (demo and test mode only).")
def clock_group():
    pass


@clock_group.command("show")
def clock_show():
    click.echo(clock.now().isoformat())


@clock_group.command("set")
@click.argument("instant")
def clock_set(instant):
    """Move the clock to INSTANT (ISO 8601 with a UTC offset) and fire what became due."""
    try:
        target = datetime.fromisoformat(instant)
    except ValueError:
        raise click.BadParameter(f"{instant!r} is not an ISO 8601 instant") from None
    _move(target)


@clock_group.command("advance")
@click.argument("days", type=float)
def clock_advance(days):
    """Move the clock DAYS forward and fire what became due."""
    _move(clock.now() + timedelta(days=days))


def _move(target):
    try:
        fired = timers.move_clock(target, actor="cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"now {clock.now().isoformat()}; {fired} instance(s) moved on by their timers")


@click.group("specs", help="Versioned BPMN and DMN files.")
def specs_group():
    pass


@specs_group.command("load")
def specs_load():
    """Store every file in the bpmn directory whose content is new."""
    try:
        created = specs.load_directory(current_app.config["BPMN_DIR"], author="cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    for version in created:
        click.echo(f"{version.file_name}: version {version.number}")
    click.echo(f"{len(created)} new version(s)")


@click.command("deadlines")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False),
    help="read the diagrams in this folder instead of the newest deployed versions",
)
def deadlines(directory):
    """Print the deadline register as a Markdown table: every deadline of the diagrams, its
    reminder and who is told when it is missed, read from the diagrams themselves (the newest
    deployed versions; the shipped bpmn/ folder where nothing is deployed yet)."""
    if directory is None:
        files = {v.file_name: v.content for v in specs.latest_versions()}
        directory = None if files else current_app.config["BPMN_DIR"]
    if directory is not None:
        files = {path.name: path.read_bytes() for path in sorted(Path(directory).glob("*.bpmn"))}
    click.echo(deadline_register.as_markdown(deadline_register.register(files)))


@click.group("outbox", help="Notifications waiting to be sent.")
def outbox_group():
    pass


@outbox_group.command("deliver")
def outbox_deliver():
    click.echo(f"{outbox.deliver_due('cli')} message(s) sent")


@click.command("mail-test")
@click.argument("address")
@with_appcontext
def mail_test(address):
    """Send one test message to ADDRESS with the SMTP settings, to check them."""
    config = current_app.config
    try:
        mail.send(config, mail.check_message(config, address))
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        raise click.ClickException(f"not sent through {mail.describe(config)}: {type(exc).__name__}: {exc}") from None
    click.echo(f"sent a test message to {address} through {mail.describe(config)}")


def _committed(action):
    """Run a change in one writer transaction, and turn a refusal into a clear CLI error."""
    try:
        with writing():
            return action()
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("create-team")
@click.argument("code")
@click.argument("name")
@click.option("--area", required=True, help="the service area (whose ISM and Head of Service manage it)")
def create_team(code, name, area):
    """Add a team that owns cases."""
    _committed(lambda: people.create_team(code, name, area))
    admin_cli.audited("team_created", code=code, name=name, area=area)
    click.echo(f"team {code} in {area}")


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--fte", type=float, help="for IROs: full-time equivalent")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_user(username, name, email, fte, password_stdin):
    """Add a person who signs in; their password is asked for twice (hidden) and must meet the policy."""
    password = admin_cli.new_password(password_stdin)
    _committed(lambda: people.create_user(username, name, email, password, fte))
    admin_cli.audited("user_created", username=username)
    click.echo(f"user {username} created")


@click.command("grant-role")
@click.argument("username")
@click.argument("role", type=click.Choice(roles.ALL))
@click.option("--team", help="team code, for a Team Manager")
@click.option("--area", help="service area, for an ISM or Head of Service")
def grant_role(username, role, team, area):
    """Give a person a role (a person may hold several)."""
    _committed(lambda: people.grant(people.user_by_username(username), role, team, area))
    admin_cli.audited("role_granted", username=username, role=role, team=team, area=area)
    click.echo(f"{username} is now {role}" + (f" for {team or area}" if team or area else ""))


@click.command("create-token")
@click.argument("name")
@click.option("--expires-in-days", type=float, help="the token stops working this many days from now")
def create_token(name, expires_in_days):
    """Register an API client and print its bearer token (shown once)."""
    try:
        token = tokens.create(name, expires_in_days)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    admin_cli.audited("token_created", client=name, expires_in_days=expires_in_days)
    click.echo(token)


TAKE_ON_COLUMNS = (
    "case_number",
    "date",
    "legal_status",
    "placement_type",
    "placement_regulated",
    "iro",
    "next_review_number",
    "next_review_due",
)


@click.command("take-on")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
@click.option("--no-notify", is_flag=True, help="import history: send no reminder or notice for deadlines already past")
def take_on(csv_file, no_notify):
    """Take on children already looked after when the service starts (or transferred in).

    CSV_FILE has the columns case_number, date (when the child became looked after),
    legal_status, placement_type, placement_regulated (yes/no), iro (username),
    next_review_number and next_review_due (YYYY-MM-DD). The children must exist. Each
    row is its own transaction; a refused row is reported with its line and skipped. Deadlines
    already missed (a next review past its due date) give one overdue notice each, unless
    --no-notify is given.
    """
    reader = csv.DictReader(csv_file)
    missing = [c for c in TAKE_ON_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise click.ClickException(f"the file has no column {', '.join(missing)}")
    taken = 0
    for line, row in enumerate(reader, start=2):
        child_id = db.session.scalar(select(Child.id).where(Child.case_number == row["case_number"]))
        if child_id is None:
            click.echo(f"line {line}: no child with case number {row['case_number']!r}", err=True)
            continue
        body = {
            "date": row["date"],
            "legal_status": row["legal_status"],
            "placement_type": row["placement_type"],
            "placement_regulated": row["placement_regulated"].strip().lower() in ("yes", "true", "y", "1"),
            "iro": row["iro"],
            "next_review_due": row["next_review_due"],
            "next_review_number": int(row["next_review_number"])
            if row["next_review_number"].isascii() and row["next_review_number"].isdigit()
            else row["next_review_number"],
            **({"notify": False} if no_notify else {}),
        }
        try:
            cases.take_on(child_id, body, actor="cli")
            taken += 1
        except ServiceError as refused:  # the unit of work rolled back its own writes
            click.echo(f"line {line}: {refused}", err=True)
    click.echo(f"{taken} child(ren) taken on")
