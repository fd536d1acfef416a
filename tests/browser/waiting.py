"""Waiting for the page in browser tests.

Dash re-renders components while a test reads them, so an element found a moment ago can be
gone ("stale") by the time its value is read. That is the page still settling, not a failure:
``until`` treats it as "not yet" and asks again, until the condition holds or time runs out.
"""

import time

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException


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
