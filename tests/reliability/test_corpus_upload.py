"""The whole bad-input corpus through the Data page's upload, one app for the whole corpus.

Each file is sent as dcc.Upload sends it (a base64 data URL) to the page's view callback.
A refused file gives a specific warning and leaves the view, the stored tables and the upload
control as they were; a file that loads becomes the view, and every panel that reads a view
(the Data page's overview, the three Compare panels, the Diagnostics sweep, the Personas
editor) answers without an exception: a figure, or an alert that says what to change, never
the "could not compute" apology of an unexpected error. After every file the sample still
segments, so one bad upload never leaves the server broken for the next user.

The 200 MB file never reaches the server from a browser: dcc.Upload's ``max_size`` refuses it
and the page is told its name and size (``UPLOAD_REJECTED``); that path is taken here.
"""

import warnings

import dash
import dash_bootstrap_components as dbc
import pytest

from dashboard.app import create_app
from dashboard.config import Config
from dashboard.ids import data as ids
from dashboard.pages.compare_controls import initial_values
from dashboard.pages.compare_panels import panel_request, panel_view, suggested_controls
from dashboard.pages.data import overview
from dashboard.pages.data import view as view_page
from dashboard.pages.diagnostics_panels import sweep_outputs
from dashboard.pages.personas import editor_outputs, entry_source
from dashboard.services.analysis import View
from tests.dash_helpers import as_upload, text_of
from tests.data.bad.corpus import CASES, MALL_FEATURES, Case
from tests.data.bad.make_corpus import UNPICKLED_MARKER

