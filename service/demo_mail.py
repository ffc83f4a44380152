"""The demo's own mail server. In demo mode `make run` starts it where the outbox sends
(SMTP_HOST:SMTP_PORT), so the demo's notifications are delivered rather than retried for an
hour; it keeps each message exactly as received in a Maildir (instance/demo-mail, or
DEMO_MAILDIR), which any mail client can open. Only run.py, in demo mode, imports it.

A message's file name starts with the nanosecond it arrived, so the names sort as the
messages came (a file's modification time is too coarse to order a burst of them).
"""
import itertools
import os
import socket
import time
from pathlib import Path

from aiosmtpd.controller import Controller

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
        print(f"Demo mail: cannot listen on {host}:{port} ({exc.strerror}), so the demo's e-mail goes to "
              f"whatever SMTP server is there, not to {folder}", flush=True)
        return None
    server = _Controller(_Maildir(folder), listening)
    server.start()
    print(f"Demo mail: the SMTP server on {host}:{port} keeps every message in {folder}; "
          f"read them at {site}{SENT_PAGE}", flush=True)
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
