"""Data page callbacks, called directly with the app's services and once over HTTP.

Figures are checked against numpy/pandas computed here (bin counts, quartiles, the display
sample), uploads against what ``load_table`` and the dataset store make of the same bytes.
"""

import io
import warnings

import dash
import numpy as np
import pandas as pd
import pytest

from algorithms.loading import SAMPLE_PATH, check_file_name, load_sample, load_table
from algorithms.preprocessing import FeaturePreprocessor
from dashboard import ids as shared_ids
from dashboard.figures import data as figures
from dashboard.ids import data as ids
from dashboard.pages.data import components, overview, removal
from dashboard.pages.data import view as view_page
from dashboard.services.analysis import View
from dashboard.storage.datasets import dataset_hash
from tests.dash_helpers import as_upload, text_of
from tests.test_api import save_set

INCOME, SPENDING, AGE = "Annual Income (k$)", "Spending Score (1-100)", "Age"


@pytest.fixture
def sample_view(services) -> dict:
    return View(services.sample.dataset_id, (INCOME, SPENDING)).as_store()


@pytest.fixture
def sample_csv() -> bytes:
    return SAMPLE_PATH.read_bytes()


def store_table(services, table: pd.DataFrame, name: str) -> dict:
    """Put a table in the store and return a view on its first two columns."""
    info = services.datasets.put(table, name)
    return View(info.dataset_id, tuple(table.columns[:2])).as_store()


# --- opening the page --------------------------------------------------------------------


def test_page_is_served(client):
    assert client.get("/data").status_code == 200


def test_opening_the_page_shows_the_stored_view_without_rewriting_it(services, sample_view):
    controls = view_page.view_controls(services, None, sample_view)
    assert controls.store is dash.no_update
    assert controls.shown == sample_view
    assert controls.dataset == services.sample.dataset_id
    assert controls.features == [INCOME, SPENDING]
    assert controls.scaling == "standard" and controls.categorical is None
    assert [o["value"] for o in controls.feature_options] == [AGE, INCOME, SPENDING]
    assert [o["value"] for o in controls.categorical_options] == ["Gender"]
    assert not controls.preset_two_disabled and not controls.preset_three_disabled
    assert "All 200 customers" in text_of(controls.feature_note)


def test_a_view_of_a_table_no_longer_stored_falls_back_to_the_sample(services):
    gone = View("0123456789abcdef", (INCOME, SPENDING)).as_store()
    controls = view_page.view_controls(services, None, gone)
    assert controls.store == View(services.sample.dataset_id, (INCOME, SPENDING)).as_store()
    assert "no longer on the server" in text_of(controls.alert)


# --- uploads -----------------------------------------------------------------------------


def test_uploading_part_of_the_sample_switches_the_view_to_it(services, sample_view):
    rows = pd.read_csv(SAMPLE_PATH, dtype={"CustomerID": str}).head(150)
    raw = rows.to_csv(index=False).encode()
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(raw), filename="first150.csv"
    )
    expected_id = dataset_hash(load_table(raw, "first150.csv"))
    assert expected_id != services.sample.dataset_id
    assert controls.store == View(expected_id, (INCOME, SPENDING)).as_store()
    assert controls.shown == controls.store
    assert controls.upload_contents is None
    assert "150 customers" in text_of(controls.alert)
    stored = services.datasets.get(expected_id)
    assert len(stored) == 150 and stored["CustomerID"].iloc[0] == "0001"
    options = [option["value"] for option in controls.dataset_options]
    assert options == [services.sample.dataset_id, expected_id]


def test_uploading_the_sample_again_reuses_the_stored_table(services, sample_view, sample_csv):
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(sample_csv), filename="mine.csv"
    )
    assert controls.store["dataset_id"] == services.sample.dataset_id
    assert "same table as 'Mall customers (sample)'" in text_of(controls.alert)
    assert len(services.datasets.list()) == 1


def test_the_shared_mall_file_gets_canonical_columns(services, sample_view, shared_data):
    raw = (shared_data / "Mall_Customers.csv").read_bytes()
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(raw), filename="Mall_Customers.csv"
    )
    assert controls.store["features"] == [INCOME, SPENDING]
    assert [o["value"] for o in controls.categorical_options] == ["Gender"]


