"""Shareable links in headless Chromium: a link copied on one browser opens the same view in
a fresh one, back/forward move between views, and the address bar follows the page."""

import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.keys import Keys

from dashboard.app import default_view
from dashboard.view import url
from tests.browser.waiting import until
from tests.conftest import pytest_setup_options

pytestmark = pytest.mark.browser

TIMEOUT = 30
K_INPUT = "#compare-kmeans-param-n_clusters input"
EPS_INPUT = "#compare-dbscan-param-eps"
COPIED_LINK = "return window.dash_component_api.getLayout('copy-link').props.content;"
INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"
PUBLISHED = "return window.dash_component_api.getLayout('page-query').props.data;"


def wait_for_compare(dash_duo, k=5):
    dash_duo.wait_for_contains_text("#compare-kmeans-note", f"{k} segments", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-dbscan-note", "noise", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-hierarchical-note", "segments", timeout=TIMEOUT)


def type_into(element, value) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(str(value), Keys.TAB)


def set_k(dash_duo, k: int) -> None:
    type_into(dash_duo.find_element(K_INPUT), k)
    dash_duo.wait_for_contains_text("#compare-kmeans-note", f"{k} segments", timeout=TIMEOUT)
    until(lambda: f"km_n_clusters={k}&" in dash_duo.driver.current_url, timeout=TIMEOUT)


def k_value(driver) -> str:
    return driver.find_element("css selector", K_INPUT).get_attribute("value")


def legend(driver, method: str) -> list[str]:
    """The legend entries of a Compare panel's scatter: segment names with their counts."""
    traces = driver.find_elements("css selector", f"#compare-{method}-figure g.legend g.traces")
    return [trace.text for trace in traces]


def fresh_browser() -> webdriver.Chrome:
    """A second Chromium with its own profile: no session storage, as for a teammate."""
    options = pytest_setup_options()
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return webdriver.Chrome(options=options)


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    until(lambda: "features=" in dash_duo.driver.current_url, timeout=TIMEOUT)
    dash_duo.wait_for_element("#data-preset-age-income-spending:not([disabled])").click()
    dash_duo.wait_for_contains_text("#dataset-badge", "Age × Income × Spending", timeout=TIMEOUT)
    dash_duo.find_element("a.nav-link[href='/compare']").click()
    wait_for_compare(dash_duo)
    set_k(dash_duo, 4)
    type_into(dash_duo.find_element(EPS_INPUT), "0.55")
    until(lambda: "db_eps=0.55&" in dash_duo.driver.current_url, timeout=TIMEOUT)
    wait_for_compare(dash_duo, k=4)
    until(
        lambda: dash_duo.driver.execute_script(COPIED_LINK) == dash_duo.driver.current_url,
        timeout=TIMEOUT,
    )
    link = dash_duo.driver.execute_script(COPIED_LINK)
    assert "features=Age&" in link and "km_n_clusters=4" in link
    shown = {method: legend(dash_duo.driver, method) for method in share_methods()}
    assert len(shown["kmeans"]) == 4 + 1  # four segments and the centroids
    badge = dash_duo.find_element("#dataset-badge").text
    notes = {m: note_counts(dash_duo.driver, m) for m in share_methods()}
    assert dash_duo.get_logs() == []

    teammate = fresh_browser()
    try:
        teammate.get(link)
        until(lambda: legend(teammate, "kmeans") == shown["kmeans"], timeout=TIMEOUT)
        for method in share_methods():
            until(lambda m=method: legend(teammate, m) == shown[m], timeout=TIMEOUT)
            until(lambda m=method: note_counts(teammate, m) == notes[m], timeout=TIMEOUT)
        assert k_value(teammate) == "4"
        assert teammate.find_element("css selector", EPS_INPUT).get_attribute("value") == "0.55"
        until(
            lambda: teammate.find_element("css selector", "#dataset-badge").text == badge,
            timeout=TIMEOUT,
        )
        assert url.parse_search(teammate.current_url.split("?", 1)[1]) == url.parse_search(
            link.split("?", 1)[1]
        )
        assert teammate.get_log("browser") == []
    finally:
        teammate.quit()


def share_methods() -> tuple[str, ...]:
    return ("kmeans", "dbscan", "hierarchical")


def published(dash_duo) -> dict:
    """What the open page last published as its URL settings. The router rebuilds a page on
    back or forward only where the URL differs from it, so a test goes back and forth only
    once the page has published what the last step showed."""
    state = dash_duo.driver.execute_script(PUBLISHED) or {}
    return state.get("query") or {}


def note_counts(driver, method: str) -> str:
    """The panel note without its fit time: segment and noise counts, cut height."""
    note = driver.find_element("css selector", f"#compare-{method}-note").text
    return " · ".join(part for part in note.split(" · ") if not part.startswith("fitted in"))


