"""The IRO workflow service: Flask app factory.

Flask knows nothing of SpiffWorkflow and SpiffWorkflow nothing of Flask; both talk
through the service modules (instances, timers, outbox), so a test can run a whole
process without HTTP.
"""

import os

from flask import Flask
from flask_migrate import Migrate
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import logs, secret_key
from .db import db as database  # keeps `service.db` the module, which migrations import
from .db import guard_writes

migrate = Migrate()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config_module.settle(app.config)
    secret_key.check(app.config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module._normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Writers lock what they change and re-read under the lock (service.db.writing), so a
        # statement sees what committed before it; stricter levels would only add retries.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("isolation_level", "READ COMMITTED")
    if app.config["PROXY_FIX"]:  # behind a reverse proxy: the client's address and scheme from its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    database.init_app(app)
    if app.config["IRO_MODE"] == "test":
        with app.app_context():
            guard_writes(database.engine)
    if not app.config["SECRET_KEY"]:  # demo and test mode only: check() refused production
        app.config["SECRET_KEY"] = secret_key.per_database(app)
    migrate.init_app(app, database, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))

    from . import api, cli, public, routing, web

    routing.init_app(app)  # before any route is added: rules read their converters as they are added
    app.register_blueprint(api.bp)
    web.init_app(app)
    app.register_blueprint(public.bp)  # the pages for people without an account, apart from the staff's
    logs.hide_link_tokens()
    if app.config["IRO_MODE"] == "demo":  # imported only here: nothing outside the demo loads its mail server
        from .demo import sent_mail

        app.register_blueprint(sent_mail.bp)
    cli.register(app)
    connect_layers()
    return app


def connect_layers() -> None:
    """Hand the lower packages what only a higher one knows, so imports run one way only:
    the unit of work applies the diagram's case records with casework's rules, and the
    diagram checks know the task forms' names."""
    import forms

    from .casework import case_records
    from .diagrams import checks
    from .workflow import unit_of_work

    unit_of_work.apply_records_with(case_records.apply)
    checks.know_forms(forms.FORMS)


def load_shipped_specs(app: Flask) -> list:
    """Store every diagram in bpmn/ whose content is new (run at start-up)."""
    from service.diagrams import specs

    with app.app_context():
        return specs.load_directory(app.config["BPMN_DIR"])