@pytest.mark.parametrize(
    ("filename", "writer", "mime"),
    [
        ("customers.xlsx", lambda t, buffer: t.to_excel(buffer, index=False), "application/xlsx"),
        ("customers.parquet", lambda t, buffer: t.to_parquet(buffer, index=False), "x"),
    ],
)
def test_excel_and_parquet_uploads(services, sample_view, filename, writer, mime):
    table = load_sample().head(60)
    buffer = io.BytesIO()
    writer(table, buffer)
    controls = view_page.view_controls(
        services,
        ids.UPLOAD,
        sample_view,
        contents=as_upload(buffer.getvalue(), mime),
        filename=filename,
    )
    assert controls.store is not dash.no_update, text_of(controls.alert)
    stored = services.datasets.get(controls.store["dataset_id"])
    assert len(stored) == 60
    np.testing.assert_array_equal(stored[INCOME], table[INCOME])


def test_default_features_skip_identifiers_and_codes(services, sample_view):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "customer_id": np.arange(1, 101),
            "Region": rng.integers(1, 4, 100),
            "visits": rng.integers(0, 60, 100),
            "spend": rng.normal(100, 20, 100).round(2),
        }
    )
    raw = table.to_csv(index=False).encode()
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(raw), filename="shop.csv"
    )
    assert controls.store["features"] == ["visits", "spend"]
    assert controls.preset_two_disabled and controls.preset_three_disabled


STRAY_VALUES_CSV = (
    "revenue,spend\n"
    + "\n".join(
        f"{'12k' if row == 3 else row * 3},{'inf' if row == 7 else row % 7}" for row in range(20)
    )
).encode()
"""Two columns of numbers, each kept as text by one stray value (data rows 4 and 8)."""


@pytest.mark.parametrize(
    ("raw", "filename", "message"),
    [
        (b"", "empty.csv", "'empty.csv' is empty"),
        (bytes(range(256)) * 40, "noise.csv", "holds binary data"),
        (b"name,city\nAnn,Oslo\nBo,Rome\n", "names.csv", "has no numeric column that varies"),
        (
            b"name,spend\nAnn,31\nBo,45\n",
            "spend.csv",
            "has only one numeric column that varies ('spend')",
        ),
        (
            STRAY_VALUES_CSV,
            "strays.csv",
            "has no numeric column that varies (its columns: revenue, spend): segments need at "
            "least two numeric columns such as age, income or spending score. 'revenue' is not "
            "numeric: data row 4 holds '12k' (1 such value); 'spend' is not numeric: data row 8 "
            "holds 'inf' (1 such value): clean those values and upload the file again. Add them "
            "or choose another file.",
        ),
        (b"a,b\n1,2\n", "table.xls", "legacy Excel 97–2003 .xls is not supported"),
        (b"PK\x03\x04 not really a workbook", "book.xlsx", "not a readable Excel workbook"),
    ],
)
def test_a_bad_upload_is_explained_and_the_view_kept(services, sample_view, raw, filename, message):
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(raw), filename=filename
    )
    assert message in text_of(controls.alert)
    assert controls.alert.color == "warning"
    assert controls.store is dash.no_update
    assert controls.features == [INCOME, SPENDING]
    assert controls.upload_contents is None
    assert [info.dataset_id for info in services.datasets.list()] == [services.sample.dataset_id]


def test_a_damaged_data_url_is_explained(services, sample_view):
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents="data:text/csv;base64,@@@", filename="x.csv"
    )
    assert "'x.csv' arrived damaged" in text_of(controls.alert)
    assert controls.store is dash.no_update


def test_a_file_the_browser_refused_as_too_large_is_explained(services, sample_view):
    limit_mb = services.config.upload_max_mb
    rejected = {"filename": "huge.csv", "size": (limit_mb + 20) * 1024 * 1024}
    controls = view_page.view_controls(
        services, ids.UPLOAD_REJECTED, sample_view, rejected=rejected
    )
    assert f"'huge.csv' is {limit_mb + 20:.1f} MB, over the {limit_mb:.1f} MB limit" in text_of(
        controls.alert
    )
    assert controls.store is dash.no_update


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        (
            "export.xls",
            "'export.xls': legacy Excel 97–2003 .xls is not supported: save it as .xlsx",
        ),
        (
            "table.json",
            "'table.json' is not a format Segmenta reads (.json): save the table as CSV (.csv, "
            ".txt, .tsv), Excel (.xlsx) or Parquet",
        ),
        ("customers", "'customers' is not a format Segmenta reads (no extension)"),
    ],
)
def test_a_file_the_browser_refused_for_its_format_is_explained(
    services, sample_view, filename, message
):
    rejected = {"filename": filename, "size": 2048}
    controls = view_page.view_controls(
        services, ids.UPLOAD_REJECTED, sample_view, rejected=rejected
    )
    assert message in text_of(controls.alert)
    assert controls.alert.color == "warning"
    assert controls.store is dash.no_update
    assert controls.features == [INCOME, SPENDING]


