"""The concurrent load of tests/workflow/test_under_load.py, measured: four people, a case-management
system and a clock moving a day every 1.5 s, for 20 s against `python run.py` as `make run`
starts it (scheduler in process, every e-mail failing), on SQLite.

Prints `concurrent_5xx` (must be 0) and `concurrent_requests_per_s`: the answers of every
kind (pages, forms, API calls, clock moves) the clients got per second of the load.
"""

import tempfile
from pathlib import Path

from common import bench_app, report

from service.db import db
from tests.support import load

SECONDS = 20


def main():
    app = bench_app()
    token, children = load.seed(app)
    with app.app_context():
        db.session.remove()
    log = Path(tempfile.mkdtemp(prefix="iro-bench-")) / "server.log"
    with load.serve(app.config["SQLALCHEMY_DATABASE_URI"], log) as base:
        result = load.run(base, token, children, SECONDS)
    detail = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(result.answers.items()))
    print(f"concurrent_5xx: {len(result.server_errors)}")
    report(
        "concurrent_requests_per_s",
        result.requests / result.seconds,
        f"{result.requests} answers in {result.seconds:.1f} s ({detail}); server log {log}",
    )
    if result.failures:
        raise SystemExit(f"clients failed: {result.failures}")


if __name__ == "__main__":
    main()
