"""The log of the web process and the scheduler (service.logs): at INFO, what the scheduler
did, in counts; SpiffWorkflow's every task state, APScheduler's every tick and the demo mail
server's every command only at DEBUG. The probe saw 233 KB for one clock move."""

import io
import logging
from datetime import timedelta

import pytest

import scheduler
from service import logs
from service.workflow import clock, outbox, timers
from service.workflow import working_days as calendar
from tests.support.app import START, ready
from tests.support.harness import Harness, create_people

INSTANCES = 30  # each waits on a reminder and an escalation


@pytest.fixture
def captured():
    """The root log as text, with the process's logging put back afterwards."""
    root, saved = logging.getLogger(), {name: logging.getLogger(name).level for name in logs.CHATTY}
    root_level, text = root.level, io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    yield text
    root.removeHandler(handler)
    root.setLevel(root_level)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def timers_due(app) -> None:
    """INSTANCES processes whose two timers are all due, the clock moved past them without firing."""
    run = Harness(app, restart=False)
    for number in range(INSTANCES):
        run.start("reminder_escalation", child_id=str(1000 + number))
    clock.move_to(START + timedelta(days=30), "test")


def test_a_sweep_over_many_timers_logs_one_line_of_counts_at_info(app, captured):
    assert logs.configure({}) == logging.INFO
    timers_due(app)
    scheduler.tick(app, timers.sweep, "test-sweeper")
    lines = captured.getvalue().splitlines()
    assert lines == [f"INFO scheduler: timers moved {INSTANCES} instances on"]
    assert not any(str(1000 + number) in captured.getvalue() for number in range(INSTANCES))


def test_the_engines_own_lines_show_at_debug(app, captured):
    assert logs.configure({"IRO_LOG_LEVEL": "debug"}) == logging.DEBUG
    timers_due(app)
    scheduler.tick(app, timers.sweep, "test-sweeper")
    assert " spiff." in captured.getvalue()
    assert f"INFO scheduler: timers moved {INSTANCES} instances on" in captured.getvalue()


def test_a_delivery_tick_logs_how_many_e_mails_went_and_to_nobody_named(app_factory, smtp, captured):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    ready(app)
    with app.app_context():
        create_people()
        run = Harness(app, restart=False)
        run.start("reminder_escalation")
        run.move_to(calendar.deadline_after_working_days(START, 5) + timedelta(seconds=1))
    logs.configure({})
    scheduler.tick(app, outbox.deliver_due, "test-sender")
    assert len(smtp.received) == 2
    assert captured.getvalue().splitlines() == ["INFO scheduler: sent 2 e-mails"]


def test_a_tick_that_did_nothing_logs_nothing(app, captured):
    logs.configure({})
    scheduler.tick(app, timers.sweep, "test-sweeper")
    assert captured.getvalue() == ""


def test_an_unknown_level_stops_the_process_naming_the_levels():
    with pytest.raises(SystemExit, match="IRO_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not 'LOUD'"):
        logs.configure({"IRO_LOG_LEVEL": "loud"})
