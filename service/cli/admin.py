"""The council administrator's commands: passwords, roles, accounts (and whether a social worker is
qualified), sessions and API tokens.

Whoever may run `flask --app run.py ...` with the service's environment and database may
use them: on the server, that is its administrators. Each change is audited with the actor
`cli:<OS user>`, and each refusal (an unknown person, role or token) changes nothing.
"""

import getpass
import os
import sys

import click

from service.db import writing
from service.errors import ServiceError
from service.people import accounts as people
from service.people import roles, sessions, tokens
from service.workflow import audit, clock


def register(app):
    for command in (
        set_password,
        remove_role,
        deactivate,
        reactivate,
        set_qualified,
        sign_out_everywhere,
        list_tokens,
        revoke_token,
    ):
        app.cli.add_command(command)


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"cli:uid {os.getuid()}"


def audited(action: str, **details) -> None:
    with writing():
        audit.record(clock.real_now(), actor(), action, **details)


def _person(username: str):
    try:
        return people.user_by_username(username)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None


def new_password(password_stdin: bool) -> str:
    """A new password from standard input (one line) or asked for twice, hidden; checked
    against the policy before anything changes."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        people.check_new_password(password)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    return password


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
def set_password(username, password_stdin):
    """Set or reset a person's password, ending every session of theirs."""
    user = _person(username)
    ended = people.change_password(user, new_password(password_stdin))
    audited("password_set", username=username, sessions_ended=ended)
    click.echo(f"{username} has a new password; {ended} session(s) ended")


@click.command("remove-role")
@click.argument("username")
@click.argument("role", type=click.Choice(roles.ALL))
def remove_role(username, role):
    """Take a role from a person (for every team or area it is held for), ending their sessions."""
    user = _person(username)
    try:
        people.remove_role(user, role)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    audited("role_removed", username=username, role=role)
    click.echo(f"{username} no longer holds {role}; their sessions have ended")


@click.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Stop a person signing in, and end every session of theirs now."""
    people.set_active(_person(username), False)
    audited("user_deactivated", username=username)
    click.echo(f"{username} is deactivated: they cannot sign in, and their sessions have ended")


@click.command("reactivate")
@click.argument("username")
def reactivate(username):
    """Let a deactivated person sign in again (with their password as it was)."""
    people.set_active(_person(username), True)
    audited("user_reactivated", username=username)
    click.echo(f"{username} can sign in again")


QUALIFIED = {"yes": True, "no": False, "unknown": None}


@click.command("set-qualified")
@click.argument("username")
@click.argument("qualified", type=click.Choice(list(QUALIFIED), case_sensitive=False))
def set_qualified(username, qualified):
    """Say whether a social worker is qualified (yes), an unqualified case holder (no), or not known;
    the RAG notification asks the IRO only while it is not known."""
    people.set_qualified(_person(username).id, QUALIFIED[qualified.lower()], actor=actor())
    words = {"yes": "a qualified social worker", "no": "an unqualified case holder", "unknown": "not known"}
    click.echo(f"{username} is recorded as {words[qualified.lower()]}")


@click.command("sign-out-everywhere")
@click.argument("username")
def sign_out_everywhere(username):
    """End every session of a person, in every browser."""
    user = _person(username)
    with writing():
        ended = sessions.end_all(user.id)
    audited("signed_out_everywhere", username=username, sessions=ended)
    click.echo(f"{ended} session(s) of {username} ended")


@click.command("list-tokens")
def list_tokens():
    """Every API client: its name, when its token was made, expires and was revoked (never the token)."""
    clients = tokens.listing()
    if not clients:
        click.echo("no API clients")
    for client in clients:
        click.echo(
            f"{client.name}\tcreated {client.created_at.isoformat(timespec='seconds')}"
            f"\texpires {_when(client.expires_at, 'never')}\trevoked {_when(client.revoked_at, 'no')}"
        )


@click.command("revoke-token")
@click.argument("name")
def revoke_token(name):
    """Revoke an API client's token: its next call is refused."""
    try:
        tokens.revoke(name)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    audited("token_revoked", client=name)
    click.echo(f"the token of {name} is revoked")


def _when(instant, otherwise: str) -> str:
    return instant.isoformat(timespec="seconds") if instant else otherwise
