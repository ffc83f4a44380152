"""One logging set-up for the web process (`python run.py`) and the scheduler (`python -m scheduler`).

INFO unless IRO_LOG_LEVEL says otherwise. At INFO the log says what the service did (the
scheduler: how many instances its timers moved on and how many e-mails it sent, counts only);
the libraries' own chatter shows at DEBUG only: SpiffWorkflow logs every task's state change
at INFO (hundreds of lines a clock move), APScheduler every tick, and the demo mail server
every SMTP command, addresses included.
"""

import logging
import os
import re

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
CHATTY = ("spiff", "apscheduler", "mail.log")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(environ=os.environ) -> int:
    """Set the level of the process's log from IRO_LOG_LEVEL; return it."""
    name = environ.get("IRO_LOG_LEVEL", "INFO").strip().upper()
    if name not in LEVELS:
        raise SystemExit(f"IRO_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {name!r}")
    level = getattr(logging, name)
    logging.basicConfig(format=FORMAT)
    logging.getLogger().setLevel(level)
    for logger in CHATTY:
        logging.getLogger(logger).setLevel(logging.DEBUG if level == logging.DEBUG else max(level, logging.WARNING))
    return level


class HideLinkTokens(logging.Filter):
    """Request lines name `/l/[link]`, never a public link's token: a token in a log would open the
    page for whoever reads it (docs/domain.md V1). A calendar feed's secret likewise."""

    TOKEN = re.compile(r"/(l|calendar/feed)/[A-Za-z0-9_-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and ("/l/" in record.msg or "/feed/" in record.msg):
            record.msg = self._hide(record.msg)
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(self._hide(a) for a in record.args)
        elif isinstance(record.args, dict):  # gunicorn's access log formats from a dict
            record.args = {k: self._hide(v) for k, v in record.args.items()}
        return True

    def _hide(self, value):
        return self.TOKEN.sub(r"/\1/[link]", value) if isinstance(value, str) else value


def hide_link_tokens() -> None:
    """On the loggers that write request lines: werkzeug's (run.py) and gunicorn's access log."""
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideLinkTokens) for f in logger.filters):
            logger.addFilter(HideLinkTokens())
