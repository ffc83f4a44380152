"""`python -m scheduler`: the sweeper as its own process, for deployments with several web workers."""

from service import create_app, load_shipped_specs, logs
from service.workflow import timers

from . import build, owner_name, tick

if __name__ == "__main__":
    logs.configure()
    app = create_app()
    load_shipped_specs(app)
    # timers that fell due while nothing ran fire now, not a tick later
    tick(app, timers.sweep, owner_name())
    build(app, blocking=True).start()
