"""Entry point: `flask --app run.py ...`, `gunicorn run:app`, or `python run.py` (make run)."""

import os

from service import create_app, load_shipped_specs, logs, serving
from service.demo import council as demo

app = create_app()

if __name__ == "__main__":
    import scheduler

    logs.configure()
    port = int(os.environ.get("IRO_PORT", "5000"))
    site = f"http://127.0.0.1:{port}"
    load_shipped_specs(app)
    if app.config["IRO_MODE"] == "demo":
        from service.demo import mail_server as demo_mail

        demo.load_if_empty(app, site)  # `make run` on a fresh database opens on the demo council
        demo_mail.start(app, site)  # before the scheduler, whose first tick sends the mail queued
    if app.config["SCHEDULER_IN_PROCESS"]:
        scheduler.build(app).start()  # its first tick fires whatever fell due while nothing ran
    app.run(host="127.0.0.1", port=port, use_reloader=False, request_handler=serving.QuietRequestHandler)
