"""A scheduler process for the tests: `python -m tests.support.sweeper_process URL OWNER MODE`.

MODE `sweep` sweeps until nothing is due and prints how many instances it moved on.
MODE `claim-then-hang` claims due timers, fires them inside a transaction, then
waits on stdin before committing, so the test can kill it at the worst moment.
"""

import sys

from service import create_app
from service.workflow import timers
from service.workflow.unit_of_work import UnitOfWork


def main(url, owner, mode):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "IRO_MODE": "test", "SCHEDULER_IN_PROCESS": False, "TIMER_BATCH_SIZE": 25}
    )
    with app.app_context():
        if mode == "sweep":
            print(timers.sweep(owner), flush=True)
            return
        claimed = timers.claim_due(owner, limit=10)
        with UnitOfWork(owner) as uow:
            for instance_id, group in timers.group_by_instance(claimed):
                timers.fire_instance(uow, instance_id, group)
            print(f"claimed {len(claimed)}", flush=True)
            sys.stdin.readline()  # killed here, before the commit


if __name__ == "__main__":
    main(*sys.argv[1:])