def test_every_format_the_drop_zone_accepts_is_one_the_loader_reads():
    for suffix in components.ACCEPTED_FILES.split(","):
        check_file_name(f"table{suffix.upper()}")


# --- choosing the features ---------------------------------------------------------------


def test_a_valid_choice_is_stored(services, sample_view):
    controls = view_page.view_controls(
        services,
        ids.CATEGORICAL,
        sample_view,
        features=[AGE, SPENDING],
        scaling="robust",
        categorical="Gender",
    )
    expected = View(services.sample.dataset_id, (AGE, SPENDING), "robust", "Gender")
    assert controls.store == expected.as_store()
    assert controls.alert is None
    prepared = FeaturePreprocessor([AGE, SPENDING], "robust", "Gender").fit_transform(load_sample())
    assert prepared.matrix.shape == (200, 4)


def test_a_constant_column_is_refused_by_name(services):
    table = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 1, 3, 2], "flat": [5.0] * 4})
    start = store_table(services, table, "flat.csv")
    controls = view_page.view_controls(
        services, ids.FEATURES, start, features=["a", "flat"], scaling="standard"
    )
    assert "Column 'flat' has the same value (5)" in text_of(controls.alert)
    assert controls.store is dash.no_update and controls.shown is dash.no_update
    assert controls.features == ["a", "flat"]
    assert [o["value"] for o in controls.feature_options] == ["a", "b"]


def test_one_feature_is_not_enough(services, sample_view):
    controls = view_page.view_controls(
        services, ids.FEATURES, sample_view, features=[AGE], scaling="standard"
    )
    assert "at least two numeric features" in text_of(controls.alert)
    assert controls.store is dash.no_update


def test_rows_left_out_for_missing_values_are_counted(services):
    table = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3, 4, 5, 6],
            "b": [2.0, 1, np.nan, np.nan, 7, 3],
            "c": [1.0, 2, 3, 4, 5, np.nan],
        }
    )
    start = store_table(services, table, "gaps.csv")
    controls = view_page.view_controls(
        services, ids.FEATURES, start, features=["a", "b"], scaling="standard"
    )
    left_out = int(table[["a", "b"]].isna().any(axis=1).sum())
    note = text_of(controls.feature_note)
    assert f"{left_out} of 6 customers have a missing value" in note
    assert "a: 1, b: 2" in note


def test_more_than_three_features_are_stored_with_a_warning(services):
    rng = np.random.default_rng(1)
    table = pd.DataFrame(rng.normal(size=(50, 5)), columns=list("pqrst"))
    start = store_table(services, table, "wide.csv")
    controls = view_page.view_controls(
        services, ids.FEATURES, start, features=list("pqrs"), scaling="standard"
    )
    assert controls.store["features"] == list("pqrs")
    assert "on their first two principal components (PCA)" in text_of(controls.feature_note)


def test_presets(services, sample_view):
    controls = view_page.view_controls(
        services, ids.PRESET_THREE, sample_view, features=[INCOME, SPENDING], scaling="minmax"
    )
    assert controls.store["features"] == [AGE, INCOME, SPENDING]
    assert controls.store["scaling"] == "minmax"
    back = view_page.view_controls(
        services, ids.PRESET_TWO, controls.store, features=[AGE, INCOME, SPENDING]
    )
    assert back.store["features"] == [INCOME, SPENDING]


def test_the_three_feature_preset_is_off_without_age(services):
    info = services.datasets.put(load_sample().drop(columns=[AGE]), "no age")
    controls = view_page.view_controls(
        services, None, View(info.dataset_id, (INCOME, SPENDING)).as_store()
    )
    assert controls.dataset == info.dataset_id
    assert controls.preset_three_disabled and not controls.preset_two_disabled


def test_choosing_a_stored_table_uses_its_default_features(services, sample_view):
    rng = np.random.default_rng(2)
    other = store_table(services, pd.DataFrame(rng.normal(size=(30, 3)), columns=list("xyz")), "o")
    controls = view_page.view_controls(
        services, ids.DATASET, sample_view, dataset=other["dataset_id"]
    )
    assert controls.store == View(other["dataset_id"], ("x", "y")).as_store()
    back = view_page.view_controls(
        services, ids.DATASET, controls.store, dataset=services.sample.dataset_id
    )
    assert back.store == sample_view


