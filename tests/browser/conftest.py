"""A real browser: chromium through Playwright, each page in a context of its own, and the app
served to it on a loopback port."""

from pathlib import Path

import pytest

from tests.support.browser import AXE, CHROMIUM, serving


@pytest.fixture
def server(app, town):
    with serving(app) as address:
        yield address


@pytest.fixture
def browser():
    """Chromium, or the test skipped saying what is missing."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make test`, which runs npm ci")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # axe is injected as a script of its own, which the pages' Content-Security-Policy rightly forbids
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()
