"""The app as the tests configure it, its clock's starting point, and a test client that
opens an app context per request, as production does."""

from datetime import datetime

from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2.bccache import BytecodeCache

from service import create_app, load_shipped_specs
from service.db import db
from service.diagrams import specs
from service.workflow import timers

from .paths import TEST_BPMN

START = datetime.fromisoformat("2027-04-12T09:00:00+00:00")  # a Monday, outside any bank holiday


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process: each test builds an app of its own, and its Jinja
    environment would compile every template again (most of a page test's time). Jinja checks each
    template's source against what it compiled, so a changed template is compiled afresh."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def config(url, **extra):
    return {"TESTING": True, "IRO_MODE": "test", "SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_IN_PROCESS": False, **extra}


def migrate(url):
    app = create_app(config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def ready(app):
    """Shipped and test diagrams loaded, the clock at START."""
    load_shipped_specs(app)
    with app.app_context():
        specs.load_directory(str(TEST_BPMN))
        timers.move_clock(START, actor="test")


class RequestClient(FlaskClient):
    """Each request in an app context of its own, as in production. The `app` fixture keeps one
    open for the test's own service calls, and Flask would share it, and its `g`, with every
    request; afterwards the test's session starts afresh, to see what the request wrote."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response
