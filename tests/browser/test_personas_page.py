"""The persona editor in headless Chromium: rename a persona, save, reload and find the set in
the library, open it again, and see it from a second browser (another user's session)."""

import pytest
from dash.testing.wait import until
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import pytest_setup_options

pytestmark = pytest.mark.browser

NEW_NAME = "Weekend Shoppers"


def name_inputs(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#personas-cards input.persona-name")


def replace_text(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text, Keys.TAB)


def test_rename_save_reload_and_open_from_two_browsers(dash_duo, app):
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/personas?method=kmeans&n_clusters=5")
    until(lambda: len(name_inputs(driver)) == 5, timeout=30)
    dash_duo.wait_for_contains_text("#personas-summary", "n_clusters=5", timeout=20)

    replace_text(name_inputs(driver)[0], NEW_NAME)
    dash_duo.wait_for_contains_text("#personas-scatter", NEW_NAME, timeout=20)
    replace_text(dash_duo.find_element("#personas-set-name"), "Browser set")
    replace_text(dash_duo.find_element("#personas-author"), "Ann")
    dash_duo.find_element("#personas-save").click()
    dash_duo.wait_for_contains_text("#personas-save-status", "as version 1", timeout=20)
    dash_duo.wait_for_contains_text("#personas-library", "Browser set", timeout=20)

    driver.refresh()
    dash_duo.wait_for_contains_text("#personas-library", "Browser set", timeout=30)
    until(lambda: dash_duo.find_element("#personas-author").get_attribute("value") == "Ann", 20)
    until(lambda: len(name_inputs(driver)) == 5, timeout=30)
    assert name_inputs(driver)[0].get_attribute("value") != NEW_NAME  # a fresh, unsaved draft

    dash_duo.find_element("#personas-library .list-group-item .btn-outline-primary").click()
    until(lambda: name_inputs(driver)[0].get_attribute("value") == NEW_NAME, timeout=30)
    dash_duo.wait_for_contains_text("#personas-loaded-badge", "version 1", timeout=20)
    assert dash_duo.find_element("#personas-set-name").get_attribute("value") == "Browser set"

    other = webdriver.Chrome(options=pytest_setup_options())
    try:
        other.get(f"{dash_duo.server_url}/personas")
        until(lambda: "Browser set" in _text(other, "#personas-library"), timeout=30)
        assert "Ann" in _text(other, "#personas-library")
        assert other.find_element(By.CSS_SELECTOR, "#personas-author").get_attribute("value") == ""
        other.find_element(
            By.CSS_SELECTOR, "#personas-library .list-group-item .btn-outline-primary"
        ).click()
        until(
            lambda: name_inputs(other) and name_inputs(other)[0].get_attribute("value") == NEW_NAME,
            30,
        )
    finally:
        other.quit()

    assert dash_duo.get_logs() == []


def _text(driver, selector: str) -> str:
    elements = driver.find_elements(By.CSS_SELECTOR, selector)
    return elements[0].text if elements else ""
