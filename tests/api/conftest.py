"""The API's tests: a case-management system holding a token, each request in an app context
of its own, as in production."""

import pytest

from service.people import tokens
from tests.support.app import RequestClient
from tests.support.council import SYSTEM


@pytest.fixture
def api(app):
    app.test_client_class = RequestClient
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(SYSTEM)}"
    return client
