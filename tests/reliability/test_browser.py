"""Bad and hostile input in headless Chromium, through the real controls.

- Corpus files through the Data page's upload control: each gets its specific alert, and the
  sample still segments on the Compare page afterwards.
- A table whose column names are HTML (``<b>Income</b>``, an ``<img onerror>``), uploaded under
  a file name that is HTML too, drawn on the Data, Compare and Personas pages (tables, axis
  titles, legends): nothing runs (``window.__xss`` stays unset, no ``<img src=x>`` appears).
- Persona names typed as HTML and script, saved, reopened from the library, and the HTML report
  opened in the browser: nothing runs either.

Every test ends without a SEVERE message in the browser console.
"""

import shutil

import pytest

from dashboard.ids import compare as compare_ids
from dashboard.ids import data as ids
from dashboard.services.persona_export import export_persona_set
from tests.browser.waiting import click, until
from tests.data.bad.corpus import CASES
from tests.reliability.payloads import IMAGE, LINK, SCRIPT

pytestmark = pytest.mark.browser

BAD_UPLOADS = ("random_bytes.csv", "duplicate_columns.csv", "nested_types.parquet", "one_row.csv")
HTML_FILE_NAME = "<img src=x onerror=window.__xss=1>.csv"
NO_EFFECT = (
    "return window.__xss === undefined && document.querySelectorAll('img[src=\"x\"]').length === 0"
)
NOTHING_RAN = NO_EFFECT + " && ![...document.scripts].some((s) => s.text.includes('__xss'));"
PERSONA_NAMES = "#personas-cards input.persona-name"


def nothing_ran(dash_duo) -> bool:
    return dash_duo.driver.execute_script(NOTHING_RAN)


def upload(dash_duo, path) -> None:
    dash_duo.find_element(f"#{ids.UPLOAD} input[type=file]").send_keys(str(path))


def open_page(dash_duo, path: str) -> None:
    """Navigate inside the app (no reload: anything a payload set on window would stay)."""
    dash_duo.find_element(f"a.nav-link[href='{path}']").click()


def wait_for_kmeans(dash_duo, k: int = 5) -> None:
    dash_duo.wait_for_contains_text(f"#{compare_ids.KMEANS.note}", f"{k} segments", timeout=60)


def test_bad_uploads_are_explained_and_the_sample_still_segments(dash_duo, app, path_of):
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers (sample)", timeout=30)
    for file in BAD_UPLOADS:
        case = next(c for c in CASES if c.file == file)
        upload(dash_duo, path_of(case))
        for fragment in case.refused or case.upload:
            dash_duo.wait_for_contains_text(f"#{ids.ALERT}", fragment, timeout=30)
        assert "Traceback" not in dash_duo.find_element(f"#{ids.ALERT}").text
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers (sample)")
    open_page(dash_duo, "/compare")
    wait_for_kmeans(dash_duo)
    assert dash_duo.get_logs() == []


def test_html_column_and_file_names_never_run(dash_duo, app, path_of, tmp_path):
    hostile = tmp_path / HTML_FILE_NAME
    shutil.copy(path_of("html_headers.csv"), hostile)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/data")
    dash_duo.wait_for_contains_text("#dataset-badge", "Mall customers (sample)", timeout=30)

    upload(dash_duo, hostile)
    dash_duo.wait_for_contains_text(f"#{ids.ALERT}", f"Loaded '{HTML_FILE_NAME}'", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COLUMN_TABLE}", "<b>Income</b>", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COLUMN_TABLE}", IMAGE)
    dash_duo.wait_for_element(f"#{ids.HISTOGRAMS} .js-plotly-plot .main-svg", timeout=30)
    assert nothing_ran(dash_duo)

    open_page(dash_duo, "/compare")
    wait_for_kmeans(dash_duo)
    titles = dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#{compare_ids.KMEANS.figure} .g-xtitle, "
        f"#{compare_ids.KMEANS.figure} .g-ytitle')].map((t) => t.textContent);"
    )
    assert any("Income" in title for title in titles), titles
    assert nothing_ran(dash_duo)

    open_page(dash_duo, "/personas")
    until(lambda: len(dash_duo.find_elements(PERSONA_NAMES)) == 5, timeout=60)
    dash_duo.wait_for_element("#personas-cards .persona-mini-chart .main-svg", timeout=30)
    assert nothing_ran(dash_duo)
    assert dash_duo.get_logs() == []


def type_into(dash_duo, element, text: str) -> None:
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    dash_duo.clear_input(element)
    element.send_keys(text)
    element.send_keys("\t")


def test_hostile_persona_text_never_runs(dash_duo, app, services, tmp_path):
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/personas?method=kmeans&n_clusters=4")
    until(lambda: len(dash_duo.find_elements(PERSONA_NAMES)) == 4, timeout=60)
    dash_duo.wait_for_contains_text("#personas-summary", "n_clusters=4", timeout=30)

    names = [IMAGE, SCRIPT]
    for position, text in enumerate(names):
        until(lambda p=position, t=text: _typed(dash_duo, p, t), timeout=30)
    description = dash_duo.find_elements("#personas-cards textarea")[0]
    type_into(dash_duo, description, LINK)
    dash_duo.wait_for_contains_text("#personas-scatter", IMAGE, timeout=30)
    type_into(dash_duo, dash_duo.find_element("#personas-set-name"), f"Set {SCRIPT}")
    type_into(dash_duo, dash_duo.find_element("#personas-author"), IMAGE)
    dash_duo.find_element("#personas-save").click()
    dash_duo.wait_for_contains_text("#personas-save-status", "as version 1", timeout=30)
    dash_duo.wait_for_contains_text("#personas-library", f"Set {SCRIPT}", timeout=30)
    assert nothing_ran(dash_duo)

    driver.refresh()
    dash_duo.wait_for_contains_text("#personas-library", f"Set {SCRIPT}", timeout=60)
    click(driver, "#personas-library .list-group-item .btn-outline-primary")
    until(lambda: _value(dash_duo, 0) == IMAGE and _value(dash_duo, 1) == SCRIPT, timeout=60)
    dash_duo.wait_for_contains_text("#personas-scatter", SCRIPT, timeout=30)
    assert nothing_ran(dash_duo)
    assert dash_duo.get_logs() == []

    saved = services.personas.list()[0]
    report = tmp_path / "report.html"
    report.write_bytes(
        export_persona_set(services.personas, services.datasets, str(saved.set_id), "html")
    )
    driver.get(report.as_uri())
    until(lambda: IMAGE in dash_duo.find_element("body").text, timeout=30)
    body = dash_duo.find_element("body").text
    assert SCRIPT in body and LINK in body
    # the report's figure data (JSON inside a script) holds the names: only effects count here
    assert driver.execute_script(NO_EFFECT + ";")


def _value(dash_duo, position: int) -> str | None:
    inputs = dash_duo.find_elements(PERSONA_NAMES)
    return inputs[position].get_attribute("value") if len(inputs) > position else None


def _typed(dash_duo, position: int, text: str) -> bool:
    """Type into a name field once the cards can take input (they are redrawn at first)."""
    try:
        type_into(dash_duo, dash_duo.find_elements(PERSONA_NAMES)[position], text)
    except Exception:  # noqa: BLE001  (a card redrawn under the cursor: try again)
        return False
    return _value(dash_duo, position) == text