# --- the panels --------------------------------------------------------------------------


def test_overview_of_the_sample(services, sample_view):
    panels = overview.overview_outputs(services, sample_view)
    assert panels.alert is None
    assert text_of(panels.counts).split()[:2] == ["200", "customers"]
    sample = load_sample()
    summary = figures.column_summary(sample, list(sample.columns))
    income = sample[INCOME].to_numpy(dtype=float)
    assert summary.loc[INCOME, "Mean"] == pytest.approx(income.mean())
    assert summary.loc[INCOME, "Std"] == pytest.approx(income.std(ddof=1))
    assert summary.loc[INCOME, "75%"] == pytest.approx(np.percentile(income, 75))
    assert summary.loc["Gender", "Distinct"] == sample["Gender"].nunique()
    table_text = text_of(panels.column_table)
    assert figures.format_number(income.mean()) in table_text
    bars = panels.histograms.data
    assert [bar.name for bar in bars] == [INCOME, SPENDING]
    edges = figures.histogram_bins(income)
    np.testing.assert_array_equal(bars[0].y, np.histogram(income, bins=edges)[0])
    assert sum(bars[1].y) == 200
    assert {trace.name for trace in panels.scatter_matrix.data} == {"Female", "Male"}
    assert panels.scatter_note == ""
    assert (panels.box_value, panels.box_group) == (SPENDING, "Gender")


def test_infinite_numbers_count_as_missing_and_stay_out_of_the_statistics():
    table = pd.DataFrame({"Spend": [1.0, np.inf, 3.0, np.nan, -np.inf, 8.0], "Tag": list("abcdef")})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary = figures.column_summary(table, ["Spend", "Tag"])
    finite = np.array([1.0, 3.0, 8.0])
    assert summary.loc["Spend", "Missing"] == 3
    assert summary.loc["Spend", "Count"] == 3
    assert summary.loc["Spend", "Mean"] == pytest.approx(finite.mean())
    assert (summary.loc["Spend", "Min"], summary.loc["Spend", "Max"]) == (1.0, 8.0)
    assert summary.loc["Tag", "Missing"] == 0


def test_box_plot_quartiles_per_group(services, sample_view):
    figure, alert = overview.box_outputs(services, sample_view, AGE, "Gender")
    assert alert is None
    sample = load_sample()
    for trace in figure.data:
        gender = trace.name.split(" (")[0]
        ages = sample.loc[sample["Gender"] == gender, AGE].to_numpy(dtype=float)
        assert trace.name == f"{gender} (n={len(ages)})"
        assert trace.q1[0] == pytest.approx(np.percentile(ages, 25))
        assert trace.median[0] == pytest.approx(np.median(ages))
        assert trace.q3[0] == pytest.approx(np.percentile(ages, 75))


def test_scatter_matrix_draws_a_sample_keeping_every_group(services):
    sample = load_sample()
    figure, note = figures.scatter_matrix_figure(sample, [AGE, INCOME, SPENDING], "Gender", 150)
    assert note == "Showing 150 of 200 customers (a display sample)."
    assert all(trace.type == "splom" and len(trace.dimensions) == 3 for trace in figure.data)
    shares = sample["Gender"].value_counts() * 150 / 200
    drawn = {trace.name: len(trace.dimensions[0].values) for trace in figure.data}
    assert drawn == {gender: round(share) for gender, share in shares.items()}


def test_a_very_wide_table_shows_fifty_columns_and_only_the_chosen_histograms(services):
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.normal(size=(20, 2000)), columns=[f"m{i}" for i in range(2000)])
    wide.iloc[0, 1999] = np.nan
    start = store_table(services, wide, "wide")
    chosen = View(start["dataset_id"], ("m1500", "m7")).as_store()
    panels = overview.overview_outputs(services, chosen)
    assert panels.alert is None
    table = panels.column_table[0]
    body_rows = table.children[1].children
    assert len(body_rows) == figures.MAX_SUMMARY_COLUMNS
    assert [text_of(body_rows[0].children[0]), text_of(body_rows[1].children[0])] == [
        "m1500",
        "m7",
    ]
    assert "Showing 50 of 2,000 columns" in text_of(panels.column_table)
    assert "hold 1 missing values" in text_of(panels.column_table)
    assert [bar.name for bar in panels.histograms.data] == ["m1500", "m7"]


