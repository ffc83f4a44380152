"""One logging set-up for the web process (`python run.py`) and the scheduler (`python -m scheduler`).

INFO unless IRO_LOG_LEVEL says otherwise. At INFO the log says what the service did (the
scheduler: how many instances its timers moved on and how many e-mails it sent, counts only);
the libraries' own chatter shows at DEBUG only: SpiffWorkflow logs every task's state change
at INFO (hundreds of lines a clock move), APScheduler every tick, and the demo mail server
every SMTP command, addresses included.
"""

import logging
import os

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
