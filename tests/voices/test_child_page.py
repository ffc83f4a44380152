"""A child's own page before their looked-after review (docs/domain.md V3): prepared by staff,
opened through its link, views sent with a drawing, seen by the IRO in the review task and by
the social worker only when the child said yes; the link works until the review plus a set period."""

import io
import random
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from service.db import db, writing
from service.demo.child_views import drawing_png
from service.models import Child, ChildViews, ChildViewsFile, User
from service.voices import handover
from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import sign_in, text, token

CHILD_DOB = "2015-06-01"  # 11 in January 2027


def png(size=24) -> bytes:
    """A small valid PNG drawing, as the demo makes them."""
    return drawing_png(random.Random(0), size)


@pytest.fixture
def life(app_factory):
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2027-01-03")
        child = run.allocated(day="2027-01-04", iro="iro1", dob=CHILD_DOB)
        run.do(child, "book_review", review_date="2027-02-01")
        yield run, child, app


def review_day(run, child):
    """The review's day, the social worker's report and the IRO's contact done."""
    run.do(child, "record_contact", contact_date="2027-01-04", contact_method="visit")
    run.do(child, "review_report", report_summary="Fine.")
    run.on("2027-02-01", hour=15)


def hold_review(run, child, code="PN1"):
    review_day(run, child)
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2027-02-01",
        attendees="Alex",
        participation_code=code,
        decisions=[{"text": "Contact with Mum weekly", "owner": "Sam North", "due": "2027-03-01"}],
    )


