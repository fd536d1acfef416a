"""Issue 12 items 1–4 at 1440 × 900 in headless Chromium: a refitting panel's old result is
marked stale until the new one arrives, another panel's change leaves a panel's colours
alone, and legends sit outside the plot whatever the number of segments. Screenshots are kept
in ``tests/artifacts/`` (see tests/README.md)."""

import time
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.keys import Keys

from algorithms.loading import load_table
from dashboard.pages import compare
from tests.browser.waiting import until

pytestmark = pytest.mark.browser

TIMEOUT = 60
STALE = "segmenta-stale"

TRACE_COLOURS = """
const gd = document.querySelector(`#${arguments[0]} .js-plotly-plot`);
return gd && gd.data ? gd.data.filter((t) => Number.isInteger(t.meta && t.meta.cluster))
  .map((t) => [t.meta.cluster, t.marker.color]) : null;
"""


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
    marked = ["compare-kmeans-note", "compare-kmeans-profile"]
    metrics = ["compare-metrics", "compare-metrics-verdict", "compare-agreement"]
    until(lambda: not any(STALE in classes(dash_duo, e) for e in marked + metrics), TIMEOUT)

    set_k(dash_duo, 3)
    until(lambda: all(STALE in classes(dash_duo, e) for e in marked), 3, msg="marked stale")
    assert "5 segments" in dash_duo.find_element("#compare-kmeans-note").text
    assert float(opacity(dash_duo, "#compare-kmeans-figure")) < 0.5
    assert STALE not in classes(dash_duo, "compare-dbscan-note")
    screenshot("refitting")

    # The metrics come from the request, not from the drawn panel: they show k=3 (and are
    # fresh) while the slow panel still draws.
    cell = "td[data-metric='n_clusters'][data-method='kmeans']"
    until(lambda: dash_duo.find_element(cell).text == "3", TIMEOUT, msg="metrics for k=3")
    until(lambda: not any(STALE in classes(dash_duo, e) for e in metrics), 5, msg="fresh metrics")
    assert "5 segments" in dash_duo.find_element("#compare-kmeans-note").text
    assert all(STALE in classes(dash_duo, e) for e in marked)

    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    until(lambda: not any(STALE in classes(dash_duo, e) for e in marked), TIMEOUT, msg="fresh")
    dimmed = ["#compare-kmeans-figure", "#compare-crosstab"]
    until(lambda: all(float(opacity(dash_duo, graph)) == 1 for graph in dimmed), 2)
    screenshot("refitted")
    assert dash_duo.get_logs() == []


def test_a_k_change_leaves_the_other_panels_colours(dash_duo, app, screenshot):
    open_compare(dash_duo, app)
    before = {m: dash_duo.driver.execute_script(TRACE_COLOURS, f"compare-{m}-figure") for m in (
        "dbscan", "hierarchical")}  # fmt: skip
    screenshot("k5")
    set_k(dash_duo, 6)  # matching DBSCAN to six K-Means segments used to recolour it
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "6 segments", timeout=TIMEOUT)
    until(
        lambda: len(dash_duo.driver.execute_script(TRACE_COLOURS, "compare-kmeans-figure")) == 6,
        TIMEOUT,
    )
    screenshot("k6")
    for method, colours in before.items():
        assert dash_duo.driver.execute_script(TRACE_COLOURS, f"compare-{method}-figure") == colours
    assert dash_duo.get_logs() == []


# --- 4. legends beside the plot's room, never over it ------------------------------------

LEGEND_PLACE = """
const gd = document.querySelector(`#${arguments[0]} .js-plotly-plot`);
if (!gd || !gd._fullLayout || !gd.querySelector('g.legend')) { return null; }
const size = gd._fullLayout._size, top = gd.getBoundingClientRect().top;
const title = gd.querySelector('.g-xtitle');
return {
  plotHeight: size.h,
  plotBottom: top + size.t + size.h,
  titleBottom: title ? title.getBoundingClientRect().bottom : null,
  legendTop: gd.querySelector('g.legend').getBoundingClientRect().top,
  legendBottom: gd.querySelector('g.legend').getBoundingClientRect().bottom,
  figureBottom: gd.getBoundingClientRect().bottom,
  entries: gd.querySelectorAll('g.legend g.traces').length,
};
"""


