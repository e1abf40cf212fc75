"""Helpers that drive the console like a person: log in, open a page, press keys."""

from __future__ import annotations

from typing import Any

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.console_stack import TOKEN

# A bound for a page to change on a loaded runner (a reload compiles policies), not a measure.
WAIT_S = 90


def wait_for(driver: Any, css: str) -> Any:
    """The first element matching `css` once it is there (bounded wait on the DOM)."""
    return WebDriverWait(driver, WAIT_S).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def login(driver: Any, url: str, token: str = TOKEN) -> None:
    driver.get(url + "/console/login")
    wait_for(driver, "#token").send_keys(token)
    # The login page has an <h1> of its own: wait for the page the login leads to, so that
    # the session cookie is set before the caller opens another page.
    click_and_wait(driver, driver.find_element(By.ID, "login"))


def click_and_wait(driver: Any, element: Any) -> None:
    """Click something that loads a new page, and wait until a new document has loaded.

    The old document is marked first; a new page has a new `window`, without the mark. Asking
    the browser mid-navigation can fail in several transient ways (chromedriver's "unknown
    error: Node with given id does not belong to the document", a lost script context, a
    stale element), so any driver error while waiting means "not yet", and the wait is
    bounded by WAIT_S.
    """
    driver.execute_script("window.__safeproxyOldPage = true")
    element.click()
    WebDriverWait(driver, WAIT_S, ignored_exceptions=(WebDriverException,)).until(_new_page)


def press_and_wait(driver: Any, keys: str) -> None:
    """Press a key that submits a form (a label shortcut), and wait until the new page has
    loaded, as `click_and_wait` does: the old page has the same elements, so waiting for an
    element alone can read the old page."""
    driver.execute_script("window.__safeproxyOldPage = true")
    driver.switch_to.active_element.send_keys(keys)
    WebDriverWait(driver, WAIT_S, ignored_exceptions=(WebDriverException,)).until(_new_page)


def _new_page(driver: Any) -> bool:
    return bool(
        driver.execute_script(
            "return !window.__safeproxyOldPage && document.readyState === 'complete'"
        )
    )
