"""Entry point: `flask --app run.py ...`, `gunicorn run:app`, or `python run.py` (make run)."""
import logging

from service import create_app, load_shipped_specs

app = create_app()

if __name__ == "__main__":
    import scheduler

    logging.basicConfig(level=logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    load_shipped_specs(app)
    if app.config["SCHEDULER_IN_PROCESS"]:
        scheduler.build(app).start()  # its first tick fires whatever fell due while nothing ran
    app.run(host="127.0.0.1", port=5000, use_reloader=False)