def legend_place(dash_duo, graph_id: str) -> dict:
    return until(lambda: dash_duo.driver.execute_script(LEGEND_PLACE, graph_id), TIMEOUT)


def assert_legend_below_the_plot(place: dict, min_plot_height: int = 300) -> None:
    assert place["plotHeight"] >= min_plot_height, place
    assert place["legendTop"] >= place["plotBottom"], place
    if place["titleBottom"] is not None:
        assert place["legendTop"] >= place["titleBottom"], place
    assert place["legendBottom"] <= place["figureBottom"] + 1, place


def screenshot_at(dash_duo, selector: str, screenshot, name: str) -> None:
    """The window scrolled so that the element's bottom is at the bottom of the screen."""
    dash_duo.driver.execute_script(
        "const box = document.querySelector(arguments[0]).getBoundingClientRect();"
        "window.scrollBy(0, box.bottom - window.innerHeight + 16);",
        selector,
    )
    time.sleep(0.3)  # the scroll is smooth (Bootstrap)
    screenshot(name)


def test_twelve_segments_keep_the_plot_its_size(dash_duo, app, screenshot):
    open_compare(dash_duo, app, "?km_n_clusters=12&hc_n_clusters=18")
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "12 segments", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#compare-hierarchical-note", "18 segments", timeout=TIMEOUT)
    for method, entries in (("kmeans", 12 + 1), ("hierarchical", 18)):
        place = legend_place(dash_duo, f"compare-{method}-figure")
        assert place["entries"] == entries
        assert_legend_below_the_plot(place)
    screenshot_at(dash_duo, "#compare-kmeans-figure g.legend", screenshot, "sample")
    assert dash_duo.get_logs() == []


@pytest.fixture
def credit_cards(services, shared_data) -> str:
    """CC GENERAL stored on the app: its dataset id."""
    if not (shared_data / "CC GENERAL.csv").exists():
        pytest.skip("CC GENERAL.csv is not in the shared data folder")
    table = load_table(shared_data / "CC GENERAL.csv")
    return services.datasets.put(table, "CC GENERAL.csv").dataset_id


def view_query(dataset_id: str, features: list[str], **settings) -> str:
    return "?" + urlencode({"dataset": dataset_id, "features": features, **settings}, doseq=True)


def test_many_dbscan_segments_and_a_3d_scene_on_credit_cards(
    dash_duo, app, credit_cards, screenshot
):
    query = view_query(credit_cards, ["BALANCE", "PURCHASES"], db_eps=0.15, db_min_samples=4)
    open_compare(dash_duo, app, query)
    dash_duo.wait_for_contains_text("#compare-dbscan-note", "17 segments", timeout=TIMEOUT)
    place = legend_place(dash_duo, "compare-dbscan-figure")
    assert place["entries"] == 17 + 1  # and noise
    assert_legend_below_the_plot(place)
    screenshot_at(dash_duo, "#compare-dbscan-figure g.legend", screenshot, "dbscan")

    three = view_query(credit_cards, ["BALANCE", "PURCHASES", "CREDIT_LIMIT"])
    dash_duo.wait_for_page(f"{dash_duo.server_url}/compare{three}")
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "5 segments", timeout=TIMEOUT)
    place = legend_place(dash_duo, "compare-kmeans-figure")
    assert place["entries"] == 5 + 1
    assert_legend_below_the_plot(place, min_plot_height=320)
    screenshot_at(dash_duo, "#compare-kmeans-figure g.legend", screenshot, "3d")
    assert dash_duo.get_logs() == []


def test_the_personas_scatter_legend_clears_the_axis_title(dash_duo, app, screenshot):
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/personas?method=kmeans&n_clusters=5")
    dash_duo.wait_for_contains_text("#personas-summary", "n_clusters=5", timeout=TIMEOUT)
    place = legend_place(dash_duo, "personas-scatter")
    assert place["titleBottom"] is not None
    assert_legend_below_the_plot(place)
    screenshot_at(dash_duo, "#personas-scatter g.legend", screenshot, "personas")
    assert dash_duo.get_logs() == []
