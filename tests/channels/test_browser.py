"""/chat and /inspect in headless Chromium (Debian's ``chromium``), driven by Playwright.

Skipped with the reason when /usr/bin/chromium is missing (``scripts/install-services.sh``
installs it). Playwright never downloads a browser here: it launches the system one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dialog.channels.webhook import create_app
from dialog.config import load_bot
from tests.channels.conftest import make_bot
from tests.channels.live_server import serving
from tests.minibot import MINIBOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (scripts/install-services.sh)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    domain = tmp_path / "minibot" / "domain.yml"
    cards = '    - text: "We take cards."'
    domain.write_text(domain.read_text().replace(cards, cards + f'\n      image: "{PIXEL}"'))
    with serving(create_app(make_bot(load_bot(tmp_path / "minibot")), auth_token="s3cret")) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 760})  # a phone
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"a dialog opened: {dialog.message}"))
    yield page
    context.close()
    assert errors == []


def send(page: Any, text: str) -> None:
    page.fill("input[name=message]", text)
    page.press("input[name=message]", "Enter")


def test_chat_answers_a_message_and_a_button_and_survives_a_reload(server: str, page: Any) -> None:
    page.goto(server + "/chat?token=s3cret")
    send(page, "hi")
    page.locator(".msg.bot", has_text="Hello! Which order?").wait_for()
    page.get_by_role("button", name="Check an order").click()
    page.locator(".msg.bot", has_text="What is your order number?").wait_for()
    assert page.locator(".msg.user").all_inner_texts() == ["hi", "Check an order"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone, no sideways scrolling
    page.reload()
    page.locator(".msg.bot", has_text="What is your order number?").wait_for()
    send(page, "123456")  # the same conversation continues after the reload
    page.locator(".msg.bot", has_text="Order 123456 has shipped.").wait_for()


def test_a_reply_shows_its_image(server: str, page: Any) -> None:
    page.goto(server + "/chat?token=s3cret")
    send(page, "how can i pay")
    image = page.locator(".msg.bot img")
    image.wait_for()
    assert image.get_attribute("src") == PIXEL
    assert page.locator(".msg.bot", has_text="We take cards.").count() == 1


def test_an_llm_reply_streams_in(server: str, page: Any) -> None:
    page.goto(server + "/chat?token=s3cret")
    send(page, "tell me a joke")
    page.locator(".msg.bot.llm", has_text="I am a fake model.").wait_for()
    assert page.locator(".typing").is_hidden()


def test_user_text_is_shown_as_text_never_run_as_html(server: str, page: Any) -> None:
    page.goto(server + "/chat?token=s3cret")
    attack = '<script>window.hacked = 1</script><img src=x onerror="window.hacked = 2">'
    send(page, attack)
    page.locator(".msg.bot").first.wait_for()
    assert page.locator(".msg.user").inner_text() == attack
    assert page.locator(".messages img").count() == 0 and page.locator(".messages script").count() == 0
    assert page.evaluate("window.hacked") is None
    page.goto(server + "/inspect?token=s3cret&sender_id=" + page.evaluate("JSON.parse(localStorage.getItem('dialog.chat.sender'))"))
    page.locator(".turn .said", has_text="<script>").wait_for()
    assert page.locator(".turns img").count() == 0 and page.evaluate("window.hacked") is None


def test_the_inspector_shows_intent_slot_and_flow_and_updates_live(server: str, page: Any) -> None:
    for message in ("where is my order", "12"):
        httpx.post(server + "/webhooks/rest/webhook?token=s3cret", json={"sender": "web-42", "message": message})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/inspect?token=s3cret&sender_id=web-42")
    first = page.locator(".turn[data-turn='1']")
    first.wait_for()
    assert "check_order" in first.locator(".intent").inner_text()
    assert "started flow check_order" in first.locator(".decisions").inner_text()
    assert "check_order" in first.locator(".stack").inner_text()
    assert "order_id" in first.locator(".stack").inner_text()
    second = page.locator(".turn[data-turn='2']")
    assert "asked for 'order_id' again" in second.locator(".decisions").inner_text()
    assert page.locator("#conversations option:checked").inner_text() == "web-42"
    send(page, "123456")  # the inspector's own chat; the turn appears without a reload
    third = page.locator(".turn[data-turn='3']")
    third.wait_for()
    assert "order_id" in third.locator(".slots tr.changed").first.inner_text()
    assert "123456" in third.locator(".slots").inner_text()
    httpx.post(server + "/webhooks/rest/webhook?token=s3cret", json={"sender": "web-42", "message": "hi"})
    page.locator(".turn[data-turn='4']").wait_for()  # a turn from another channel shows up live too
    href = page.locator("#export").get_attribute("href")
    exported = httpx.get(server + href).text
    assert "test_case: web-42" in exported and "utter: utter_greet" in exported


def test_without_the_token_the_inspector_shows_nothing(server: str, page: Any) -> None:
    httpx.post(server + "/webhooks/rest/webhook?token=s3cret", json={"sender": "secret-talk", "message": "hi"})
    response = page.goto(server + "/inspect?sender_id=secret-talk")
    assert response.status == 401
    assert "secret-talk" not in page.content() and "Hello" not in page.content()
