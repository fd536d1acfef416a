"""The pages at 1440 × 900 in headless Chromium, driven as a person does: whole 3D axis titles,
Enter in a slider's box, a dropped file of the wrong kind, deleting a table, a stability check
while it runs, wide tables that say they scroll, and the first screen of Personas and
Diagnostics. Each test keeps screenshots in ``tests/artifacts/`` (see tests/README.md)."""

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys

from algorithms.loading import load_sample, load_table
from dashboard.ids import data as data_ids
from dashboard.ids import diagnostics as diag_ids
from tests.browser.waiting import click, until

pytestmark = pytest.mark.browser

TIMEOUT = 60
AGE, INCOME, SPENDING = "Age", "Annual Income (k$)", "Spending Score (1-100)"


def open_at_wide_screen(dash_duo, app, path: str) -> None:
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.wait_for_page(f"{dash_duo.server_url}{path}")


def view_query(dataset_id: str, features: list[str]) -> str:
    return urlencode({"dataset": dataset_id, "features": features}, doseq=True)


# --- 5. 3D scenes show their three axis titles ---------------------------------------------

TITLE_PIXELS = """
const [graphId, done] = arguments;
const gd = document.querySelector(`#${graphId} .js-plotly-plot`);
const colours = {x: [255, 0, 0], y: [0, 160, 0], z: [0, 0, 255]};
const update = {};
for (const [axis, [r, g, b]] of Object.entries(colours)) {
  update[`scene.${axis}axis.title.font.color`] = `rgb(${r},${g},${b})`;
}
Plotly.restyle(gd, {'marker.color': '#ffffff', 'marker.line.color': '#ffffff'})
  .then(() => Plotly.relayout(gd, update))
  .then(() => Plotly.toImage(gd, {
    format: 'png', width: gd._fullLayout.width, height: gd._fullLayout.height,
  }))
  .then((url) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = image.width; canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const size = gd._fullLayout._size, domain = gd._fullLayout.scene.domain;
      const box = {
        left: Math.round(size.l + domain.x[0] * size.w),
        right: Math.round(size.l + domain.x[1] * size.w),
        top: Math.round(size.t + (1 - domain.y[1]) * size.h),
        bottom: Math.round(size.t + (1 - domain.y[0]) * size.h),
      };
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      const found = {};
      for (const [axis, colour] of Object.entries(colours)) {
        const hit = {count: 0, left: 1e9, right: -1, top: 1e9, bottom: -1};
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const i = 4 * (y * image.width + x);
            const near = colour.every((c, k) => Math.abs(pixels[i + k] - c) < 40);
            if (near) {
              hit.count++;
              hit.left = Math.min(hit.left, x); hit.right = Math.max(hit.right, x);
              hit.top = Math.min(hit.top, y); hit.bottom = Math.max(hit.bottom, y);
            }
          }
        }
        found[axis] = hit;
      }
      done({box: box, titles: found});
    };
    image.src = url;
  });
"""


def test_a_3d_scene_shows_its_three_axis_titles_whole(dash_duo, app, services, screenshot):
    features = [AGE, INCOME, SPENDING]
    open_at_wide_screen(
        dash_duo, app, f"/compare?{view_query(services.sample.dataset_id, features)}"
    )
    for method in ("kmeans", "dbscan", "hierarchical"):
        dash_duo.wait_for_contains_text(f"#compare-{method}-note", "segments", timeout=TIMEOUT)
        until(
            lambda m=method: dash_duo.driver.execute_script(
                f"const g = document.querySelector('#compare-{m}-figure .js-plotly-plot');"
                "return g && g._fullLayout && g._fullLayout.scene !== undefined;"
            ),
            timeout=TIMEOUT,
        )
    dash_duo.driver.execute_script("window.scrollTo(0, 380);")
    screenshot("three-scenes")

    dash_duo.driver.set_script_timeout(60)
    for method in ("kmeans", "dbscan", "hierarchical"):
        drawn = dash_duo.driver.execute_async_script(TITLE_PIXELS, f"compare-{method}-figure")
        box = drawn["box"]
        for axis, title in drawn["titles"].items():
            where = f"{method}: the {axis} axis title at {title} in the scene {box}"
            assert title["count"] > 5, f"{where} is not drawn ({title})"
            assert title["left"] > box["left"] + 1 and title["right"] < box["right"] - 1, where
            assert title["top"] > box["top"] + 1 and title["bottom"] < box["bottom"] - 1, where
    assert dash_duo.get_logs() == []


# --- 6. Enter in a slider's box applies it ---------------------------------------------------


