"""Every page works from the method registry: HDBSCAN and the Gaussian mixture on each page
as scikit-learn fits them, and a toy method registered for one test seen on every page and in
every command, with no page naming it."""

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture

from dashboard.app import create_app, default_view
from dashboard.ids import compare as compare_ids
from dashboard.ids import diagnostics as diagnostics_ids
from dashboard.pages import compare, diagnostics
from dashboard.pages.compare_controls import initial_values
from dashboard.pages.compare_panels import panel_request, panel_view, segmentation
from dashboard.pages.diagnostics_panels import criteria_outputs, silhouette_outputs
from dashboard.pages.personas import editor_outputs, entry_source
from dashboard.pages.personas_exports import labelled_customers
from dashboard.persona_sets import resolve
from dashboard.services.analysis import View
from tests.dash_helpers import callback_payload, text_of
from tests.toy_method import registered


@pytest.fixture
def toy(app_config):
    """The toy method registered, and an app built with it; removed afterwards."""
    with registered():
        yield create_app(app_config)


def ids_in(component) -> set:
    return {c.id for c in component._traverse() if getattr(c, "id", None)}


def prepared(services, view):
    return services.analysis.prepare(View.from_store(view)).matrix


def fitted(services, view, method, **controls):
    request, _ = panel_request(services, view, method, initial_values(method, {}) | controls, None)
    return request, segmentation(services, request)


def test_hdbscan_and_gmm_panels_are_scikit_learns(services):
    view = default_view(services).as_store()
    matrix = prepared(services, view)
    _, hdbscan = fitted(services, view, "hdbscan", min_cluster_size=8)
    expected = HDBSCAN(min_cluster_size=8, copy=True).fit_predict(matrix)
    assert adjusted_rand_score(hdbscan.labels, expected) == 1.0
    request, gmm = fitted(services, view, "gmm", n_components=4, covariance_type="diag")
    mixture = GaussianMixture(4, covariance_type="diag", random_state=0).fit(matrix)
    assert adjusted_rand_score(gmm.labels, mixture.predict(matrix)) == 1.0
    shown = panel_view(services, request)
    assert shown.href.startswith("/personas?method=gmm") and "4 segments" in shown.note


def test_gmm_bic_and_aic_sit_beside_the_elbow(services):
    view = default_view(services).as_store()
    assert diagnostics_ids.criteria_graph("gmm") in ids_in(diagnostics.layout())
    alert, figure = criteria_outputs(services, view, "gmm", [2, 5])
    matrix = prepared(services, view)
    curves = {trace.name: trace for trace in figure.data}
    for index, k in enumerate(range(2, 6)):
        mixture = GaussianMixture(k, random_state=0).fit(matrix)
        assert curves["BIC"].y[index] == pytest.approx(mixture.bic(matrix))
        assert curves["AIC"].y[index] == pytest.approx(mixture.aic(matrix))
    assert alert is None


def test_gmm_export_holds_each_customers_probability(services):
    view = default_view(services).as_store()
    source = entry_source(view, {"method": "gmm", "params": {"n_components": 3}})
    workspace = resolve(services, source)
    table = labelled_customers(services, workspace, {})
    mixture = GaussianMixture(3, random_state=0).fit(prepared(services, view))
    expected = mixture.predict_proba(prepared(services, view)).max(axis=1)
    np.testing.assert_allclose(table["Probability"].to_numpy(float), expected, rtol=1e-9)
    kmeans = entry_source(view, {"method": "kmeans", "params": {"n_clusters": 3}})
    assert "Probability" not in labelled_customers(services, resolve(services, kmeans), {})


def test_a_registered_method_is_on_the_compare_page(toy):
    page = compare.layout(methods="kmeans,toysplit")
    panel = compare_ids.panel("toysplit")
    assert panel.control("threshold") in ids_in(page)
    assert "Split at" in text_of(page) and "Toy split" in text_of(page)
    columns = {c.id: c for c in page._traverse() if getattr(c, "id", None)}
    assert columns[panel.column].style == {}
    assert columns[compare_ids.panel("dbscan").column].style == {"display": "none"}

    services = toy.server.extensions["segmenta"]
    view = default_view(services).as_store()
    client = toy.server.test_client()
    inputs = {
        "view.data": view,
        f"{compare_ids.METHOD_CHOICE}.value": ["kmeans", "toysplit"],
        f"{panel.control('threshold')}.value": 0.5,
    }
    response = client.post(
        "/_dash-update-component", json=callback_payload(toy, f"{panel.request}.data", inputs)
    )
    request = response.json["response"][panel.request]["data"]
    result = segmentation(services, request)
    first = prepared(services, view)[:, 0]
    expected = (first > 0.5).astype(int)
    assert adjusted_rand_score(result.labels, expected) == 1.0
    assert compare.named_settings({"methods": "toysplit", "toysplit_threshold": "0.5"}) == {
        "methods": "toysplit",
        "toysplit_threshold": "0.5",
    }


def test_a_registered_method_is_on_diagnostics_and_personas(toy):
    services = toy.server.extensions["segmenta"]
    view = default_view(services).as_store()
    assert diagnostics_ids.sil_control("toysplit", "threshold") in ids_in(diagnostics.layout())
    _, figure, summary = silhouette_outputs(services, view, "toysplit", {"threshold": 0.2})
    matrix = prepared(services, view)
    labels = (matrix[:, 0] > 0.2).astype(int)
    assert f"{silhouette_score(matrix, labels):.3f}" in text_of(summary)

    source = entry_source(view, {"method": "toysplit", "params": {"threshold": 0.2}})
    cards, *_ = editor_outputs(services, source, None)
    assert len(cards) == 2
    assert "Toy split" in text_of(editor_outputs(services, source, None))
