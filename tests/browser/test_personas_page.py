"""The persona editor in headless Chromium: rename a persona, save, reload and find the set in
the library, open it again, and see it from a second browser (another user's session)."""

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.waiting import click, until
from tests.conftest import pytest_setup_options

pytestmark = pytest.mark.browser

NEW_NAME = "Weekend Shoppers"


def name_inputs(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#personas-cards input.persona-name")


def replace_text(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text, Keys.TAB)


def rename_first_persona(driver, text: str) -> None:
    """Type into the first name field once the cards have been redrawn and can take input."""

    def typed() -> bool:
        try:
            replace_text(name_inputs(driver)[0], text)
        except (IndexError, ElementNotInteractableException, StaleElementReferenceException):
            return False
        return name_inputs(driver)[0].get_attribute("value") == text

    until(typed, timeout=30)


def test_rename_save_reload_and_open_from_two_browsers(dash_duo, app):
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/personas?method=kmeans&n_clusters=5")
    until(lambda: len(name_inputs(driver)) == 5, timeout=30)
    dash_duo.wait_for_contains_text("#personas-summary", "n_clusters=5", timeout=20)

    rename_first_persona(driver, NEW_NAME)
    dash_duo.wait_for_contains_text("#personas-scatter", NEW_NAME, timeout=20)
    replace_text(dash_duo.find_element("#personas-set-name"), "Browser set")
    replace_text(dash_duo.find_element("#personas-author"), "Ann")
    click(driver, "#personas-save")
    dash_duo.wait_for_contains_text("#personas-save-status", "as version 1", timeout=20)
    dash_duo.wait_for_contains_text("#personas-library", "Browser set", timeout=20)

    driver.refresh()  # the URL now names the saved set (set=…&version=1)
    dash_duo.wait_for_contains_text("#personas-library", "Browser set", timeout=30)
    until(lambda: dash_duo.find_element("#personas-author").get_attribute("value") == "Ann", 20)
    until(
        lambda: name_inputs(driver) and name_inputs(driver)[0].get_attribute("value") == NEW_NAME,
        30,
    )
    dash_duo.wait_for_contains_text("#personas-loaded-badge", "version 1", timeout=20)

    driver.get(f"{dash_duo.server_url}/personas?method=kmeans&n_clusters=5")
    until(lambda: len(name_inputs(driver)) == 5, timeout=30)
    assert name_inputs(driver)[0].get_attribute("value") != NEW_NAME  # a fresh, unsaved draft

    click(driver, "#personas-library .list-group-item .btn-outline-primary")
    until(lambda: name_inputs(driver)[0].get_attribute("value") == NEW_NAME, timeout=30)
    dash_duo.wait_for_contains_text("#personas-loaded-badge", "version 1", timeout=20)
    assert dash_duo.find_element("#personas-set-name").get_attribute("value") == "Browser set"

    other = webdriver.Chrome(options=pytest_setup_options())
    try:
        other.get(f"{dash_duo.server_url}/personas")
        until(lambda: "Browser set" in _text(other, "#personas-library"), timeout=30)
        assert "Ann" in _text(other, "#personas-library")
        assert other.find_element(By.CSS_SELECTOR, "#personas-author").get_attribute("value") == ""
        click(other, "#personas-library .list-group-item .btn-outline-primary")
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


def test_a_conflicting_save_keeps_my_edits_and_saves_them_as_a_new_set(dash_duo, app):
    dash_duo.start_server(app)
    ann = driver = dash_duo.driver
    ann.get(f"{dash_duo.server_url}/personas")
    until(lambda: len(name_inputs(ann)) == 5, timeout=30)
    replace_text(dash_duo.find_element("#personas-set-name"), "Shared set")
    replace_text(dash_duo.find_element("#personas-author"), "Ann")
    click(driver, "#personas-save")
    dash_duo.wait_for_contains_text("#personas-save-status", "as version 1", timeout=20)

    bob = webdriver.Chrome(options=pytest_setup_options())
    try:
        bob.get(f"{dash_duo.server_url}/personas")
        until(lambda: "Shared set" in _text(bob, "#personas-library"), timeout=30)
        click(bob, "#personas-library .list-group-item .btn-outline-primary")
        until(lambda: "version 1" in _text(bob, "#personas-loaded-badge"), timeout=30)
        rename_first_persona(bob, "Bob's edit")
        replace_text(bob.find_element(By.CSS_SELECTOR, "#personas-author"), "Bob")
        click(bob, "#personas-save")
        until(lambda: "as version 2" in _text(bob, "#personas-save-status"), timeout=30)
    finally:
        bob.quit()

    rename_first_persona(ann, "Ann's edit")
    click(driver, "#personas-save")
    dash_duo.wait_for_contains_text("#personas-conflict", "saved by Bob as version 2", timeout=20)
    assert name_inputs(ann)[0].get_attribute("value") == "Ann's edit"
    click(driver, "#personas-save-as-new")
    dash_duo.wait_for_contains_text("#personas-save-status", "Shared set (Ann)", timeout=20)
    dash_duo.wait_for_contains_text("#personas-library", "Shared set (Ann)", timeout=20)
    assert "Shared set" in dash_duo.find_element("#personas-library").text.replace(
        "Shared set (Ann)", ""
    )
    assert dash_duo.get_logs() == []
