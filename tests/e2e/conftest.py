"""Real-browser fixtures: Playwright driving Debian's Chromium.

Screenshots go to screenshots/ at the top of the repository (or
$SCREENSHOT_DIR), one per step, in English and Chinese.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(
    os.environ.get(
        "SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "screenshots"
    )
)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium, live_server):
    """Open a logged-in page: ``browse(user, language)`` returns a Page."""
    contexts = []

    def open_page(user=None, language: str = "en"):
        context = chromium.new_context(
            locale="zh-CN" if language.startswith("zh") else "en-US",
            viewport={"width": 1366, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        if user is not None:
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.click("form[action='/login/'] button")
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
