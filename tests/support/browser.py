"""A real browser for the pages: Playwright for Python driving Debian's chromium (never a
downloaded browser), the app served on a loopback port, axe-core to check each page, and
screenshots in test-output/screenshots/. The fixtures are in tests/browser/conftest.py."""

import re
import shutil
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from service.db import db

from . import council
from .paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"


@contextmanager
def serving(app):
    """The app on a free loopback port, in a thread, over the test's database."""
    db.session.rollback()  # the test's own reads must not hold the SQLite file
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(10)


def shot(page, name):
    page.evaluate("document.fonts.ready.then(() => true)")  # text is drawn once its font has loaded
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], nodes[:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
        if (nodes := [n["target"] for n in v["nodes"] if not _govuk_conditional_radio(v["id"], n)])
    ]
    assert serious == [], serious


def _govuk_conditional_radio(rule: str, node: dict) -> bool:
    """GOV.UK Frontend's conditional reveal sets aria-expanded on its radios, which ARIA does not list
    for a radio; the Design System keeps it on purpose, as screen readers announce it (a known issue:
    github.com/alphagov/govuk-frontend/issues/979). Only that attribute, on those radios, is let pass."""
    return (
        rule == "aria-allowed-attr"
        and 'class="govuk-radios__input"' in node["html"]
        and set(re.findall(r"(aria-[a-z]+)=", node.get("failureSummary", ""))) == {"aria-expanded"}
    )


# Elements whose right edge is past the screen's, outside any scroll container: a scroll container is
# an ancestor below <body> that scrolls sideways (an `app-scroll-x` table, MOJ's filter layout's content);
# <html> and <body> are left out, since GOV.UK Frontend's template makes <html> scroll. The page itself
# scrolling sideways is told too (an element positioned outside its scroll container's box).
_WIDER_THAN_THE_SCREEN = """(within) => {
    const width = document.documentElement.clientWidth;
    const scrolled = (e) => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
        }
        return false;
    };
    const page = document.documentElement.scrollWidth > width + 1 ? ["the page, scrolling sideways"] : [];
    return page.concat([...document.querySelectorAll(within)]
        .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolled(e))
        .map(e => e.tagName + "." + e.className));
}"""


def wider_than_the_screen(page, within: str = "body *") -> list[str]:
    """The elements (of those `within` selects) a person would find cut off at the page's right edge."""
    return page.evaluate(_WIDER_THAN_THE_SCREEN, within)


def sign_in(page, server, username):
    page.goto(f"{server}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(council.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
