"""The Compare page in headless Chromium: three segmentations at once, a k change that
redraws only its panel and the metrics, background fits, and result links."""

import time

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.pages import compare, compare_panels
from tests.browser.waiting import click, until

pytestmark = pytest.mark.browser

TIMEOUT = 30


def metric_cell(metric: str, method: str) -> str:
    return f"#compare-metrics td[data-metric='{metric}'][data-method='{method}']"


def wait_for_panels(dash_duo, kmeans="5 segments", hierarchical="5 segments"):
    dash_duo.wait_for_contains_text("#compare-kmeans-note", kmeans, timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-hierarchical-note", hierarchical, timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-dbscan-note", "noise", timeout=TIMEOUT)


def legend_entries(dash_duo, method: str) -> int:
    return len(dash_duo.find_elements(f"#compare-{method}-figure g.legend g.traces"))


def test_three_segmentations_then_k_follows_its_control(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare")
    wait_for_panels(dash_duo)
    assert legend_entries(dash_duo, "kmeans") == 5 + 1  # five segments and the centroids
    assert legend_entries(dash_duo, "hierarchical") == 5
    assert legend_entries(dash_duo, "dbscan") >= 2
    dash_duo.wait_for_text_to_equal(metric_cell("n_clusters", "kmeans"), "5", timeout=TIMEOUT)
    assert len(dash_duo.find_elements("#compare-metrics td.metric-best")) >= 3
    dbscan_note = dash_duo.find_element("#compare-dbscan-note").text

    k = dash_duo.find_element("#compare-kmeans-param-n_clusters input")
    k.send_keys(Keys.CONTROL, "a")
    k.send_keys("3", Keys.TAB)

    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal(metric_cell("n_clusters", "kmeans"), "3", timeout=TIMEOUT)
    until(lambda: legend_entries(dash_duo, "kmeans") == 3 + 1, timeout=TIMEOUT)
    assert len(dash_duo.find_elements("#compare-kmeans-profile tbody tr")) == 3
    assert dash_duo.find_element("#compare-dbscan-note").text == dbscan_note
    assert "n_clusters=3" in dash_duo.find_element("#compare-kmeans-use").get_attribute("href")

    diagnose = "#compare-kmeans-diagnose"
    until(lambda: "n_clusters=3" in dash_duo.find_element(diagnose).get_attribute("href"), TIMEOUT)
    click(dash_duo.driver, diagnose)
    dash_duo.wait_for_element("#diag-sil-kmeans-n_clusters", timeout=TIMEOUT)
    until(
        lambda: dash_duo.find_element("#diag-sil-kmeans-n_clusters").get_attribute("value") == "3",
        TIMEOUT,
    )
    dash_duo.wait_for_contains_text("#diag-sil-summary", "3 segments", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_large_tables_fit_in_background_processes(dash_duo, app, monkeypatch):
    monkeypatch.setattr(compare_panels, "BACKGROUND_MIN_ROWS", 0)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare")
    wait_for_panels(dash_duo)
    dash_duo.wait_for_text_to_equal(metric_cell("n_clusters", "hierarchical"), "5", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_a_background_fit_can_be_cancelled(dash_duo, app, monkeypatch):
    monkeypatch.setattr(compare_panels, "BACKGROUND_MIN_ROWS", 0)
    fit = compare.fit_in_background

    def slow_dbscan(services, request):
        if request["method"] == "dbscan":
            time.sleep(120)
        return fit(services, request)

    monkeypatch.setattr(compare, "fit_in_background", slow_dbscan)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare")
    cancel = dash_duo.wait_for_element("#compare-dbscan-cancel", timeout=TIMEOUT)
    until(cancel.is_displayed, timeout=TIMEOUT)
    cancel.click()
    dash_duo.wait_for_contains_text("#compare-dbscan-alert", "fit was cancelled", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "5 segments", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal(metric_cell("n_clusters", "kmeans"), "5", timeout=TIMEOUT)
    assert "fit was cancelled" in dash_duo.find_element("#compare-dbscan-alert").text
    assert not dash_duo.find_element("#compare-dbscan-running").is_displayed()
    assert dash_duo.get_logs() == []


def test_a_result_link_opens_with_that_panel_set(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare?method=dbscan&eps=0.45&min_samples=5")
    dash_duo.wait_for_contains_text("#compare-link-note", "eps 0.45", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-dbscan-note", "5 segments", timeout=TIMEOUT)
    assert dash_duo.find_element("#compare-dbscan-param-eps").get_attribute("value") == "0.45"
    assert dash_duo.get_logs() == []
