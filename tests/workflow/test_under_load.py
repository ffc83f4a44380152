"""No request fails because another writer holds the database (issue 13, docs/adr/0002):
the real server as `make run` starts it, under four people, a case-management system and a
moving clock at once, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from service.db import db
from service.models import OutboxMessage, Timer, TimerStatus
from tests.support import load

SECONDS = 20  # the load; with the server's start and the seeding, under 60 s


@pytest.mark.server
@pytest.mark.postgres
def test_concurrent_people_the_api_and_the_scheduler_get_no_server_error(app, database_url, tmp_path):
    token, children = load.seed(app)
    db.session.remove()
    log = tmp_path / "server.log"
    with load.serve(database_url, log) as base:
        result = load.run(base, token, children, SECONDS)

    assert result.failures == [], result.failures
    assert result.server_errors == [], f"{len(result.server_errors)} 5xx of {result.requests}; see {log}"
    assert result.seconds < SECONDS + 15
    done = {
        kind: result.count(kind, status)
        for kind, status in [
            ("sign in", 302),
            ("mark all read", 302),
            ("task submit", 302),
            ("api event", 202),
            ("api complete", 200),
            ("clock", 200),
        ]
    }
    assert all(n > 0 for n in done.values()), dict(result.answers)
    assert result.count("sign in", 302) >= 4 * len(load.PEOPLE)
    # the scheduler fired timers and the outbox tried, and failed, to send their mail meanwhile
    assert db.session.scalar(select(func.count()).select_from(Timer).where(Timer.status == TimerStatus.FIRED)) > 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.attempts > 0)) > 0
