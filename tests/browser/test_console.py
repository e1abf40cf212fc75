"""The console in headless Chromium on a running proxy: log in, filter and label the review
queue (by click and by keyboard) and watch the FP rate move; reload and roll back a policy;
trip and release the kill-switch; the rollouts and decisions pages. Refusals: no session
redirects to the login page, a POST without the CSRF token is refused and recorded."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from selenium.webdriver.common.by import By

from safeproxy.app import COMPONENTS
from tests.browser.chrome import screenshot
from tests.browser.console_stack import OTHER, TOKEN, TRACE_URL, ConsoleStack
from tests.browser.pages import click_and_wait, login, press_and_wait, wait_for
from tests.unit.test_review_store import make

FP_TYPE = "pii.email"


# 2026-12-03 09:00 UTC: screenshots show a plausible day.
DAY = 1_796_288_400.0


def seed_queue(console: ConsoleStack) -> list[int]:
    items = [
        make(1, text="Write to [REDACTED:EMAIL] about the invoice", route="main",
             policy="p", tenant="team-a"),
        make(2, text="How do I pick a lock?", route="main", policy="p", tenant="team-b",
             finding_types=(), check="judge", verdict="unsafe"),
        make(3, text="my card is [REDACTED:CREDIT_CARD]", route="other", policy="p",
             tenant="team-a", source="shadow"),
        make(4, text="an allowed sample", route="main", policy="p", tenant="team-a",
             flagged=False, source="audit_sample", verdict=None, check=None, finding_types=()),
    ]  # fmt: skip
    return console.seed([dataclasses.replace(i, created_unix=DAY + i.created_unix) for i in items])


def test_a_reviewer_filters_and_labels_and_the_fp_rate_moves(
    console: ConsoleStack, browser: Any
) -> None:
    ids = seed_queue(console)
    browser.get(console.url + "/console/review")
    assert browser.current_url.endswith("/console/login")  # no session: the login page
    login(browser, console.url, token="not-the-token")
    assert "not a valid admin token" in wait_for(browser, "#message").text
    login(browser, console.url)
    assert browser.current_url.endswith("/console/review")
    shown = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "article")]
    assert shown == [str(i) for i in reversed(ids)]
    # The redaction placeholders are highlighted.
    marks = browser.find_elements(By.CSS_SELECTOR, f"#item-{ids[0]} mark")
    assert [m.text for m in marks] == ["[REDACTED:EMAIL]"]
    screenshot(browser, "review")

    # Filter by tenant and route.
    wait_for(browser, "input[name=tenant]").send_keys("team-a")
    browser.find_element(By.CSS_SELECTOR, "input[name=route]").send_keys("main")
    click_and_wait(browser, browser.find_element(By.ID, "apply"))
    shown = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "article")]
    assert shown == [str(ids[3]), str(ids[0])]

    # Label by clicking: a false positive; the rate is 100%.
    button = browser.find_element(By.CSS_SELECTOR, f"#item-{ids[0]} .label-false_positive")
    click_and_wait(browser, button)
    assert wait_for(browser, "#rates tr[data-policy=p] .fp").text == "100.0%"
    labelled = console.item(ids[0])
    assert labelled is not None and labelled.label == "false_positive"
    # The filters survive the label; the labelled item left the unlabelled queue.
    shown = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "article")]
    assert shown == [str(ids[3])]

    # Label by keyboard: clear the filters, select the second item (j), true positive (t).
    browser.get(console.url + "/console/review")
    wait_for(browser, "article.selected")
    body = browser.find_element(By.TAG_NAME, "body")
    first = browser.find_elements(By.CSS_SELECTOR, "article")
    assert [e.get_attribute("data-id") for e in first] == [str(ids[3]), str(ids[2]), str(ids[1])]
    body.send_keys("j")
    assert wait_for(browser, "article.selected").get_attribute("data-id") == str(ids[2])
    press_and_wait(browser, "t")
    assert browser.find_element(By.CSS_SELECTOR, "#rates tr[data-policy=p] .fp").text == "50.0%"
    pressed = console.item(ids[2])
    assert pressed is not None and pressed.label == "true_positive"

    # Unsure: recorded, the rate does not move.
    browser.get(console.url + "/console/review")
    wait_for(browser, "article.selected")
    press_and_wait(browser, "u")
    assert browser.find_element(By.CSS_SELECTOR, "#rates tr[data-policy=p] .fp").text == "50.0%"
    unsure = console.item(ids[3])
    assert unsure is not None and unsure.label == "unsure"

    # Every label is an `admin` audit record with the token's name, as the API writes.
    calls = [(r["token"], r["path"], r["status"], r.get("via"))
             for r in console.audit_records("admin")]  # fmt: skip
    assert calls == [("ops", "/console/review/{id}/label", 303, "console")] * 3
    assert TOKEN not in console.audit.read_text()


def test_without_a_session_pages_redirect_and_a_post_without_csrf_is_refused(
    console: ConsoleStack, browser: Any
) -> None:
    (item_id,) = console.seed([make(1, policy="p")])
    # The console lives on the admin listener only: the proxy's own port has none of it.
    assert httpx.get(console.stack.url + "/console/login", timeout=30).status_code == 404
    with httpx.Client(base_url=console.url, follow_redirects=False, timeout=30) as http:
        for path in ("/console/review", "/console/policies", "/console/nowhere"):
            reply = http.get(path)
            assert reply.status_code == 303 and reply.headers["Location"] == "/console/login"
        # A forged or stale cookie is no session either.
        http.cookies.set("safeproxy_console", "b3Bz.1.abc.forged", path="/console")
        assert http.get("/console/review").status_code == 303
        http.cookies.clear()
        refused = http.post(f"/console/review/{item_id}/label", data={"label": "true_positive"})
        assert refused.status_code == 303
        # Log in with a real browser, then post with its cookie but without the CSRF token.
        login(browser, console.url, token=OTHER)
        cookie = browser.get_cookie("safeproxy_console")
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        assert cookie["secure"] is False  # plain HTTP on loopback; Secure over TLS
        http.cookies.set("safeproxy_console", cookie["value"], path="/console")
        forged = http.post(f"/console/review/{item_id}/label", data={"label": "true_positive"})
        assert forged.status_code == 403
        assert "CSRF" in forged.text
        wrong = http.post(f"/console/review/{item_id}/label",
                          data={"label": "true_positive", "csrf": "x" * 43})  # fmt: skip
        assert wrong.status_code == 403
        assert forged.headers["Content-Security-Policy"].startswith("default-src 'none'")
    stored = console.item(item_id)
    assert stored is not None and stored.label is None
    refusals = [(r["reason"], r["token"]) for r in console.audit_records("console_refused")]
    assert refusals == [("session", None), ("csrf", "other"), ("csrf", "other")]
    registry = console.stack.registry
    assert registry.get_sample_value("safeproxy_console_refused_total", {"reason": "csrf"}) == 2
    assert console.audit_records("admin") == []


def test_an_on_call_engineer_reloads_rolls_back_and_trips_the_breaker(
    console: ConsoleStack, browser: Any
) -> None:
    login(browser, console.url)
    browser.get(console.url + "/console/policies")
    first = wait_for(browser, "#generation .hash").text
    assert wait_for(browser, "#last-reload").text == "No reload since start."
    screenshot(browser, "policies")

    console.write(console.stack.mock_urls[0], "another")
    click_and_wait(browser, browser.find_element(By.ID, "reload"))
    assert "Result: success" in wait_for(browser, "#result").text
    second = browser.find_element(By.CSS_SELECTOR, "#generation .hash").text
    assert second != first
    assert console.stack.proxy_runner.app[COMPONENTS].generations.current.hash == second

    console.write(console.stack.mock_urls[0], "third", regex="(unclosed")
    click_and_wait(browser, browser.find_element(By.ID, "reload"))
    assert "Result: failure" in wait_for(browser, "#result").text
    assert "policies.p.output.0.patterns.0" in browser.find_element(By.ID, "result").text
    assert browser.find_element(By.CSS_SELECTOR, "#generation .hash").text == second

    click_and_wait(browser, browser.find_element(By.ID, "rollback"))
    assert "Result: success" in wait_for(browser, "#result").text
    assert browser.find_element(By.CSS_SELECTOR, "#generation .hash").text == first

    # The effective policy for a route.
    browser.get(console.url + "/console/policies?route=main")
    assert '"name": "p"' in wait_for(browser, "#effective").text

    # The kill-switch: trip the route's safety breaker, then release it.
    browser.get(console.url + "/console/breakers")
    wait_for(browser, "tr[data-route=main] input[name=reason]").send_keys("incident 42")
    trip = browser.find_element(By.CSS_SELECTOR, "tr[data-route=main] .hold-open")
    click_and_wait(browser, trip)
    assert wait_for(browser, "tr[data-route=main] .state").text == "open"
    assert browser.find_element(By.CSS_SELECTOR, "tr[data-route=main] .forced").text == "open"
    breakers = console.stack.proxy_runner.app[COMPONENTS].breaker_admin.status_json()
    assert breakers["safety"]["main"]["forced"] == "open"
    screenshot(browser, "breakers")
    release = browser.find_element(By.CSS_SELECTOR, "tr[data-route=main] .hold-auto")
    click_and_wait(browser, release)
    assert browser.find_element(By.CSS_SELECTOR, "tr[data-route=main] .forced").text == "no"

    calls = [(r["token"], r["path"], r["status"]) for r in console.audit_records("admin")]
    assert calls == [
        ("ops", "/console/policies/reload", 200),
        ("ops", "/console/policies/reload", 422),  # refused, as the API answers it
        ("ops", "/console/policies/rollback", 200),
        ("ops", "/console/breakers/{route}/force", 200),
        ("ops", "/console/breakers/{route}/force", 200),
    ]
    forced = [
        (r["token"], r["state"], r["reason"]) for r in console.audit_records("breaker_forced")
    ]
    assert forced == [("ops", "open", "incident 42"), ("ops", "auto", "console")]
    reloads = [r["result"] for r in console.audit_records("config_reload")]
    assert reloads == ["success", "failure", "success"]


def test_the_decisions_page_links_traces_and_shows_no_text(tmp_path: Path, browser: Any) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    browser.delete_all_cookies()
    with ConsoleStack(tmp_path, tracer_provider=provider) as console:
        reply = httpx.post(console.stack.url + "/v1/chat/completions", timeout=30, json={
            "model": "m", "messages": [{"role": "user", "content": "hi"}],
            "mock": {"reply": "a forbidden word"}})  # fmt: skip
        assert reply.status_code == 200
        login(browser, console.url)
        browser.get(console.url + "/console/decisions")
        rows = wait_for(browser, "#decisions").find_elements(By.CSS_SELECTOR, "tr")
        assert len(rows) == 2  # the header and the one request
        assert "main" in rows[1].text and "blocklist" in rows[1].text
        assert "forbidden" not in browser.page_source  # no text on this page
        (server,) = [s for s in exporter.get_finished_spans() if s.parent is None]
        trace_id = f"{server.context.trace_id:032x}"
        link = rows[1].find_element(By.CSS_SELECTOR, "a")
        assert link.get_attribute("href") == TRACE_URL.replace("{trace_id}", trace_id)
        screenshot(browser, "decisions")
        browser.get(console.url + "/console/rollouts")
        assert "No rollout is configured" in wait_for(browser, "#none").text


def test_the_queue_pages_by_fifty(console: ConsoleStack, browser: Any) -> None:
    ids = console.seed([make(n, policy="p") for n in range(55)])
    login(browser, console.url)
    first = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "article")]
    assert first == [str(i) for i in reversed(ids[5:])]
    click_and_wait(browser, browser.find_element(By.ID, "older"))
    rest = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "article")]
    assert rest == [str(i) for i in reversed(ids[:5])]
    assert browser.find_elements(By.ID, "older") == []  # the last page says so