def staff(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def own_page(child_id):
    return f"/children/{child_id}/own-page"


def write_words(client, child_id, **words):
    page = client.get(own_page(child_id)).text
    data = {"form": "words", "venue": "", "invitees": "", "plan_words": "", "csrf_token": token(page), **words}
    return client.post(own_page(child_id), data=data)


def make_link(client, child_id, for_person="child"):
    """The link's token, from the letter the page prints."""
    page = client.get(own_page(child_id)).text
    response = client.post(
        own_page(child_id),
        data={"form": "link", "for_person": for_person, "channel": "letter", "address": "", "csrf_token": token(page)},
    )
    found = re.search(r"/l/([A-Za-z0-9_-]+)", response.text)
    return response, found.group(1) if found else None


def opened(app, link_token):
    child_browser = app.test_client()
    assert child_browser.get(f"/l/{link_token}").location == "/p/my-page"
    return child_browser


def send_views(browser, *, attachment=None, page=None, **answers):
    page = page or browser.get("/p/my-page").text
    data = {
        "going_well": "",
        "not_going_well": "",
        "who_there": "",
        "anything_else": "",
        "share": "yes",
        "csrf_token": token(page),
        **answers,
    }
    if attachment is not None:
        data["attachment"] = (io.BytesIO(attachment[1]), attachment[0])
    return browser.post("/p/my-page", data=data, content_type="multipart/form-data")


def test_the_child_reads_their_page_and_sends_their_views_with_a_drawing(life):
    run, child, app = life
    iro = staff(app, "iro1")
    assert (
        write_words(
            iro, child, venue="My foster home", invitees="Mum\nMy foster carer Jo", plan_words="You will stay with Jo."
        ).status_code
        == 302
    )
    letter, link_token = make_link(iro, child)
    assert letter.status_code == 200 and link_token
    with app.test_request_context():  # the letter's QR code is the link's, to scan with a phone
        assert f'src="{handover.qr_code(link_token)}"' in letter.text
    assert "Alex" not in letter.text.split("app-letter", 1)[1]  # the letter is addressed to "the child" only
    browser = opened(app, link_token)
    page = text(browser.get("/p/my-page").text)
    assert "Your IRO is Ira One" in page
    assert "Your review is on 1 February 2027" in page
    assert "It will be at: My foster home" in page and "Mum" in page and "My foster carer Jo" in page
    assert "You will stay with Jo." in page
    assert "If you are in danger, call 999" in page
    run.on("2027-01-12")
    sent = send_views(
        browser, going_well="School is good", attending="no", helped_by="advocate", attachment=("me.png", png())
    )
    assert sent.status_code == 302
    page = text(browser.get(sent.location).text)
    assert "You sent your views on 12 January 2027. You can send more." in page
    [views] = db.session.scalars(select(ChildViews)).all()
    assert (views.going_well, views.attending, views.review_id) == ("School is good", "no", run.reviews(child)[0].id)
    [drawing] = db.session.scalars(select(ChildViewsFile)).all()
    assert (drawing.kind, drawing.content_type, drawing.content) == ("drawing", "image/png", png())


def test_the_link_works_until_the_review_plus_the_period_then_it_has_ended(life):
    run, child, app = life
    iro = staff(app, "iro1")
    _, link_token = make_link(iro, child)
    browser = opened(app, link_token)
    before = browser.get("/p/my-page").text
    assert "What I want to say" in before
    hold_review(run, child)
    assert write_words(iro, child, decided_words="You will see Mum every Saturday.").status_code == 302
    page = browser.get("/p/my-page").text
    assert "What my review decided" in page and "You will see Mum every Saturday." in page
    assert "What I want to say" not in page
    assert send_views(browser, going_well="More", page=before).status_code == 410  # no more views after the review
    run.on("2027-03-01")  # the review plus 28 days
    assert browser.get("/p/my-page").status_code == 200
    run.on("2027-03-02")
    ended = browser.get("/p/my-page")  # the page already open ends too
    assert ended.status_code == 410 and "This link has ended" in ended.text
    assert "Mum" not in ended.text
    assert app.test_client().get(f"/l/{link_token}").status_code == 410
    assert "This link has ended" in app.test_client().get(f"/l/{link_token}").text


def test_a_child_under_eight_is_not_given_their_own_link_but_their_carer_is(life):
    run, child, app = life
    with writing():
        db.session.get(Child, child).dob = date(2020, 6, 1)  # 6 on 4 January 2027
    iro = staff(app, "iro1")
    refused, link_token = make_link(iro, child, "child")
    assert refused.status_code == 400 and link_token is None
    assert "Alex is 6: give the link to their carer or advocate, who can help them" in text(refused.text)
    letter, link_token = make_link(iro, child, "carer")
    assert letter.status_code == 200 and "their carer" in letter.text
    assert opened(app, link_token).get("/p/my-page").status_code == 200


def test_the_iro_sees_the_views_in_the_review_task_with_a_suggested_code(life):
    run, child, app = life
    _, link_token = make_link(staff(app, "iro1"), child)
    browser = opened(app, link_token)
    send_views(browser, going_well="I like my school", attending="yes")
    send_views(
        browser,
        not_going_well="I miss my brother",
        attending="no",
        helped_by="advocate",
        attachment=("drawing.png", png()),
    )
    review_day(run, child)
    iro = staff(app, "iro1")
    task = run.task(child, "hold_review")
    page = iro.get(f"/tasks/{task.id}").text
    words = text(page)
    assert (
        words.index("I miss my brother") < words.index("I like my school") < words.index("How did the child take part?")
    )
    assert "Suggested: PN5" in words
    [drawing] = re.findall(r'href="(/children/\d+/views/\d+/files/\d+)"', page)
    assert iro.get(drawing).data == png()
    send_views(browser, anything_else="I will write to you instead", attending="no", helped_by="carer")
    assert "Suggested: PN6" in text(iro.get(f"/tasks/{task.id}").text)


def test_the_social_worker_sees_the_views_only_when_the_child_said_yes(life):
    run, child, app = life
    _, link_token = make_link(staff(app, "iro1"), child)
    browser = opened(app, link_token)
    send_views(browser, going_well="Shared with Sam", share="yes")
    send_views(browser, going_well="Only for my IRO", share="no", attachment=("secret.png", png()))
    [secret_file] = db.session.scalars(select(ChildViewsFile)).all()
    secret = f"/children/{child}/views/{secret_file.views_id}/files/{secret_file.id}"
    for username, sees_shared, sees_secret in [
        ("iro1", True, True),
        ("rqam", True, True),
        ("sw.north", True, False),
        ("tm.ne", False, False),
    ]:
        client = staff(app, username)
        for url in (own_page(child), f"/children/{child}"):
            words = text(client.get(url).text)
            assert ("Shared with Sam" in words) is sees_shared, (username, url)
            assert ("Only for my IRO" in words) is sees_secret, (username, url)
        assert client.get(secret).status_code == (200 if sees_secret else 404), username
    assert staff(app, "iro2").get(own_page(child)).status_code == 404
    assert staff(app, "iro2").get(secret).status_code == 404
    review_day(run, child)  # the review task's page, which others may look on at
    task = run.task(child, "hold_review")
    iro_sees = text(staff(app, "iro1").get(f"/tasks/{task.id}").text)
    assert "Shared with Sam" in iro_sees and "Only for my IRO" in iro_sees
    for username in ("sw.north", "tm.ne", "ism.north"):  # looking on at the task: never what was not shared
        looking_on = staff(app, username).get(f"/tasks/{task.id}")
        assert looking_on.status_code == 200 and "Only for my IRO" not in text(looking_on.text), username


def test_bad_files_and_answers_are_refused_in_plain_words_and_nothing_is_kept(life):
    run, child, app = life
    _, link_token = make_link(staff(app, "iro1"), child)
    browser = opened(app, link_token)
    refused = send_views(browser, going_well="Hi", attachment=("drawing.png", b"<script>alert(1)</script>"))
    assert refused.status_code == 400
    assert "We cannot use this file" in text(refused.text)
    too_big = send_views(browser, going_well="Hi", attachment=("big.png", png() + b"\0" * (5 * 1024 * 1024)))
    assert "Your file is too big" in text(too_big.text)
    no_share = send_views(browser, going_well="Hi", share="")
    assert "Please choose yes or no" in text(no_share.text)
    assert db.session.scalar(select(func.count()).select_from(ChildViews)) == 0
    assert db.session.scalar(select(func.count()).select_from(ChildViewsFile)) == 0


def test_the_page_shows_its_own_iro_photo_and_reaches_nothing_else(life):
    run, child, app = life
    iro = staff(app, "iro1")
    page = iro.get("/account").text
    refused = iro.post(
        "/account/contact",
        data={
            "phone": "01632 960 001",
            "photo": (io.BytesIO(b"GIF89a not a photo"), "me.png"),
            "csrf_token": token(page),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "The photo must be a JPEG or a PNG" in text(refused.text)
    assert db.session.scalar(select(User.photo_type).where(User.username == "iro1")) is None
    saved = iro.post(
        "/account/contact",
        data={"phone": "01632 960 001", "photo": (io.BytesIO(png()), "me.png"), "csrf_token": token(page)},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    _, link_token = make_link(iro, child)
    browser = opened(app, link_token)
    page = text(browser.get("/p/my-page").text)
    assert "You can call your IRO on 01632 960 001" in page
    photo = browser.get("/p/my-page/iro-photo")
    assert (photo.status_code, photo.mimetype, photo.data) == (200, "image/png", png())
    # nothing of the staff's, nor another child's files, with this session
    other = run.child(name="Bo South", case_number="43235", team="South", worker="sw.south")
    run.looked_after(other, "2027-01-04")
    for url in (
        f"/children/{other}",
        own_page(other),
        own_page(child),
        f"/children/{child}/views/1/files/1",
        "/account/photo",
        "/p/feedback",
    ):
        assert browser.get(url).status_code in (302, 404), url


def test_a_child_with_no_review_waiting_has_no_page_to_give(life):
    run, child, app = life
    not_looked_after = run.child(name="Cy West", case_number="43236", team="NE", worker="sw.north")
    rqam = staff(app, "rqam")
    page = text(rqam.get(own_page(not_looked_after)).text)
    assert "Cy West has no review waiting to be held: they are not looked after" in page
    assert "Make the link" not in page
    assert make_link(rqam, not_looked_after)[0].status_code == 404


def test_the_iro_removes_their_photo(life):
    run, child, app = life
    iro = staff(app, "iro1")
    for data in ({"photo": (io.BytesIO(png()), "me.png")}, {"remove_photo": "yes"}):
        page = iro.get("/account").text
        saved = iro.post(
            "/account/contact",
            data={"phone": "", **data, "csrf_token": token(page)},
            content_type="multipart/form-data",
        )
        assert saved.status_code == 302
    assert iro.get("/account/photo").status_code == 404
    assert "Remove the photo" not in iro.get("/account").text
