"""The Diagnostics page in headless Chromium: the elbow sweep runs as a background callback
(progress bar, cancel button, page usable meanwhile), the controls redraw the figures, Check
stability draws the chosen result's stability and marks it once that result changes, and "Use
eps" opens Compare with that eps in the URL."""

import json
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.ids import diagnostics as ids
from tests.browser.waiting import click, until

pytestmark = pytest.mark.browser


def trace_names(dash_duo, graph_id: str) -> list[str]:
    """The names of the traces a dcc.Graph currently draws, as plotly.js holds them."""
    return dash_duo.driver.execute_script(
        f"return document.querySelector('#{graph_id} .js-plotly-plot').data.map(t => t.name);"
    )


def bar_heights(dash_duo, graph_id: str) -> list[float] | None:
    """The heights of the bars a dcc.Graph currently draws (its first trace), if it has any."""
    return dash_duo.driver.execute_script(
        f"const plot = document.querySelector('#{graph_id} .js-plotly-plot');"
        "return plot && plot.data.length && plot.data[0].type === 'bar' ? plot.data[0].y : null;"
    )


def markers_drawn(dash_duo, graph_id: str) -> int:
    """How many markers the first trace of a graph shows on screen."""
    return len(dash_duo.find_elements(f"#{graph_id} .scatterlayer .trace:first-child .point"))


def retype(dash_duo, selector: str, value: str) -> None:
    field = dash_duo.find_element(selector)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(value, Keys.TAB)


def open_diagnostics(dash_duo, app, view: dict | None = None) -> None:
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/diagnostics")
    if view is not None:
        dash_duo.driver.execute_script(
            "sessionStorage.setItem('view', arguments[0]);", json.dumps(view)
        )
        # opened again without a query: the address bar now names the view, and wins
        dash_duo.driver.get(dash_duo.server_url + "/diagnostics")
    dash_duo.wait_for_contains_text("h3", "Diagnostics")


def test_elbow_recommendation_controls_and_eps_link(dash_duo, app):
    open_diagnostics(dash_duo, app)
    dash_duo.wait_for_text_to_equal(".recommended-k", "k = 5", timeout=60)
    assert "Knee (k = 5)" in trace_names(dash_duo, ids.ELBOW_GRAPH)
    assert "Best Silhouette: k = 5" in trace_names(dash_duo, ids.SCORES_GRAPH)

    retype(dash_duo, f"#{ids.K_RANGE} .dash-range-slider-max-input", "14")
    dash_duo.wait_for_style_to_equal(f"#{ids.SWEEP_STATUS}", "display", "none", timeout=60)
    until(lambda: markers_drawn(dash_duo, ids.ELBOW_GRAPH) == 14, timeout=60)

    retype(dash_duo, f"#{ids.sil_control('kmeans', 'n_clusters')}", "3")
    dash_duo.wait_for_contains_text(f"#{ids.SIL_SUMMARY}", "3 segments", timeout=30)
    click(dash_duo.driver, f"#{ids.INSPECT_RECOMMENDED}")
    dash_duo.wait_for_contains_text(f"#{ids.SIL_SUMMARY}", "5 segments", timeout=30)
    assert dash_duo.find_element(f"#{ids.TREE_K}").get_attribute("value") == "5"

    click(dash_duo.driver, f"#{ids.STAB_RUN}")
    dash_duo.wait_for_contains_text(f"#{ids.STAB_VERDICT}", "20 bootstrap resamples", timeout=60)
    heights = bar_heights(dash_duo, ids.STAB_GRAPH)
    assert len(heights) == 5 and all(0 <= height <= 1 for height in heights)
    assert dash_duo.find_element(f"#{ids.STAB_RUN}").is_enabled()
    retype(dash_duo, f"#{ids.sil_control('kmeans', 'n_clusters')}", "4")
    dash_duo.wait_for_contains_text(
        f"#{ids.STAB_STALE}", "checked for K-Means (n_clusters = 5,", timeout=30
    )

    dash_duo.wait_for_contains_text(f"#{ids.KDIST_USE_EPS}", "Use eps = ", timeout=30)
    before = dash_duo.find_element(f"#{ids.KDIST_USE_EPS}").text
    retype(dash_duo, f"#{ids.KDIST_MIN_SAMPLES}", "10")
    until(
        lambda: (
            "min_samples=10" in dash_duo.find_element(f"#{ids.KDIST_USE_EPS}").get_attribute("href")
        ),
        timeout=30,
    )
    label = dash_duo.find_element(f"#{ids.KDIST_USE_EPS}").text
    assert label != before
    eps = label.removeprefix("Use eps = ").removesuffix(" in Compare")

    click(dash_duo.driver, f"#{ids.KDIST_USE_EPS}")
    until(lambda: urlsplit(dash_duo.driver.current_url).path == "/compare", 30)
    query = parse_qs(urlsplit(dash_duo.driver.current_url).query)
    assert query == {"method": ["dbscan"], "eps": [eps], "min_samples": ["10"]}
    assert dash_duo.get_logs() == []


def test_long_sweep_shows_progress_keeps_the_page_usable_and_can_be_cancelled(
    dash_duo, app, services
):
    rng = np.random.default_rng(1)
    centres = np.repeat([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]], 3_000, axis=0)
    table = pd.DataFrame(centres + rng.normal(size=centres.shape), columns=["a", "b"])
    info = services.datasets.put(table, "Three blobs")
    view = {"dataset_id": info.dataset_id, "features": ["a", "b"], "scaling": "standard"}
    open_diagnostics(dash_duo, app, view)

    dash_duo.wait_for_style_to_equal(f"#{ids.SWEEP_STATUS}", "display", "block", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.SWEEP_PROGRESS_LABEL}", "fitted", timeout=60)

    retype(dash_duo, f"#{ids.KDIST_MIN_SAMPLES}", "7")
    until(
        lambda: (
            "min_samples=7" in dash_duo.find_element(f"#{ids.KDIST_USE_EPS}").get_attribute("href")
        ),
        timeout=30,
    )
    assert dash_duo.find_element(f"#{ids.SWEEP_STATUS}").is_displayed()

    click(dash_duo.driver, f"#{ids.SWEEP_CANCEL}")
    dash_duo.wait_for_style_to_equal(f"#{ids.SWEEP_STATUS}", "display", "none", timeout=30)
    assert dash_duo.find_elements(".recommended-k") == []
    assert dash_duo.get_logs() == []