def test_enter_in_the_k_box_refits_at_once(dash_duo, app, screenshot):
    open_at_wide_screen(dash_duo, app, "/compare")
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "5 segments", timeout=TIMEOUT)

    box = dash_duo.find_element("#compare-kmeans-param-n_clusters input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3", Keys.ENTER)

    dash_duo.wait_for_contains_text("#compare-kmeans-note", "3 segments", timeout=TIMEOUT)
    focused = dash_duo.driver.switch_to.active_element
    assert focused == dash_duo.find_element("#compare-kmeans-param-n_clusters input")
    focused.send_keys(Keys.CONTROL, "a")
    focused.send_keys("7", Keys.ENTER)  # typing on without clicking the box again
    dash_duo.wait_for_contains_text("#compare-kmeans-note", "7 segments", timeout=TIMEOUT)
    screenshot("k-7-after-enter")
    assert dash_duo.get_logs() == []


# --- 7. A refused file says why; 8. deleting a stored table ----------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "legacy Excel 97–2003"),
        ("table.json", b'[{"Age": 30}]', "'table.json' is not a format Segmenta reads (.json)"),
    ],
    ids=["xls", "json"],
)
def test_a_dropped_file_of_another_format_is_refused_saying_why(
    dash_duo, app, tmp_path, screenshot, name, content, message
):
    refused = tmp_path / name
    refused.write_bytes(content)
    open_at_wide_screen(dash_duo, app, "/data")
    dash_duo.wait_for_contains_text("#dataset-badge", "200 customers", timeout=TIMEOUT)

    dash_duo.find_element(f"#{data_ids.UPLOAD} input[type=file]").send_keys(str(refused))

    dash_duo.wait_for_contains_text(f"#{data_ids.ALERT}", message, timeout=TIMEOUT)
    screenshot("refused")
    assert "Mall customers (sample)" in dash_duo.find_element("#dataset-badge").text
    assert dash_duo.get_logs() == []


def test_a_stored_table_is_deleted_after_confirming(dash_duo, app, tmp_path, screenshot):
    trial = tmp_path / "trial upload.csv"
    load_sample().head(40).to_csv(trial, index=False)
    open_at_wide_screen(dash_duo, app, "/data")
    dash_duo.find_element(f"#{data_ids.UPLOAD} input[type=file]").send_keys(str(trial))
    dash_duo.wait_for_contains_text("#dataset-badge", "trial upload.csv", timeout=TIMEOUT)

    click(dash_duo.driver, f"#{data_ids.DELETE}")
    confirm = until(lambda: _alert(dash_duo.driver), timeout=TIMEOUT, msg="no confirmation")
    assert "Delete ‘trial upload.csv’ (40 rows" in confirm.text
    confirm.accept()

    dash_duo.wait_for_contains_text(f"#{data_ids.ALERT}", "Deleted 'trial upload.csv'", TIMEOUT)
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers (sample)", timeout=TIMEOUT)
    screenshot("deleted")
    click(dash_duo.driver, f"#{data_ids.DELETE}")  # the sample: refused at once, no question
    dash_duo.wait_for_contains_text(f"#{data_ids.DELETE_NOTE}", "cannot be deleted", TIMEOUT)
    assert _alert(dash_duo.driver) is None
    assert dash_duo.get_logs() == []


def _alert(driver):
    try:
        alert = driver.switch_to.alert
        alert.text  # noqa: B018  (raises while there is none)
        return alert
    except Exception:  # noqa: BLE001  (no alert open yet)
        return None


# --- 9. a stability check while it runs ------------------------------------------------------


def test_a_running_stability_check_counts_its_resamples_and_labels_its_bars(
    dash_duo, app, services, screenshot
):
    rng = np.random.default_rng(5)
    centres = np.repeat([[0.0, 0.0], [6.0, 6.0], [0.0, 7.0]], 3_000, axis=0)
    table = pd.DataFrame(centres + rng.normal(size=centres.shape), columns=["a", "b"])
    info = services.datasets.put(table, "Three blobs")
    query = view_query(info.dataset_id, ["a", "b"])
    open_at_wide_screen(
        dash_duo, app, f"/diagnostics?{query}&sil_method=kmeans&sil_km_n_clusters=3"
    )
    dash_duo.wait_for_contains_text(f"#{diag_ids.SIL_SUMMARY}", "3 segments", timeout=TIMEOUT)

    click(dash_duo.driver, f"#{diag_ids.STAB_RUN}")
    label = f"#{diag_ids.STAB_PROGRESS_LABEL}"
    until(
        lambda: (
            dash_duo.find_element(label).text.startswith("resample ")
            and dash_duo.find_element(label).text.endswith(" of 20")
            and dash_duo.find_element(f"#{diag_ids.STAB_STATUS}").is_displayed()
        ),
        timeout=TIMEOUT,
    )
    assert not dash_duo.find_element(f"#{diag_ids.STAB_SHOWN}").is_displayed()
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        dash_duo.find_element(f"#{diag_ids.STAB_RUN}"),
    )
    screenshot("running")

    dash_duo.wait_for_contains_text(f"#{diag_ids.STAB_VERDICT}", "20 bootstrap", timeout=120)
    bars = dash_duo.driver.execute_script(
        f"const g = document.querySelector('#{diag_ids.STAB_GRAPH} .js-plotly-plot');"
        "return {y: g.data[0].y, text: g.data[0].text,"
        " drawn: Array.from(g.querySelectorAll('.bars .bartext')).map(t => t.textContent)};"
    )
    assert bars["text"] == [f"{int(v * 100 + 1e-9) / 100:.2f}" for v in bars["y"]]
    assert bars["drawn"] == bars["text"]
    assert dash_duo.find_element(f"#{diag_ids.STAB_SHOWN}").is_displayed()
    assert "Press Check stability" not in dash_duo.find_element(f"#{diag_ids.STAB_GRAPH}").text
    screenshot("checked")
    assert dash_duo.get_logs() == []


