"""The chat page at `/`, and two people using it in headless Chromium (Debian's
`chromium`, driven by Playwright). Chromium is required: without it this test fails with
the command that installs it, it is never skipped."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_INSTALLED = Path(CHROMIUM).exists()
SCREENSHOTS = os.environ.get("CHAT_SCREENSHOTS")  # a folder to keep screenshots in


async def test_the_page_and_its_socketio_client_are_served_locally(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/vendor/socket.io.min.js">' in page.text
    client = await http.get("/static/vendor/socket.io.min.js")
    assert client.status_code == 200
    assert "Socket.IO v4" in client.text[:200]
    assert (await http.get("/static/vendor/socket.io-client.LICENSE")).status_code == 200


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_INSTALLED:
        pytest.fail(
            f"chromium is not at {CHROMIUM}: run realtime-chat/scripts/install-test-deps.sh"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def sign_up(browser: Browser, url: str, name: str) -> Page:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    await page.fill("#email", f"{name.lower()}@example.com")
    await page.fill("#password", "correct-horse-battery")
    await page.fill("#display-name", name)
    await page.click("#signup")
    await expect(page.locator("#status")).to_have_text(f"online as {name}")
    return page


async def test_two_people_chat_in_two_browser_windows(live_url: str, browser: Browser) -> None:
    alice = await sign_up(browser, live_url, "Alice")
    await alice.fill("#room-name", "lobby")
    await alice.click("#create-room")
    await expect(alice.locator("#room-title")).to_have_text("lobby")

    bob = await sign_up(browser, live_url, "Bob")
    await bob.click("#rooms li:has-text('lobby')")
    await expect(bob.locator("#room-title")).to_have_text("lobby")
    await expect(alice.locator("#online")).to_contain_text("Bob")

    await alice.type("#message-input", "Hello from Alice")
    await expect(bob.locator("#typing")).to_have_text("Alice is typing...")
    await alice.press("#message-input", "Enter")
    await expect(bob.locator("#messages")).to_contain_text("Hello from Alice")
    await expect(alice.locator("#messages")).to_contain_text("Hello from Alice")
    await expect(bob.locator("#typing")).to_have_text("")

    await bob.fill("#message-input", "Hi Alice!")
    await bob.click("#send")
    await expect(alice.locator("#messages")).to_contain_text("Hi Alice!")
    if SCREENSHOTS:
        await alice.screenshot(path=f"{SCREENSHOTS}/alice.png")
        await bob.screenshot(path=f"{SCREENSHOTS}/bob.png")
