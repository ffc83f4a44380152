"""An unexpected error: a GOV.UK page (or JSON from the API) with a reference the log also has,
and nothing of the case in the log."""

import logging
import re

import pytest

from service.people import tokens
from service.tasks import worklist
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import sign_in

CASE_DATA = "Sam Smith, case 4120389A"


def _failing(*args, **kwargs):
    raise RuntimeError(f"could not list the tasks of {CASE_DATA}")


@pytest.fixture
def client(app):
    app.test_client_class = RequestClient
    council.build()
    return app.test_client()


def _logged(caplog) -> str:
    [record] = [r for r in caplog.records if r.name == "service.incidents"]
    assert record.levelno == logging.ERROR
    return record.getMessage()


def test_a_page_that_fails_shows_a_reference_that_the_log_has_with_the_traceback(client, caplog, monkeypatch):
    sign_in(client, "iro1")
    monkeypatch.setattr(worklist, "my_tasks", _failing)
    response = client.get("/tasks")
    assert response.status_code == 500
    page = response.text
    assert "govuk-frontend.min.css" in page and '<h1 class="govuk-heading-l">Sorry, there is a problem' in page
    reference = re.search(r'app-reference">([0-9a-f]{8})<', page).group(1)
    logged = _logged(caplog)
    assert logged.startswith(f"incident {reference}: RuntimeError on GET /tasks")
    assert "Traceback" in logged and "in _failing" in logged
    assert "Sam" not in logged and "4120389A" not in logged and CASE_DATA not in page


def test_the_api_answers_json_with_the_reference(app, caplog, monkeypatch):
    app.test_client_class = RequestClient
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create('case-system')}"
    monkeypatch.setattr("service.api._query", _failing)
    response = api.get("/api/v1/tasks")
    assert response.status_code == 500
    body = response.get_json()
    assert set(body) == {"error", "reference"} and re.fullmatch(r"[0-9a-f]{8}", body["reference"])
    logged = _logged(caplog)
    assert logged.startswith(f"incident {body['reference']}: RuntimeError on GET /api/v1/tasks")
    assert "4120389A" not in logged and "4120389A" not in response.text