# --- 10. wide tables say they scroll ---------------------------------------------------------

HIDDEN_COLUMNS = """
const box = document.querySelector(arguments[0] + ' .table-responsive');
const right = box.getBoundingClientRect().right;
const cells = Array.from(box.querySelector('thead tr').children);
return {
  hint: box.dataset.moreColumns || '',
  hidden: cells.filter((c) => c.getBoundingClientRect().right > right + 1).length,
  scrollbar: box.offsetHeight - box.clientHeight,
};
"""


def test_the_overview_of_a_wide_table_says_how_many_columns_are_out_of_sight(
    dash_duo, app, services, shared_data, screenshot
):
    table = load_table(shared_data / "CC GENERAL.csv")
    info = services.datasets.put(table, "CC GENERAL.csv")
    open_at_wide_screen(
        dash_duo, app, f"/data?{view_query(info.dataset_id, ['BALANCE', 'PURCHASES'])}"
    )
    dash_duo.wait_for_contains_text(f"#{data_ids.COLUMN_TABLE}", "MINIMUM_PAYMENTS", TIMEOUT)

    def shown():
        return dash_duo.driver.execute_script(HIDDEN_COLUMNS, f"#{data_ids.COLUMN_TABLE}")

    state = until(lambda: (s := shown())["hint"] and s, timeout=TIMEOUT)
    assert state["hidden"] > 0
    assert state["hint"] == f"Scroll for {state['hidden']} more columns →"
    assert state["scrollbar"] > 0  # drawn, not an overlay that appears only on touch
    screenshot("hint")

    dash_duo.driver.execute_script(
        f"const box = document.querySelector('#{data_ids.COLUMN_TABLE} .table-responsive');"
        "box.scrollLeft = box.scrollWidth;"
    )
    until(lambda: shown()["hint"] == "", timeout=10, msg="the hint stays at the last column")
    assert shown()["hidden"] == 0
    assert dash_duo.get_logs() == []


# --- 12. the first screen of Personas and Diagnostics ----------------------------------------


def rect(dash_duo, selector: str) -> dict:
    return dash_duo.driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top + window.scrollY,"
        " bottom: r.bottom + window.scrollY};",
        selector,
    )


def test_personas_shows_cards_and_the_scatter_on_the_first_screen(dash_duo, app, screenshot):
    open_at_wide_screen(dash_duo, app, "/personas")
    dash_duo.wait_for_element("#personas-cards .persona-card", timeout=TIMEOUT)
    screenshot("first-screen")

    card = rect(dash_duo, "#personas-cards .persona-card")
    first_name = rect(dash_duo, "#personas-cards .persona-card input")
    scatter = rect(dash_duo, "#personas-scatter")
    library = rect(dash_duo, "#personas-library")
    window_height = dash_duo.driver.execute_script("return window.innerHeight;")
    assert first_name["bottom"] < window_height, "the first persona's name is below the screen"
    assert scatter["bottom"] < window_height and scatter["left"] > card["right"]
    assert library["left"] > card["right"]
    assert dash_duo.get_logs() == []


def test_diagnostics_sets_the_stability_beside_the_silhouettes(dash_duo, app, screenshot):
    open_at_wide_screen(dash_duo, app, "/diagnostics")
    dash_duo.wait_for_contains_text(f"#{diag_ids.SIL_SUMMARY}", "segments", timeout=TIMEOUT)
    silhouettes = rect(dash_duo, f"#{diag_ids.SIL_GRAPH}")
    stability = rect(dash_duo, f"#{diag_ids.STAB_RUN}")
    k_distance = rect(dash_duo, f"#{diag_ids.KDIST_GRAPH}")
    tree = rect(dash_duo, f"#{diag_ids.TREE_GRAPH}")
    assert stability["left"] > silhouettes["right"] and stability["top"] < silhouettes["bottom"]
    assert tree["left"] > k_distance["right"] and tree["top"] < k_distance["bottom"]
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});",
        dash_duo.find_element(f"#{diag_ids.SIL_GRAPH}"),
    )
    screenshot("silhouettes-and-stability")
    assert dash_duo.get_logs() == []
