"""The rollouts page in headless Chromium: start a canary from the console, watch two
analysis intervals (fake clock, ticked by hand) drawn as canary against baseline, then abort
it; each action is the API's, audited with the token's name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from tests.browser.chrome import screenshot
from tests.browser.pages import click_and_wait, login, wait_for
from tests.integration.test_rollouts import CANARY, Proxy

PATIENT = {**CANARY, "analysis": {**CANARY["analysis"], "max_failed": 5}}


def test_start_chart_and_abort_a_canary(tmp_path: Path, browser: Any) -> None:
    browser.delete_all_cookies()
    with Proxy(tmp_path, PATIENT) as p:
        login(browser, p.admin_url)
        browser.get(p.admin_url + "/console/rollouts")
        section = wait_for(browser, "section.rollout[data-route=main]")
        assert "No interval closed yet" in section.text
        click_and_wait(browser, section.find_element(By.CSS_SELECTOR, ".act-start"))
        assert wait_for(browser, "section.rollout .phase").text == "running"
        for _ in range(2):
            answers = [p.chat(i) for i in range(20)]
            assert {a[0] for a in answers} == {200, 400}  # both arms served
            assert p.interval() == [("main", "fail")]
        browser.get(p.admin_url + "/console/rollouts")
        canary = wait_for(browser, "figure.chart polyline.line-canary")
        baseline = browser.find_element(By.CSS_SELECTOR, "figure.chart polyline.line-baseline")
        # Two intervals: two points per line; the canary blocks more, so it is drawn higher
        # (a smaller y) than the baseline.
        canary_points = [tuple(map(float, xy.split(","))) for xy in
                         canary.get_attribute("points").split()]  # fmt: skip
        baseline_points = [tuple(map(float, xy.split(","))) for xy in
                           baseline.get_attribute("points").split()]  # fmt: skip
        assert len(canary_points) == len(baseline_points) == 2
        assert all(c[1] < b[1] for c, b in zip(canary_points, baseline_points, strict=True))
        caption = browser.find_element(By.CSS_SELECTOR, "figure.chart figcaption").text
        assert caption.startswith("block_rate over the last 2 intervals")
        assert "block_rate" in browser.find_element(By.CSS_SELECTOR, "table.last").text
        history = browser.find_element(By.CSS_SELECTOR, "details.history")
        history.find_element(By.TAG_NAME, "summary").click()
        assert history.text.count("interval: fail") == 2 and "failing: block_rate" in history.text
        screenshot(browser, "rollouts")
        section = browser.find_element(By.CSS_SELECTOR, "section.rollout[data-route=main]")
        click_and_wait(browser, section.find_element(By.CSS_SELECTOR, ".act-abort"))
        assert wait_for(browser, "section.rollout .phase").text == "aborted"
        assert p.rollouts.rollouts["main"].machine.phase == "aborted"
    # The stack is closed: the audit log is complete on disk.
    actions = [(r["token"], r["event"]) for r in p.audit_records("rollout") if "token" in r]
    assert actions == [("ops", "started"), ("ops", "aborted")]
    calls = [(r["path"], r["via"]) for r in p.audit_records("admin")]
    assert calls == [("/console/rollouts/{route}/{action}", "console")] * 2
