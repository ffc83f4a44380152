"""Using the pages as a browser would: signing in, the CSRF token of the page a form is on,
and reading what a page says."""

import html
import re

from . import council

NO_DATE = ["", "", ""]  # a browser sends the day, month and year boxes, filled in or not
VALID = {"decision": "no_early_review", "early_review_date": NO_DATE, "reason": "The plan still meets the needs."}


def token(page: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client, username, password=council.PASSWORD, query=""):
    page = client.get(f"/sign-in{query}").text
    return client.post(f"/sign-in{query}", data={"username": username, "password": password, "csrf_token": token(page)})


def post_form(client, url, data, page_url=None):
    """Post as a browser would: with the CSRF token of the page the form is on."""
    return client.post(url, data={**data, "csrf_token": token(client.get(page_url or url).text)})


def submit(client, task_id, page, answers=VALID):
    """Submit the task's form as it was on `page` (its token and instance version)."""
    version = re.search(r'name="instance_version" value="(\d+)"', page).group(1)
    return client.post(
        f"/tasks/{task_id}",
        data={**answers, "action": "submit", "csrf_token": token(page), "instance_version": version},
    )


def client_for(app, username):
    """A new browser, signed in as `username`."""
    client = app.test_client()
    assert sign_in(client, username).location == "/tasks"
    return client


def signed_out(client) -> bool:
    response = client.get("/tasks")
    return response.status_code == 302 and response.location == "/sign-in?next=/tasks"


def text(page: str) -> str:
    """The words of a page, tags and extra spaces left out (to read sentences split by markup)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def ticked(page: str, caption: str) -> list[str]:
    """The rows of a table, named by its caption, that are ticked with an x."""
    table = page.split(caption, 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", "<tr" + row.split("</th>")[0])).strip()
        for row in table.split("<tr")[2:]
        if re.search(r">\s*x<span", row)
    ]


class Auth:
    """The `auth` fixture: one client signing in and out through the pages."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, username, password=council.PASSWORD, query=""):
        return sign_in(self.client, username, password, query)

    def sign_out(self):
        return post_form(self.client, "/sign-out", {}, page_url="/tasks")
