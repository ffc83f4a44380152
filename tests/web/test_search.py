"""Finding a child from the header's search box: by name, date of birth or case number in any of its
formats, only among the children the person may see."""

import re

import pytest

from service.casework import children as cases
from service.casework import search
from service.db import db
from service.people.accounts import identity, user_by_username
from service.voices import links
from tests.support import council
from tests.support.pages import text
from tests.voices.test_links import feedback_link


def who(username):
    return identity(user_by_username(username).id)


def found(client, query):
    """The names of the children the results list, in order."""
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200, response.status_code
    return re.findall(r'href="/children/\d+">([^<]+)</a>', response.text)


@pytest.fixture
def west(town):
    """A third child whose case number has the CCC...PER format: team NE, sw.north, no IRO."""
    return cases.create_child(
        {"case_number": "CCC000054405PER", "name": "Cy West", "dob": "2015-06-07", "gender": "M"}
        | {"team": "NE", "social_worker": "sw.north"},
        actor="test",
    ).id


@pytest.mark.parametrize(
    "query, child",
    [
        ("4120389A", "Alex North"),  # digits and a letter
        ("4120389a", "Alex North"),  # any case
        (" 412 0389 A ", "Alex North"),  # spaces ignored
        ("CCC000054405PER", "Cy West"),  # CCC, nine digits, PER
        ("ccc 000054405 per", "Cy West"),
        ("43235", "Bo South"),  # digits only
    ],
)
def test_each_case_number_format_finds_its_child(client, auth, town, west, query, child):
    auth.sign_in("rqam")
    assert found(client, query) == [child]


def test_a_case_number_is_matched_whole(client, auth, town, west):
    auth.sign_in("rqam")
    assert found(client, "412038") == [] and found(client, "4323") == []


@pytest.mark.postgres
def test_by_any_part_of_the_name_and_by_date_of_birth_in_the_formats_staff_type(client, auth, town, west):
    auth.sign_in("rqam")
    assert found(client, "north") == ["Alex North"]
    assert found(client, "O SOU") == ["Bo South"]
    assert found(client, "  alex   north ") == ["Alex North"]
    for typed in ("4/3/2012", "04/03/2012", "4 March 2012", "4 mar 2012", "2012-03-04"):
        assert found(client, typed) == ["Alex North", "Bo South"], typed
    assert found(client, "7 June 2015") == ["Cy West"]
    assert found(client, "%%") == [] and found(client, "__") == []  # no wildcards


def test_the_results_show_each_childs_details(client, auth, town):
    auth.sign_in("iro1")
    page = text(client.get("/search?q=Alex").text)
    assert "1 child matching" in page
    assert "Alex North 4 March 2012 4120389A North East Looked after" in " ".join(page.split())


def test_a_child_the_person_may_not_see_is_never_found_by_any_field(client, auth, town):
    auth.sign_in("iro2")
    for query in ("Alex North", "alex", "North", "4120389A", "4120389a"):
        response = client.get("/search", query_string={"q": query})
        assert "No child you may see matches" in response.text
        assert f'href="/children/{town.north_child}"' not in response.text
    assert found(client, "4/3/2012") == ["Bo South"]  # iro2's own child, born the same day; not Alex


def test_a_social_worker_finds_only_their_own(client, auth, town, west):
    auth.sign_in("sw.south")
    assert found(client, "2012") == [] and found(client, "4 March 2012") == ["Bo South"]
    assert found(client, "CCC000054405PER") == [] and found(client, "43235") == ["Bo South"]
    auth.sign_out()
    auth.sign_in("sw.north")
    assert found(client, "4/3/2012") == ["Alex North"]
    assert found(client, "West") == ["Cy West"]


def test_fewer_than_two_characters_ask_for_more(client, auth, town):
    auth.sign_in("iro1")
    for query in ("", "A", "  a  "):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 400
        assert "There is a problem" in response.text and "Enter at least 2 characters" in response.text
    assert client.get("/search").status_code == 200  # the search page itself, before a search


def test_at_most_fifty_with_a_message_when_there_are_more(app, town):
    for n in range(51):
        council._child(f"{7_000_000 + n}B", f"Dana Many {n:02d}", "NE", "sw.north", "iro1")
    results = search.find(who("rqam"), "dana many")
    assert len(results.children) == 50 and results.more
    narrower = search.find(who("rqam"), "dana many 4")  # 40 to 49
    assert len(narrower.children) == 10 and not narrower.more


def test_the_header_has_the_search_box_on_staff_pages_and_not_on_public_ones(app, client, auth, town):
    auth.sign_in("sw.north")
    for page in ("/tasks", f"/children/{town.north_child}", "/account"):
        html = client.get(page).text
        assert '<form class="app-header-search" role="search" method="get" action="/search">' in html
        assert '<label class="govuk-label app-header-search__label" for="app-header-search">' in html
    withdrawn = feedback_link(town.north_child)
    links.withdraw(withdrawn.link.id, actor="iro1", visible=db.true())
    page = client.get(f"/l/{withdrawn.token}")  # a public page, though a member of staff is signed in
    assert "This link has been withdrawn" in page.text and "app-header-search" not in page.text
    public = app.test_client()
    assert public.get(f"/l/{feedback_link(town.north_child).token}").location == "/p/feedback"
    response = public.get("/search?q=Alex")  # a public session opens no staff page
    assert response.status_code == 302 and response.location.startswith("/sign-in")
