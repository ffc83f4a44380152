"""The pages' tests: each request in an app context of its own, as in production."""

import pytest

from tests.support.app import RequestClient


@pytest.fixture
def client(app):
    app.test_client_class = RequestClient
    return app.test_client()
