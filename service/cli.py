"""Command-line tools: `flask --app run.py clock ...`, `specs load`, `outbox deliver`."""
from datetime import datetime, timedelta

import click
from flask import current_app

from . import clock, outbox, specs, timers
from .db import db
from .errors import ServiceError


def register(app):
    app.cli.add_command(clock_group)
    app.cli.add_command(specs_group)
    app.cli.add_command(outbox_group)


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
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for version in created:
        click.echo(f"{version.file_name}: version {version.number}")
    click.echo(f"{len(created)} new version(s)")


@click.group("outbox", help="Notifications waiting to be sent.")
def outbox_group():
    pass


@outbox_group.command("deliver")
def outbox_deliver():
    click.echo(f"{outbox.deliver_due('cli')} message(s) sent")
