"""What every response says about itself: the API's answers stay out of caches like the pages,
and ids in paths are ASCII digits, so one thing has one address."""

import pytest

from tests.support.app import RequestClient
from tests.support.pages import sign_in


@pytest.fixture
def browser(app):
    app.test_client_class = RequestClient
    return app.test_client()


def test_every_api_answer_is_no_store_success_and_error_alike(api, town):
    for method, path, body, status in [
        ("get", f"/api/v1/children/{town.north_child}", None, 200),
        ("get", "/api/v1/tasks", None, 200),
        ("get", "/api/v1/health", None, 200),
        ("post", "/api/v1/children", {"name": ["a", "b"]}, 422),
        ("get", "/api/v1/children/999999", None, 404),
        ("get", "/api/v1/no-such-thing", None, 404),
        ("delete", "/api/v1/tasks", None, 405),
        ("get", "/api/v1/reports/ssda903-reviews?from=2027-01-01&to=2027-03-31", None, 200),
    ]:
        response = getattr(api, method)(path, json=body)
        assert response.status_code == status, (path, response.get_data(as_text=True))
        assert response.headers["Cache-Control"] == "no-store", path
    anonymous = api.get("/api/v1/tasks", headers={"Authorization": ""})
    assert anonymous.status_code == 401 and anonymous.headers["Cache-Control"] == "no-store"


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("digits", [FULLWIDTH, ARABIC_INDIC])
def test_an_id_in_other_digits_is_no_id_in_the_api(api, town, digits):
    child = str(town.north_child)
    assert api.get(f"/api/v1/children/{child}").json["id"] == town.north_child
    other = api.get(f"/api/v1/children/{child.translate(digits)}")
    assert other.status_code == 404 and "there is no /api/v1/children/" in other.json["error"]
    assert api.post(f"/api/v1/tasks/{'1'.translate(digits)}/complete", json={"data": {}}).status_code == 404


@pytest.mark.parametrize("digits", [FULLWIDTH, ARABIC_INDIC])
def test_an_id_in_other_digits_is_no_id_on_the_pages(browser, town, digits):
    sign_in(browser, "iro1")
    child = str(town.north_child)
    assert browser.get(f"/children/{child}").status_code == 200
    assert browser.get(f"/children/{child.translate(digits)}").status_code == 404


def test_an_id_larger_than_any_row_can_have_is_not_found_before_any_query(browser, town):
    sign_in(browser, "iro1")
    for path in ("/children/2147483648", "/tasks/99999999999999999999", "/alerts/2147483648"):
        assert browser.get(path).status_code == 404, path
