"""Helpers that drive the console like a person: log in, open a page, press keys."""

from __future__ import annotations

from typing import Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
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
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "h1")


def click_and_wait(driver: Any, element: Any) -> None:
    """Click something that loads a new page, and wait until the old page is gone."""
    element.click()
    WebDriverWait(driver, WAIT_S).until(lambda _driver: _is_gone(element))


def _is_gone(element: Any) -> bool:
    """True once `element` left the document, however the driver words it.

    Mid-navigation, chromedriver answers for a node of the page being replaced with an
    "unknown error" ("Node with given id does not belong to the document") instead of a
    stale-element error; both mean the old page is gone, which is what the caller waits for.
    """
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return True
        raise
    return False
