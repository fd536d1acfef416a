"""Issue 12 items 1–4 at 1440 × 900 in headless Chromium: a refitting panel's old result is
marked stale until the new one arrives, another panel's change leaves a panel's colours
alone, and legends sit outside the plot whatever the number of segments. Screenshots are kept
in ``tests/artifacts/`` (see tests/README.md)."""

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.pages import compare
from tests.browser.waiting import until

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT = 60
STALE = "segmenta-stale"

TRACE_COLOURS = """
const gd = document.querySelector(`#${arguments[0]} .js-plotly-plot`);
return gd && gd.data ? gd.data.filter((t) => Number.isInteger(t.meta && t.meta.cluster))
  .map((t) => [t.meta.cluster, t.marker.color]) : null;
"""


@pytest.fixture
def screenshot(dash_duo, request):
    """``screenshot(name)`` saves the window as tests/artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        dash_duo.driver.save_screenshot(str(path))
        return path

    return save


def open_compare(dash_duo, app, query: str = "") -> None:
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare{query}")
    for method in ("kmeans", "dbscan", "hierarchical"):
        dash_duo.wait_for_contains_text(f"#compare-{method}-note", "segment", timeout=TIMEOUT)


def set_k(dash_duo, k: int) -> None:
    box = dash_duo.find_element("#compare-kmeans-param-n_clusters input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(k), Keys.ENTER)


def classes(dash_duo, element_id: str) -> str:
    return dash_duo.find_element(f"#{element_id}").get_attribute("class") or ""


def opacity(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).value_of_css_property("opacity")


def test_a_refitting_panel_is_marked_stale_until_its_result_arrives(
    dash_duo, app, monkeypatch, screenshot
):
    draw = compare.panel_view

    def slow_kmeans(services, request, *args):
        if request and request["method"] == "kmeans" and request["params"]["n_clusters"] == 3:
            time.sleep(4)
        return draw(services, request, *args)

    monkeypatch.setattr(compare, "panel_view", slow_kmeans)
    open_compare(dash_duo, app)
    marked = ["compare-kmeans-note", "compare-kmeans-profile", "compare-metrics"]
    marked += ["compare-metrics-verdict", "compare-agreement"]
    dimmed = ["#compare-kmeans-figure", "#compare-crosstab"]
    until(lambda: not any(STALE in classes(dash_duo, e) for e in marked), TIMEOUT, msg="fresh")

    set_k(dash_duo, 3)
    until(lambda: all(STALE in classes(dash_duo, e) for e in marked), 3, msg="marked stale")
    assert "5 segments" in dash_duo.find_element("#compare-kmeans-note").text
    assert all(float(opacity(dash_duo, graph)) < 0.5 for graph in dimmed)
    assert STALE not in classes(dash_duo, "compare-dbscan-note")
    screenshot("refitting")

    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    until(lambda: not any(STALE in classes(dash_duo, e) for e in marked), TIMEOUT, msg="fresh")
    until(lambda: all(float(opacity(dash_duo, graph)) == 1 for graph in dimmed), 2)
    screenshot("refitted")
    assert dash_duo.get_logs() == []


def test_a_k_change_leaves_the_other_panels_colours(dash_duo, app, screenshot):
    open_compare(dash_duo, app)
    before = {m: dash_duo.driver.execute_script(TRACE_COLOURS, f"compare-{m}-figure") for m in (
        "dbscan", "hierarchical")}  # fmt: skip
    screenshot("k5")
    set_k(dash_duo, 3)
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    until(
        lambda: len(dash_duo.driver.execute_script(TRACE_COLOURS, "compare-kmeans-figure")) == 3,
        TIMEOUT,
    )
    screenshot("k3")
    for method, colours in before.items():
        assert dash_duo.driver.execute_script(TRACE_COLOURS, f"compare-{method}-figure") == colours
    assert dash_duo.get_logs() == []
