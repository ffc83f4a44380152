"""Unexpected errors: the person sees a short reference, and the log has it with the traceback.

A support person searches the log for the reference the user reads out. What is logged is
the route (its pattern, not the path), the exception types and the code's stack: never an
exception's message nor a frame's values, since those can carry case data (a name, a
statement's parameters).
"""

import logging
import secrets
import traceback

from flask import request

log = logging.getLogger(__name__)


def record(error: BaseException) -> str:
    """Log the error under a new reference and return the reference."""
    reference = secrets.token_hex(4)
    route = request.url_rule.rule if request.url_rule else "(no route)"
    log.error(
        "incident %s: %s on %s %s\n%s",
        reference,
        type(error).__name__,
        request.method,
        route,
        _stack_without_messages(error),
    )
    return reference


def _stack_without_messages(error: BaseException) -> str:
    lines = []
    for part in traceback.TracebackException.from_exception(error).format(chain=True):
        if part.startswith(("Traceback", "  File", "\nThe above", "\nDuring handling", "    ")):
            lines.append(part)
        else:  # "Type: message": the type only
            lines.append(part.split(":", 1)[0].rstrip() + "\n")
    return "".join(lines).rstrip()
