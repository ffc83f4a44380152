"""The demo's own mail server. In demo mode `make run` starts it where the outbox sends
(SMTP_HOST:SMTP_PORT), so the demo's notifications are delivered rather than retried for an
hour; it keeps each message exactly as received in a Maildir (instance/demo-mail, or
DEMO_MAILDIR), which any mail client can open and the Sent e-mail page (demo/sent_mail.py)
lists. Only run.py, in demo mode, and that page, registered only in demo mode, import it.

A message's file name starts with the nanosecond it arrived, so the names sort as the
messages came (a file's modification time is too coarse to order a burst of them).
"""

import email
import email.policy
import itertools
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

PAGE_SIZE = 50
SENT_PAGE = "/mail/sent"


def maildir(app) -> Path:
    """instance/demo-mail; DEMO_MAILDIR (in the app's config) puts a test's elsewhere."""
    return Path(app.config.get("DEMO_MAILDIR") or os.path.join(app.instance_path, "demo-mail"))


def start(app, site: str) -> Controller | None:
    """Listen where the outbox sends and say so; if that address is taken, say where the mail
    goes instead and carry on without it."""
    host, port, folder = app.config["SMTP_HOST"], app.config["SMTP_PORT"], maildir(app)
    try:
        listening = _listen(host, port)
    except OSError as exc:
        print(
            f"Demo mail: cannot listen on {host}:{port} ({exc.strerror}), so the demo's e-mail goes to "
            f"whatever SMTP server is there, not to {folder}",
            flush=True,
        )
        return None
    server = _Controller(_Maildir(folder), listening)
    server.start()
    print(
        f"Demo mail: the SMTP server on {host}:{port} keeps every message in {folder}; read them at {site}{SENT_PAGE}",
        flush=True,
    )
    return server


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or the plain reason why not (socket.create_server adds the address to it)."""
    listening = socket.socket()
    try:
        # as asyncio's servers do: a restart binds at once, while a port something listens on still fails
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen()
    except OSError:
        listening.close()
        raise
    return listening


class _Controller(Controller):
    """aiosmtpd's threaded server on a socket bound already, so that an address in use is found
    at once (Controller.start would wait out its 5 s ready timeout first)."""

    def __init__(self, handler, listening: socket.socket):
        host, port = listening.getsockname()[:2]
        # a name for its greeting: without one, aiosmtpd looks up this machine's in DNS on every connection
        super().__init__(handler, hostname=host, port=port, server_hostname="demo-mail.localhost")
        self._listening = listening

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._listening)


class _Maildir:
    """Delivers each message, its bytes as received, into the Maildir's new/ (written in tmp/ first)."""

    def __init__(self, folder: Path):
        self.folder = folder
        for part in ("tmp", "new", "cur"):
            (folder / part).mkdir(parents=True, exist_ok=True)
        self._count = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}.P{os.getpid()}Q{next(self._count)}.{socket.gethostname()}"
        written = self.folder / "tmp" / name
        written.write_bytes(envelope.original_content)
        os.replace(written, self.folder / "new" / name)
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class Sent:
    received_at: datetime
    sender: str
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class Page:
    messages: list[Sent]
    total: int
    page: int
    pages: int


def received(folder: Path, page: int) -> Page:
    """The messages received, newest first, PAGE_SIZE to a page; a page out of range gives the nearest.
    A mail client that has read a message moves it to cur/, keeping the start of its name."""
    found = sorted(
        (
            (int(entry.name.partition(".")[0]), entry.path)
            for part in ("new", "cur")
            if (folder / part).is_dir()
            for entry in os.scandir(folder / part)
            if entry.name.partition(".")[0].isdigit()
        ),
        reverse=True,
    )
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return Page([_read(path, arrived) for arrived, path in shown], len(found), page, pages)


def _read(path: str, arrived_ns: int) -> Sent:
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    return Sent(
        datetime.fromtimestamp(arrived_ns / 1e9, UTC),
        str(message["From"] or ""),
        str(message["To"] or ""),
        str(message["Subject"] or ""),
        text.get_content() if text else "",
    )
