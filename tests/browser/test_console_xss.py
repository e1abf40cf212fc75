"""The XSS battery: review items whose text (and every other shown field) holds script tags,
event-handler attributes, `javascript:` links, SVG with onload, and breakouts from attributes
and elements. In headless Chromium nothing may run (no alert, the title and a canary global
untouched), no element may be made from them, and each must read back as the same text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from tests.browser.chrome import screenshot
from tests.browser.console_stack import ConsoleStack
from tests.browser.pages import click_and_wait, login, wait_for
from tests.unit.test_review_store import make

# Each sets the title, raises an alert, or sets window.pwned if it ever runs.
PAYLOADS = (
    "<script>document.title='pwned';window.pwned=1</script>",
    "<img src=x onerror=\"document.title='pwned';window.pwned=2;alert(1)\">",
    '<a href="javascript:alert(1)" id=jslink>click me</a>',
    '<svg onload="window.pwned=3;alert(1)"><circle r=5></circle></svg>',
    '"><script>window.pwned=4</script><p x="',
    "</pre><script>window.pwned=5</script><pre>",
    '<iframe src="javascript:parent.pwned=6"></iframe>',
    '<body onload="window.pwned=7">',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.pwned=8">',
    "{{ 7*7 }} {% raw %} ${alert(1)} [REDACTED:EMAIL]<script>window.pwned=9</script>",
    '<style>*{display:none}</style><details open ontoggle="window.pwned=10">',
)
FORBIDDEN_ELEMENTS = ("script", "img", "svg", "iframe", "a", "style", "details", "math", "p")


def assert_nothing_ran(driver: Any, title: str) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check
    assert driver.title == title
    assert driver.execute_script("return typeof window.pwned") == "undefined"


def test_payloads_in_review_items_show_as_text_and_never_run(
    console: ConsoleStack, browser: Any, tmp_path: Path
) -> None:
    items = [
        make(n, text=payload, policy="p", route=payload[:60], tenant=payload[:40],
             check=payload[:30], verdict="unsafe", categories=(payload[:20],),
             finding_types=(payload[:25],))
        for n, payload in enumerate(PAYLOADS)
    ]  # fmt: skip
    ids = console.seed(items)
    login(browser, console.url)
    wait_for(browser, "article")
    title = "Review queue · safeproxy console"
    assert_nothing_ran(browser, title)
    for item_id, payload in zip(ids, PAYLOADS, strict=True):
        article = browser.find_element(By.ID, f"item-{item_id}")
        text = article.find_element(By.CSS_SELECTOR, "pre.text")
        assert text.text == payload  # shown as the characters it is
        for tag in FORBIDDEN_ELEMENTS:  # no element was made from the item's fields
            found = article.find_elements(
                By.CSS_SELECTOR, f".meta {tag}, .verdicts {tag}, pre {tag}"
            )
            assert found == [], tag
        assert payload[:60] in article.find_element(By.CSS_SELECTOR, ".meta").text
    # No element anywhere on the page came from a payload.
    assert browser.find_elements(By.ID, "jslink") == []
    assert browser.find_elements(By.CSS_SELECTOR, "main script, main img, main iframe") == []
    screenshot(browser, "xss-battery")

    # Labelling one and coming back (the text goes through a redirect and a re-render).
    button = browser.find_element(By.CSS_SELECTOR, f"#item-{ids[0]} .label-true_positive")
    click_and_wait(browser, button)
    wait_for(browser, "#rates")
    assert_nothing_ran(browser, title)

    # Filters are reflected into the form: a breakout there must stay text too.
    for payload in PAYLOADS[:5]:
        browser.get(console.url + "/console/review?label=any&policy=" + _quote(payload))
        field = wait_for(browser, "input[name=policy]")
        assert field.get_attribute("value") == payload
        assert_nothing_ran(browser, title)


def test_a_breaker_reason_with_a_payload_shows_as_text(console: ConsoleStack, browser: Any) -> None:
    login(browser, console.url)
    browser.get(console.url + "/console/breakers")
    payload = PAYLOADS[1]
    field = wait_for(browser, "tr[data-route=main] input[name=reason]")
    field.send_keys(payload)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "tr[data-route=main] .hold-open"))
    row = wait_for(browser, "tr[data-route=main]")
    assert payload in row.text
    assert row.find_elements(By.CSS_SELECTOR, "img") == []
    assert_nothing_ran(browser, "Breakers · safeproxy console")


def test_templates_never_turn_escaping_off() -> None:
    console = Path(__file__).resolve().parents[2] / "safeproxy" / "admin" / "console"
    for path in [*console.glob("templates/*.html"), *console.glob("*.py")]:
        text = path.read_text()
        for marker in ("|safe", "| safe", "Markup(", "autoescape false", "autoescape=False"):
            assert marker not in text, f"{path.name} turns escaping off with {marker}"


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