def test_a_broken_view_gives_an_alert_not_an_exception(services):
    panels = overview.overview_outputs(services, {"dataset_id": "nope", "features": []})
    assert "not a dataset id" in text_of(panels.alert)
    figure, alert = overview.box_outputs(
        services, {"dataset_id": "nope", "features": []}, "a", None
    )
    assert "not a dataset id" in text_of(alert)


# --- over HTTP ---------------------------------------------------------------------------


def dash_request(app, first_output: str, values: dict, changed: str) -> dict:
    """The JSON the browser posts for the callback whose first output is ``first_output``."""
    key = next(k for k in app.callback_map if k.startswith(f"..{first_output}"))
    callback = app.callback_map[key]
    return {
        "output": key,
        "outputs": [
            {"id": o.component_id, "property": o.component_property} for o in callback["output"]
        ],
        "inputs": [
            i | {"value": values.get(f"{i['id']}.{i['property']}")} for i in callback["inputs"]
        ],
        "state": [
            s | {"value": values.get(f"{s['id']}.{s['property']}")} for s in callback["state"]
        ],
        "changedPropIds": [changed],
    }


def test_preset_over_http_writes_the_shared_view(app, client, sample_view):
    values = {
        f"{shared_ids.VIEW}.data": sample_view,
        f"{ids.FEATURES}.value": [INCOME, SPENDING],
        f"{ids.SCALING}.value": "standard",
        f"{ids.PRESET_THREE}.n_clicks": 1,
    }
    payload = dash_request(app, f"{shared_ids.VIEW}.data@", values, f"{ids.PRESET_THREE}.n_clicks")
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    outputs = response.json["response"]
    assert outputs[shared_ids.VIEW]["data"]["features"] == [AGE, INCOME, SPENDING]
    assert outputs[ids.SHOWN_VIEW]["data"] == outputs[shared_ids.VIEW]["data"]
    assert outputs[ids.FEATURES]["value"] == [AGE, INCOME, SPENDING]


def test_stored_features_that_no_longer_fit_fall_back_to_the_defaults(services):
    table = pd.DataFrame({"x": [1.0, 2, 3], "y": [3.0, 1, 2], "label": ["a", "b", "c"]})
    info = services.datasets.put(table, "labels")
    stale = View(info.dataset_id, ("x", "label")).as_store()
    controls = view_page.view_controls(services, None, stale)
    assert controls.store == View(info.dataset_id, ("x", "y")).as_store()
    assert "Column 'label' is not numeric" in text_of(controls.alert)


# --- deleting a stored table ----------------------------------------------------------------


def uploaded_view(services, sample_view, rows: int, name: str) -> dict:
    raw = load_sample().head(rows).to_csv(index=False).encode()
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample_view, contents=as_upload(raw), filename=name
    )
    return controls.store


def test_delete_asks_first_then_removes_the_table_and_shows_the_sample(services, sample_view):
    view = uploaded_view(services, sample_view, 60, "trial.csv")
    dataset_id = view["dataset_id"]

    displayed, question, note = removal.delete_question(services, dataset_id)
    assert displayed is True and note is None
    columns = len(load_sample().columns)
    assert f"Delete ‘trial.csv’ (60 rows × {columns} columns) from the server?" in question

    controls = view_page.view_controls(services, ids.DELETE_CONFIRM, view, dataset=dataset_id)
    assert "Deleted 'trial.csv' (60 customers)" in text_of(controls.alert)
    assert controls.store["dataset_id"] == services.sample.dataset_id
    assert controls.dataset == services.sample.dataset_id
    assert [option["value"] for option in controls.dataset_options] == [services.sample.dataset_id]
    assert not services.datasets.exists(dataset_id)


def test_delete_says_at_once_why_a_table_stays(services, sample_view):
    displayed, _question, note = removal.delete_question(services, services.sample.dataset_id)
    assert displayed is False
    assert "is the bundled sample: it cannot be deleted" in text_of(note)

    view = uploaded_view(services, sample_view, 70, "campaign.csv")
    save_set(services, "Spring", view=View.from_store(view), k=3)
    displayed, _question, note = removal.delete_question(services, view["dataset_id"])
    assert displayed is False
    assert "used by the saved persona set ‘Spring’" in text_of(note)

    # confirmed in a tab opened before the set was saved: still refused, the view kept
    controls = view_page.view_controls(
        services, ids.DELETE_CONFIRM, view, dataset=view["dataset_id"]
    )
    assert "used by the saved persona set ‘Spring’" in text_of(controls.alert)
    assert controls.store is dash.no_update
    assert services.datasets.exists(view["dataset_id"])
