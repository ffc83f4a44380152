"""Fixtures for every test: a migrated database per test (SQLite file; PostgreSQL for marked
tests), the app on it with the clock at START, a client, the test council (`town`) and `auth`
to sign the client in and out. Helpers are in tests/support/; a folder's own conftest.py adds
what only its tests need."""

import os
import secrets
import shutil

import pytest
from sqlalchemy import create_engine, text

from service import create_app, load_shipped_specs
from service.db import db
from service.diagrams import specs
from tests.support import council
from tests.support.app import COMPILED_TEMPLATES, config, migrate, ready
from tests.support.pages import Auth
from tests.support.paths import TEST_BPMN

pytest_plugins = ["tests.support.smtp_server"]  # the `smtp` and `secured_smtp` fixtures


def pytest_generate_tests(metafunc):
    """Every test that uses a database runs on SQLite; those marked `postgres` also on PostgreSQL."""
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres"):
            backends.append("postgresql")
        metafunc.parametrize("backend", backends, scope="function")


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated database holding the shipped and test diagrams, copied for each test:
    storing a diagram checks it, which is too slow to repeat for every test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    url = f"sqlite:///{path}"
    migrate(url)
    app = create_app(config(url))
    load_shipped_specs(app)
    with app.app_context():
        specs.load_directory(str(TEST_BPMN))
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_ready():
    url = _postgres_url()
    if url is None:
        pytest.skip("PostgreSQL tests need DATABASE_URL=postgresql://...; .ci/run sets it to 127.0.0.1:5432/test")
    try:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:  # no server: skip with the reason, never pass silently
        pytest.skip(f"PostgreSQL not reachable at {url}: {type(exc).__name__}")
    migrate(url)
    return url


@pytest.fixture
def database_url(backend, request, tmp_path):
    if backend == "sqlite":
        path = tmp_path / "iro.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_ready")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")
            )
        ]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def app_factory(database_url):
    made = []

    def make(**extra):
        if extra.get("IRO_MODE") == "production":  # production refuses to start without a key of its own
            extra.setdefault("SECRET_KEY", secrets.token_hex(32))
        app = create_app(config(database_url, **extra))
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    ready(app)
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def town(app):
    """The test council: its staff in every role and a few children."""
    return council.build()


@pytest.fixture
def auth(client):
    """Signing `client` in and out as the test council's staff."""
    return Auth(client)