METHODS = ("kmeans", "dbscan", "hierarchical")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the whole corpus: state left behind by one file would show on the next."""
    instance = tmp_path_factory.mktemp("corpus-upload") / "instance"
    return create_app(Config(instance_path=instance, testing=True))


@pytest.fixture(scope="module")
def services(app):
    return app.server.extensions["segmenta"]


@pytest.fixture(scope="module")
def sample_view(services) -> dict:
    return View(services.sample.dataset_id, MALL_FEATURES).as_store()


def alerts_in(tree) -> list[dbc.Alert]:
    """Every dbc.Alert in a component tree, a list or a tuple of outputs."""
    if isinstance(tree, dbc.Alert):
        return [tree, *alerts_in(tree.children)]
    if isinstance(tree, list | tuple):
        return [alert for item in tree for alert in alerts_in(item)]
    children = getattr(tree, "children", None)
    return alerts_in(children) if children is not None else []


def assert_no_unexpected_error(outputs, where: str) -> None:
    """Input problems are warnings/infos; "danger" is ``feedback.error_alert``'s apology for an
    exception nobody anticipated."""
    for alert in alerts_in(outputs):
        assert alert.color != "danger", f"{where}: {text_of(alert)}"


def upload(services, view: dict | None, case: Case, path):
    """The page's answer to the file, as the browser delivers it: the bytes as a data URL,
    or (over the size limit, refused by dcc.Upload) only its name and size."""
    if case.too_large:
        rejected = {"filename": case.file, "size": path.stat().st_size, "at": 1}
        return view_page.view_controls(services, ids.UPLOAD_REJECTED, view, rejected=rejected)
    contents = as_upload(path.read_bytes())
    return view_page.view_controls(
        services, ids.UPLOAD, view, contents=contents, filename=case.file
    )


def every_panel(services, view: dict) -> dict[str, object]:
    """The outputs of every panel that reads ``view``, by panel."""
    outputs = {
        "data overview": overview.overview_outputs(services, view, None, None).outputs(),
        "box plot": overview.box_outputs(services, view, None, None),
        "k sweep": sweep_outputs(services, view, [2, 10]),
        "personas": editor_outputs(services, entry_source(view, None), None),
    }
    for method in METHODS:
        values = initial_values(method, {})
        if method == "dbscan":
            values |= suggested_controls(services, method, view, values, None)
        request, _ = panel_request(services, view, method, values, "count")
        outputs[method] = panel_view(services, request).outputs()
    return outputs


def sample_still_segments(services, sample_view: dict, k: int) -> None:
    request, _ = panel_request(
        services, sample_view, "kmeans", initial_values("kmeans", {}) | {"n_clusters": k}
    )
    shown = panel_view(services, request)
    assert shown.alert is None, text_of(shown.alert)
    assert shown.note.startswith(f"{k} segments"), shown.note


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_corpus_file_through_the_upload(case, services, sample_view, path_of):
    source = path_of(case)
    stored_before = {info.dataset_id for info in services.datasets.list()}
    controls = upload(services, sample_view, case, source)
    message = text_of(controls.alert)
    expected = case.refused or case.upload
    if expected:
        assert controls.alert.color == "warning", message
        for fragment in expected:
            assert fragment in message
        assert case.loads or f"'{case.file}'" in message, "the message names the file"
        assert controls.store is dash.no_update
        assert controls.features == list(MALL_FEATURES), "the old view stays on screen"
        assert {info.dataset_id for info in services.datasets.list()} == stored_before
        if not case.too_large:
            assert controls.upload_contents is None, "the upload control is cleared for a retry"
    else:
        assert controls.alert.color == "info", message
        assert "Loaded" in message or "holds the same table" in message
        for fragment in case.upload_note:
            assert fragment in message
        view = controls.store
        assert view["dataset_id"] in {info.dataset_id for info in services.datasets.list()}
        assert len(view["features"]) >= 2 and controls.shown == view
        for panel, outputs in every_panel(services, view).items():
            assert_no_unexpected_error(outputs, f"{panel} on {case.file}")
    assert not (source.parent / UNPICKLED_MARKER).exists()
    sample_still_segments(services, sample_view, k=2 + CASES.index(case) % 6)


def test_a_table_with_fewer_customers_than_k_explains_it_in_the_panels(services, path_of):
    case = next(c for c in CASES if c.file == "fewer_rows_than_k.csv")
    controls = upload(services, None, case, path_of(case))
    outputs = every_panel(services, controls.store)
    for method in ("kmeans", "hierarchical"):
        message = text_of(outputs[method][2])
        assert "needs at least 5 customers" in message
        assert "the table has 3: lower k to 3 or fewer, or load more customers" in message
    assert "K-Means with k=5" in text_of(outputs["kmeans"][2])
    assert "There are 3 customers, so the curves stop at k = 2" in text_of(outputs["k sweep"][0])


def test_the_k_sweep_on_two_distinct_customers_lets_no_warning_escape(tmp_path, path_of):
    """30 customers, 2 distinct: the sweep stops at k = 2 (scikit-learn warned at each k above).
    A fresh app, so the sweep is computed here and not read from the corpus run's cache."""
    services = create_app(Config(instance_path=tmp_path, testing=True)).server.extensions[
        "segmenta"
    ]
    case = next(c for c in CASES if c.file == "two_distinct_rows.csv")
    view = upload(services, None, case, path_of(case)).store
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs = sweep_outputs(services, view, [1, 10])
    assert_no_unexpected_error(outputs, "k sweep")
    sweep = services.analysis.sweep(View.from_store(view), 1, 10).sweep
    assert sweep.table["k"].tolist() == [1, 2]
    assert "Only 2 customers differ in the chosen features" in sweep.note


def test_the_app_answers_over_http_after_the_whole_corpus(app, services, sample_view, path_of):
    """The whole corpus once more on the same app, then its pages, health and APIs over HTTP."""
    for case in CASES:
        upload(services, sample_view, case, path_of(case))
    client = app.server.test_client()
    for path in ("/data", "/compare", "/diagnostics", "/personas"):
        assert client.get(path).status_code == 200, path
    assert client.get("/healthz").json["status"] == "ok"
    listed = client.get("/api/datasets").json
    assert services.sample.dataset_id in {d["dataset_id"] for d in listed}
    sample_still_segments(services, sample_view, k=7)
