"""What every benchmark needs: a migrated SQLite file, the app, and a median."""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from service import create_app  # noqa: E402
from service.db import db  # noqa: E402
from service.diagrams import specs  # noqa: E402

DIAGRAMS = (ROOT / "tests" / "bpmn", ROOT / "bench" / "bpmn")
PEOPLE = {"IRO": {"username": "iro1"}}  # its address: none, as no notice is sent here


def bench_app(**config):
    """A fresh app over a new SQLite file, migrated, with the test and bench diagrams loaded."""
    path = Path(tempfile.mkdtemp(prefix="iro-bench-")) / "bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "IRO_MODE": "test", "SCHEDULER_IN_PROCESS": False, **config}
    )
    with app.app_context():
        upgrade()
        for directory in DIAGRAMS:
            specs.load_directory(str(directory))
        db.session.commit()
    return app


def spiff_round_trip(serializer, engine, saved: str, answer: dict | None = None):
    """Bare SpiffWorkflow, the baseline: deserialize, complete the ready user task, serialize."""
    began = time.perf_counter()
    restored = serializer.deserialize_json(saved)
    restored.script_engine = engine
    task = restored.get_next_task(state=TaskState.READY, manual=True)
    task.set_data(**(answer or {}))
    task.run()
    restored.do_engine_steps()
    serializer.serialize_json(restored)
    return time.perf_counter() - began


def median_ms(samples):
    return statistics.median(samples) * 1000


def report(name, value, detail=""):
    print(f"{name}: {value:.2f}")
    if detail:
        print(f"  ({detail})", file=sys.stderr)