def test_back_and_forward_move_between_settings(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare")
    wait_for_compare(dash_duo)
    until(lambda: "km_n_clusters=5&" in dash_duo.driver.current_url, timeout=TIMEOUT)
    five = legend(dash_duo.driver, "kmeans")
    dash_duo.driver.execute_script("document.querySelector('.compare-page').dataset.mark = 1")
    set_k(dash_duo, 4)
    four = legend(dash_duo.driver, "kmeans")
    set_k(dash_duo, 3)
    # the address bar followed the page without rebuilding it
    assert dash_duo.driver.execute_script(
        "return document.querySelector('.compare-page').dataset.mark"
    )

    dash_duo.driver.back()
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "4 segments", timeout=TIMEOUT)
    assert k_value(dash_duo.driver) == "4"
    until(lambda: legend(dash_duo.driver, "kmeans") == four, timeout=TIMEOUT)
    assert "km_n_clusters=4&" in dash_duo.driver.current_url
    dash_duo.driver.back()
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "5 segments", timeout=TIMEOUT)
    until(lambda: legend(dash_duo.driver, "kmeans") == five, timeout=TIMEOUT)
    assert k_value(dash_duo.driver) == "5"

    until(lambda: published(dash_duo).get("km_n_clusters") == "5", timeout=TIMEOUT)
    dash_duo.driver.forward()
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "4 segments", timeout=TIMEOUT)
    assert k_value(dash_duo.driver) == "4"
    until(lambda: published(dash_duo).get("km_n_clusters") == "4", timeout=TIMEOUT)
    dash_duo.driver.forward()
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    assert "km_n_clusters=3&" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_a_link_with_awkward_column_names_and_a_missing_table(dash_duo, app, services):
    table = pd.DataFrame(
        {
            "Revenue, € (k)": [1.0, 1.2, 0.9, 5.0, 5.1, 4.8, 9.0, 9.3, 8.8, 9.1],
            "Visits & returns": [10, 11, 9, 50, 52, 49, 90, 91, 88, 93],
            "Âge": [20, 22, 21, 40, 41, 39, 60, 61, 59, 62],
        }
    )
    info = services.datasets.put(table, "Boutique")
    view = {
        "dataset_id": info.dataset_id,
        "features": ["Revenue, € (k)", "Visits & returns"],
        "scaling": "minmax",
        "categorical": None,
    }
    dash_duo.start_server(app)
    search = url.search_text(url.view_query(view) | {"km_n_clusters": "3"})
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare{search}")
    dash_duo.wait_for_contains_text("#dataset-badge", "Boutique · 10 customers", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#dataset-badge", "(minmax)", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)

    missing = url.search_text(url.view_query(view | {"dataset_id": "0" * 16}))
    dash_duo.driver.get(f"{dash_duo.server_url}/compare{missing}")
    dash_duo.wait_for_contains_text("#page-alert", "not stored on this server", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#dataset-badge", "Boutique", timeout=TIMEOUT)
    until(lambda: info.dataset_id in dash_duo.driver.current_url, timeout=TIMEOUT)

    # a link pasted in this tab wins over the view the tab remembers; naming no Compare
    # settings, it keeps the tab's last ones (k=3)
    sample = url.search_text(url.view_query(default_view(services).as_store()))
    dash_duo.driver.get(f"{dash_duo.server_url}/compare{sample}")
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    assert "Boutique" not in dash_duo.find_element("#dataset-badge").text
    assert dash_duo.get_logs() == []


def test_the_copy_button_copies_the_link(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": dash_duo.server_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    dash_duo.wait_for_page(f"{dash_duo.server_url}/diagnostics")
    until(lambda: "sil_method=kmeans" in dash_duo.driver.current_url, timeout=TIMEOUT)
    dash_duo.find_element("#copy-link").click()
    dash_duo.wait_for_text_to_equal("#copy-link", "Link copied", timeout=TIMEOUT)
    copied = dash_duo.driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0]);"
    )
    assert copied == dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_back_and_forward_move_between_views_on_the_data_page(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    until(lambda: "features=" in dash_duo.driver.current_url, timeout=TIMEOUT)
    dash_duo.driver.execute_script("document.querySelector('h3').dataset.mark = 1")
    dash_duo.wait_for_element("#data-preset-age-income-spending:not([disabled])").click()
    dash_duo.wait_for_contains_text("#dataset-badge", "Age × Income × Spending", timeout=TIMEOUT)
    until(lambda: "features=Age&" in dash_duo.driver.current_url, timeout=TIMEOUT)
    dash_duo.find_element("#data-scaling input[value='minmax']").click()
    until(lambda: "scaling=minmax" in dash_duo.driver.current_url, timeout=TIMEOUT)
    # the address bar followed the page without rebuilding it
    assert dash_duo.driver.execute_script("return document.querySelector('h3').dataset.mark")

    dash_duo.driver.back()
    dash_duo.wait_for_contains_text("#dataset-badge", "(standard)", timeout=TIMEOUT)
    dash_duo.driver.back()
    dash_duo.wait_for_contains_text(
        "#dataset-badge", "Income × Spending (standard)", timeout=TIMEOUT
    )
    until(lambda: "Age" not in dash_duo.find_element("#data-features").text, timeout=TIMEOUT)
    until(lambda: published(dash_duo).get("features") == [INCOME, SPENDING], timeout=TIMEOUT)
    dash_duo.driver.forward()
    dash_duo.wait_for_contains_text("#dataset-badge", "Age × Income", timeout=TIMEOUT)
    until(lambda: "Age" in dash_duo.find_element("#data-features").text, timeout=TIMEOUT)
    assert "scaling=standard" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []
