"""`python -m scheduler`: the sweeper as its own process, for deployments with several web workers."""
import logging

from service import create_app, load_shipped_specs

from . import build

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    app = create_app()
    load_shipped_specs(app)
    with app.app_context():  # timers that fell due while nothing ran fire now, not a tick later
        from service import timers
        from . import owner_name
        timers.sweep(owner_name())
    build(app, blocking=True).start()
