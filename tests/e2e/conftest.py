"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test gets the demo data (`seed_demo`) committed in a transactional database, so the
live server thread sees it, and a fresh browser context. The browser is started once per
session. A missing Chromium is a failure, never a skip: CI must have the browser.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the ORM calls the tests make (seeding, reading deliveries) from inside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = Path(os.environ.get("POPTION_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}

DEMO_EMAIL = "recruiter@demo.example"
DEMO_PASSWORD = "demo"
DEMO_REPLY_TO = "kari.nordmann@demo.example"
DEMO_EVENT = "KarriereDagene NTNU"
DEMO_EVENT_SIZE = 7


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's `chromium` package "
            "(the browser tests never skip)."
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser):
    """Open a fresh browser context (own cookies, locale, JavaScript switch); closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", VIEWPORT)
        options.setdefault("locale", "en-US")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo data, committed, and the live server's base URL."""
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    return live_server.url


def login(page, live_server, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form; afterwards the page is the candidate list."""
    base = getattr(live_server, "url", live_server)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/candidates/"))


def shot(page, name: str) -> Path:
    """A full-page screenshot in var/screenshots/<name>.png, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # From the top, or a sticky header is drawn where the viewport happened to be.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path
