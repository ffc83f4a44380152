"""`python run.py` serves with a handler that names the service, not the server's and Python's
versions (the probe saw `Werkzeug/3.1.9 Python/3.11.7`)."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from werkzeug.serving import make_server

from service import serving
from tests.support.paths import ROOT as REPOSITORY

ROOT = str(REPOSITORY)


@pytest.fixture
def served(app):
    """The app on a real werkzeug server, on a free port, with run.py's request handler."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=serving.QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


@pytest.mark.parametrize("path", ["/api/v1/health", "/sign-in", "/no-such-page"])
def test_the_server_header_names_the_service_and_no_versions(served, path):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status in (200, 404)
    assert response.getheader("Server") == "IRO"
    assert "Werkzeug" not in str(response.headers) and "Python" not in str(response.headers)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.server
def test_python_run_py_answers_with_the_service_name_only(database_url, tmp_path):
    """`python run.py` itself, as `make run` starts it (test mode, on a prepared database)."""
    port = free_port()
    environ = {
        **os.environ,
        "IRO_MODE": "test",
        "DATABASE_URL": database_url,
        "IRO_PORT": str(port),
        "IRO_SCHEDULER_IN_PROCESS": "0",
        "SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40,
        "PYTHONPATH": ROOT,
    }
    log = open(tmp_path / "run.log", "w+")  # noqa: SIM115 (the server writes to it until the test stops it)
    process = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=environ, stdout=log, stderr=log)
    try:
        response = None
        deadline = time.monotonic() + 60
        while response is None and time.monotonic() < deadline and process.poll() is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/v1/health")
                response = connection.getresponse()
                response.read()
            except OSError:
                time.sleep(0.1)  # the process is still starting; nothing here waits on the clock
        assert response is not None, log.seek(0) or log.read()
        assert response.status == 200 and response.getheader("Server") == "IRO"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
