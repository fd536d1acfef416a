"""Waiting for the page in browser tests.

Dash re-renders components while a test reads them, so an element found a moment ago can be
gone ("stale") by the time its value is read. That is the page still settling, not a failure:
``until`` treats it as "not yet" and asks again, until the condition holds or time runs out.
Likewise a click that a re-render sent onto another element: ``click`` scrolls and clicks again.
"""

import time

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By


def until(condition, timeout: float = 10, poll: float = 0.1, msg: str = "condition not met"):
    """Like ``dash.testing.wait.until``, but a stale element means "ask again"."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except StaleElementReferenceException:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutException(f"{msg} within {timeout}s")
        time.sleep(poll)


def click(driver, selector: str, timeout: float = 10) -> None:
    """Click an element after scrolling it to the middle of the window at once (Bootstrap
    makes scrolling smooth, and a click during the animation lands elsewhere); when figures
    re-rendering meanwhile moved another element over it, scroll and click again."""

    def clicked() -> bool:
        element = driver.find_element(By.CSS_SELECTOR, selector)
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
        )
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    until(clicked, timeout, msg=f"{selector} could not be clicked")
