"""The key that signs session cookies: production refuses to start without a strong one of its
own, a cookie signed with a key published in the source opens nothing, and a key can be rotated."""

import subprocess
import sys

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from service import create_app, secret_key
from tests.support import council
from tests.support.app import RequestClient, config, migrate
from tests.support.pages import sign_in
from tests.support.paths import ROOT

STRONG = "0" * 16 + "a-strong-key-made-for-this-test-only" + "1" * 16
OTHER = "9" * 16 + "the-key-after-rotation-for-this-test" + "8" * 16


def _production(database_url, **extra):
    return create_app(config(database_url, IRO_MODE="production", **extra))


def test_production_mode_refuses_to_start_without_a_secret_key_and_says_how_to_make_one(database_url):
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set") as refused:
        _production(database_url)
    assert 'python -c "import secrets; print(secrets.token_hex(32))"' in str(refused.value)


def test_production_mode_refuses_a_short_key_and_every_mode_a_published_one(database_url):
    with pytest.raises(RuntimeError, match="SECRET_KEY is shorter than 32 characters"):
        _production(database_url, SECRET_KEY="short-but-set")
    for published in secret_key.PUBLISHED:
        with pytest.raises(RuntimeError, match="SECRET_KEY holds a key published in the service's source"):
            _production(database_url, SECRET_KEY=published)
        with pytest.raises(RuntimeError, match="SECRET_KEY holds a key published"):
            create_app(config(database_url, SECRET_KEY=published))
        with pytest.raises(RuntimeError, match="SECRET_KEY_FALLBACKS holds a key published"):
            _production(database_url, SECRET_KEY=STRONG, SECRET_KEY_FALLBACKS=[published])


@pytest.mark.server
def test_the_server_itself_refuses_to_start_in_production_without_a_key(tmp_path):
    """As an administrator would meet it: `flask` in production mode with SECRET_KEY unset."""
    env = {
        "IRO_MODE": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
    }
    ran = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run.py", "clock", "show"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode != 0
    assert "SECRET_KEY is not set" in ran.stderr and "secrets.token_hex(32)" in ran.stderr


def test_the_key_in_the_source_is_gone_and_listed_as_published():
    source = "\n".join(p.read_text() for p in (ROOT / "service").rglob("*.py") if p.name != "secret_key.py")
    assert all(published not in source for published in secret_key.PUBLISHED)


def _resigned(app, cookie: str, key: str) -> str:
    """The same session, signed again with `key`: what someone knowing `key` could forge."""
    payload = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)
    forger = Flask("forger")
    forger.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(payload)


@pytest.mark.parametrize("mode", ["test", "production"])
def test_a_session_cookie_forged_with_a_published_key_gets_the_sign_in_page(database_url, mode):
    extra = {"SECRET_KEY": STRONG} if mode == "production" else {}
    app = create_app(config(database_url, IRO_MODE=mode, **extra))
    app.test_client_class = RequestClient
    with app.app_context():
        council.staff()
        client = app.test_client()
        assert sign_in(client, "ceo").location == "/tasks"
        genuine = client.get_cookie("session").value
        client.set_cookie("session", _resigned(app, genuine, app.secret_key))  # the forging itself works
        assert client.get("/tasks").status_code == 200
        for published in secret_key.PUBLISHED:
            forger = app.test_client()
            forger.set_cookie("session", _resigned(app, genuine, published))
            response = forger.get("/tasks")
            assert response.status_code == 302 and response.location == "/sign-in?next=/tasks"


def test_demo_and_test_mode_keep_one_random_key_per_database(database_url, tmp_path):
    first, again = create_app(config(database_url)), create_app(config(database_url))
    assert first.secret_key == again.secret_key and len(first.secret_key) == 64
    assert first.secret_key not in secret_key.PUBLISHED
    elsewhere = f"sqlite:///{tmp_path / 'other.sqlite'}"
    migrate(elsewhere)
    assert create_app(config(elsewhere)).secret_key != first.secret_key


def test_a_rotated_key_kept_as_a_fallback_still_opens_the_sessions_it_signed(database_url):
    before = _production(database_url, SECRET_KEY=STRONG)
    before.test_client_class = RequestClient
    with before.app_context():
        council.staff()
        client = before.test_client()
        sign_in(client, "iro1")
        cookie = client.get_cookie("session").value
    for fallbacks, status in (([STRONG], 200), ([], 302)):
        after = _production(database_url, SECRET_KEY=OTHER, SECRET_KEY_FALLBACKS=fallbacks)
        after.test_client_class = RequestClient
        with after.app_context():
            browser = after.test_client()
            browser.set_cookie("session", cookie)
            assert browser.get("/tasks").status_code == status, fallbacks
