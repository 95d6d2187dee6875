"""A real browser: Playwright drives Debian chromium through two chat turns on the demo catalog, checks
the songs and the Inspect panel, and saves a screenshot (to the test's temp folder; set
CRATEDIGGER_SCREENSHOT=docs/screenshot-chat.png to refresh the README's picture)."""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chat.app import AppConfig, build_app, launch_app
from chat.engine import ChatEngine
from chat.fallback_condenser import FallbackCondenser
from chat.rules_condenser import RulesCondenser

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CRATEDIGGER_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _send(page: Any, text: str) -> None:
    box = page.locator("#message textarea")
    box.fill(text)
    box.press("Enter")


def _wait_until_serving(url: str, timeout_s: float = 60.0) -> None:
    """Poll ``url`` over plain HTTP until the restarted server answers (or fail after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the restarted app did not answer at {url} within {timeout_s:.0f} s")
        time.sleep(0.25)


def _open_when_back(page: Any, url: str, attempts: int = 5) -> None:
    """Open ``url`` after a server restart, once the server answers. The page may be reloading itself at
    the same moment (Gradio's reconnect does), which aborts our navigation (net::ERR_ABORTED) or leaves
    it waiting on a connection to the old server (a timeout, seen once in CI): retry, as a listener
    would. Waits for the DOM, not for every resource; the caller then waits for the message box."""
    _wait_until_serving(url)
    for attempt in range(attempts):
        try:
            page.goto(url, wait_until="domcontentloaded", timeout=20_000)
            return
        except Exception:  # playwright's Error or TimeoutError; their classes live in private modules
            if attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)


@contextmanager
def _served_page(searcher: Any, **config: Any) -> Iterator[Any]:
    """The app served in-process (rules backend) and a chromium page open on it; both always closed."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium not found at {CHROMIUM} (make browser, or set CRATEDIGGER_CHROMIUM)")
    engine = ChatEngine(searcher, FallbackCondenser([RulesCondenser()]))
    app_config = AppConfig(port=_free_port(), **config)
    demo = build_app(engine, app_config)
    launch_app(demo, app_config, block=False)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{app_config.port}/", wait_until="load", timeout=60_000)
            page.locator("#message textarea").wait_for(timeout=60_000)
            yield page
            browser.close()
    finally:
        demo.close()


def test_two_turns_in_chromium_show_songs_and_the_inspect_panel(demo_searcher: Any, tmp_path: Path) -> None:
    shot = Path(os.environ.get("CRATEDIGGER_SCREENSHOT") or tmp_path / "screenshot-chat.png")
    with _served_page(demo_searcher, status="catalog: demo · condensers: rules") as page:
        _send(page, "upbeat tropical songs with steel drums")
        chat = page.locator("#chat")
        chat.get_by_text("Songs for upbeat tropical, steel drums").wait_for(timeout=60_000)
        _send(page, "no vocals")
        chat.get_by_text("(avoiding vocals)").wait_for(timeout=60_000)
        inspect = page.locator("#inspect-panel")
        page.locator("#inspect-request").get_by_text("instrumental").first.wait_for(timeout=30_000)
        songs_table = page.locator("#inspect-songs").inner_text()
        replies = chat.inner_text()
        assert "steel drums" in songs_table and "matched" in inspect.inner_text()
        assert "Kokomo" in replies.split("(avoiding vocals)")[0]  # turn 1 had the Beach Boys...
        assert "Kokomo" not in replies.split("(avoiding vocals)")[1].split("left out")[0]  # ...turn 2 not
        assert "Traceback" not in page.content()
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_a_server_restart_loses_neither_the_dialog_nor_the_message_being_sent(
    catalog20_searcher: Any,
) -> None:
    """Issue 10, finding 7: the listener sends while the server restarts; the reloaded page still holds
    the dialog (BrowserState) and the unsent message (a local-storage draft), and the next turn refines."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium not found at {CHROMIUM} (make browser, or set CRATEDIGGER_CHROMIUM)")
    port = _free_port()

    def serve() -> Any:
        engine = ChatEngine(catalog20_searcher, FallbackCondenser([RulesCondenser()]))
        config = AppConfig(port=port, browser_secret="test-secret")
        demo = build_app(engine, config)
        launch_app(demo, config, block=False)
        return demo

    demo = serve()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="load", timeout=60_000)
            page.locator("#message textarea").wait_for(timeout=60_000)
            _send(page, "sad piano ballads")
            page.locator("#chat").get_by_text("Songs for sad piano ballads").wait_for(timeout=60_000)
            demo.close()  # the server goes away...
            _send(page, "no vocals")  # ...while the listener sends
            page.wait_for_timeout(1500)
            demo = serve()  # back, as after a restart
            _open_when_back(page, f"http://127.0.0.1:{port}/")
            box = page.locator("#message textarea")
            box.wait_for(timeout=60_000)
            page.locator("#chat").get_by_text("Songs for sad piano ballads").wait_for(timeout=30_000)
            page.wait_for_function(
                "() => document.querySelector('#message textarea').value === 'no vocals'", timeout=30_000
            )
            box.press("Enter")
            page.locator("#chat").get_by_text("(avoiding vocals)").wait_for(timeout=60_000)
            assert "sad piano ballads" in page.locator("#chat").inner_text().split("(avoiding vocals)")[0]
            browser.close()
    finally:
        demo.close()


def test_drop_a_state_item_and_more_like_this_in_chromium(catalog20_searcher: Any) -> None:
    """Issue 11, items 1 and 4: one click drops an item of the dialog state; a click on a song in the
    Inspect panel asks for more like it."""
    with _served_page(catalog20_searcher, browser_secret="test-secret") as page:
        chat = page.locator("#chat")
        _send(page, "sad piano ballads")
        chat.get_by_text("Songs for sad piano ballads").wait_for(timeout=60_000)
        _send(page, "no vocals")
        chat.get_by_text("(avoiding vocals)").wait_for(timeout=60_000)
        page.locator("#drop-item input").click()
        page.get_by_role("option", name="no vocals").click()
        page.locator("#drop-button").click()
        chat.get_by_text("(dropped “no vocals”)").wait_for(timeout=60_000)
        page.locator("#inspect-songs").get_by_text("Midnight Rain — Nora Vale").first.click()
        chat.get_by_text("more like Midnight Rain by Nora Vale").wait_for(timeout=60_000)
        chat.get_by_text("Using “Midnight Rain” by Nora Vale").first.wait_for(timeout=60_000)
        assert "Traceback" not in page.content()
