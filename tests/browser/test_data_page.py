"""The Data page in headless Chromium: upload a table, pick a preset, come back to the page."""

from dataclasses import replace

import pandas as pd
import pytest

from algorithms.loading import SAMPLE_PATH
from dashboard.app import create_app
from dashboard.ids import data as ids
from tests.browser.waiting import until

pytestmark = pytest.mark.browser

MATRIX_DIMENSIONS = (
    f"const graph = document.querySelector('#{ids.SCATTER_MATRIX} .js-plotly-plot');"
    "if (!graph || !graph.data || !graph.data.length) return 0;"
    "const trace = graph.data[0];"
    "return trace.type === 'splom' ? trace.dimensions.length : 2;"
)


def matrix_dimensions(dash_duo) -> int:
    return dash_duo.driver.execute_script(MATRIX_DIMENSIONS)


def test_upload_preset_and_return(dash_duo, app, tmp_path):
    sample = pd.read_csv(SAMPLE_PATH, dtype={"CustomerID": str})
    upload = tmp_path / "first_120_customers.csv"
    sample.head(120).to_csv(upload, index=False)

    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    dash_duo.wait_for_contains_text(f"#{ids.COUNTS}", "200")
    dash_duo.wait_for_contains_text("#dataset-badge", "200 customers")
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_HINT}", "up to 100 MB")
    until(lambda: matrix_dimensions(dash_duo) == 2, timeout=10)

    dash_duo.find_element(f"#{ids.UPLOAD} input[type=file]").send_keys(str(upload))
    dash_duo.wait_for_contains_text(f"#{ids.ALERT}", "Loaded 'first_120_customers.csv'")
    dash_duo.wait_for_contains_text("#dataset-badge", "first_120_customers.csv · 120 customers")
    dash_duo.wait_for_contains_text(f"#{ids.COUNTS}", "120")
    dash_duo.wait_for_contains_text(f"#{ids.DATASET}", "first_120_customers.csv")

    dash_duo.find_element(f"#{ids.PRESET_THREE}").click()
    dash_duo.wait_for_contains_text("#dataset-badge", "Age × Income × Spending")
    until(lambda: matrix_dimensions(dash_duo) == 3, timeout=10)

    dash_duo.find_element("a.nav-link[href='/compare']").click()
    dash_duo.wait_for_contains_text("h3", "Compare")
    dash_duo.find_element("a.nav-link[href='/data']").click()
    dash_duo.wait_for_contains_text(f"#{ids.FEATURES}", "Age")
    chosen = dash_duo.find_element(f"#{ids.FEATURES}").text
    assert "Annual Income (k$)" in chosen and "Spending Score (1-100)" in chosen
    dash_duo.wait_for_contains_text(f"#{ids.DATASET}", "first_120_customers.csv")
    until(lambda: matrix_dimensions(dash_duo) == 3, timeout=10)
    assert dash_duo.get_logs() == []


def test_a_file_over_the_size_limit_is_refused_in_the_browser(dash_duo, app_config, tmp_path):
    small_limit = create_app(replace(app_config, upload_max_mb=1))
    big = tmp_path / "big.csv"
    rows = pd.DataFrame({"a": range(120_000), "b": range(120_000)})
    rows.to_csv(big, index=False)
    assert big.stat().st_size > 1024 * 1024

    dash_duo.start_server(small_limit)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_HINT}", "up to 1 MB")
    dash_duo.find_element(f"#{ids.UPLOAD} input[type=file]").send_keys(str(big))
    dash_duo.wait_for_contains_text(f"#{ids.ALERT}", "'big.csv' is 1.")
    assert "over the 1.0 MB limit" in dash_duo.find_element(f"#{ids.ALERT}").text
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers (sample)")
    assert dash_duo.get_logs() == []
