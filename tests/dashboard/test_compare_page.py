"""Compare page: panel, metrics and agreement callbacks called directly with the app's
services, checked against scikit-learn on the same scaled data; one HTTP round trip."""

import dash
import numpy as np
import pandas as pd
import pytest
from dash.development.base_component import Component
from scipy.cluster.hierarchy import fcluster
from scipy.cluster.hierarchy import linkage as scipy_linkage
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError
from algorithms.loading import load_sample
from dashboard.app import default_view
from dashboard.figures.colors import NOISE_COLOR
from dashboard.figures.labels import label
from dashboard.figures.scatter import MAX_TRACES, cluster_scatter
from dashboard.ids import compare as ids
from dashboard.pages import compare, compare_panels, diagnostics_link
from dashboard.pages.compare_controls import initial_values, params_from_controls
from dashboard.pages.compare_metrics import crosstab_output, metrics_outputs
from dashboard.pages.compare_panels import (
    fit_in_background,
    panel_request,
    panel_view,
    radius_hint,
    segmentation,
    suggested_eps,
)
from dashboard.pages.diagnostics_result import result_of
from dashboard.services.analysis import View
from dashboard.services.results import RecentValues
from dashboard.view import url
from tests.dash_helpers import callback_payload, text_of
from tests.dashboard.hover_reading import hover_lines, hover_values

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"


@pytest.fixture
def view(services) -> dict:
    return default_view(services).as_store()


def request_for(services, view, method, cut_by=None, **controls):
    values = initial_values(method, {})
    if method == "dbscan":
        values["eps"] = suggested_eps(services, view, values["min_samples"])
    request, _ = panel_request(services, view, method, values | controls, cut_by)
    return request


def requests_for(services, view) -> dict:
    kmeans = request_for(services, view, "kmeans")
    return {
        "kmeans": kmeans,
        "dbscan": request_for(services, view, "dbscan"),
        "hierarchical": request_for(services, view, "hierarchical"),
    }


def all_of(component: Component, kind: str) -> list[Component]:
    return [c for c in component._traverse() if type(c).__name__ == kind]


def segment_traces(figure) -> dict[int, object]:
    """{cluster: trace} of a panel's scatter (centroids left out)."""
    return {
        trace.meta["cluster"]: trace
        for trace in figure.data
        if isinstance(trace.meta["cluster"], int)
    }


def scaled_sample(services) -> np.ndarray:
    table = services.analysis.table(services.sample.dataset_id)
    return StandardScaler().fit_transform(table[[INCOME, SPENDING]].to_numpy(float))


def test_default_view_shows_five_kmeans_segments(services, view):
    shown = panel_view(services, request_for(services, view, "kmeans"))
    clusters = segment_traces(shown.figure)
    assert sorted(clusters) == [0, 1, 2, 3, 4]
    assert shown.figure.data[-1].name == "Centroids"
    assert len(shown.figure.data[-1].x) == 5
    reference = KMeans(5, n_init=10, random_state=0).fit(scaled_sample(services))
    ours = np.concatenate([np.full(len(t.x), c) for c, t in clusters.items()])
    assert sorted(np.bincount(ours)) == sorted(np.bincount(reference.labels_))
    assert len(all_of(shown.profile, "Tr")) == 1 + 5
    assert "5 segments" in shown.note
    assert shown.href.startswith("/personas?method=kmeans&n_clusters=5")
    assert shown.alert is None
    assert shown.shown["params"]["n_clusters"] == 5


def test_hover_shows_the_customers_row(services, view):
    figure = panel_view(services, request_for(services, view, "kmeans")).figure
    trace = segment_traces(figure)[0]
    table = services.analysis.table(services.sample.dataset_id)
    first = hover_values(trace, 0)
    assert list(first) == [label(column) for column in table.columns]
    row = table[table["CustomerID"].astype(str) == first["CustomerID"]].iloc[0]
    assert first == {label(column): label(row[column]) for column in table.columns}
    assert (trace.x[0], trace.y[0]) == (row[INCOME], row[SPENDING])


def test_three_features_draw_a_3d_scatter(services, view):
    view = view | {"features": ["Age", INCOME, SPENDING]}
    figure = panel_view(services, request_for(services, view, "kmeans")).figure
    assert {trace.type for trace in figure.data} == {"scatter3d"}
    assert figure.layout.scene.zaxis.title.text == SPENDING


def test_metrics_table_marks_the_best_values(services, view):
    requests = requests_for(services, view)
    table, verdict, agreement = metrics_outputs(services, requests)
    matrix = scaled_sample(services)
    expected = {"silhouette": {}, "calinski_harabasz": {}, "davies_bouldin": {}}
    for method, request in requests.items():
        labels = compare_panels.segmentation(services, request).labels
        kept = labels != -1
        expected["silhouette"][method] = silhouette_score(matrix[kept], labels[kept])
        expected["calinski_harabasz"][method] = calinski_harabasz_score(matrix[kept], labels[kept])
        expected["davies_bouldin"][method] = davies_bouldin_score(matrix[kept], labels[kept])
    cells = {
        (getattr(td, "data-metric"), getattr(td, "data-method")): td for td in all_of(table, "Td")
    }
    for metric, values in expected.items():
        best = (min if metric == "davies_bouldin" else max)(values.values())
        for method, value in values.items():
            cell = cells[(metric, method)]
            shown = f"{value:,.1f}" if metric == "calinski_harabasz" else f"{value:.3f}"
            assert cell.children == shown
            is_best = np.isclose(value, best, rtol=1e-9)
            assert (cell.className == "metric-best") == is_best, (metric, method)
    assert verdict.startswith("The metrics favour")
    silhouette_winners = [
        m
        for m, v in expected["silhouette"].items()
        if np.isclose(v, max(expected["silhouette"].values()))
    ]
    assert all(compare.METHODS[m].label in verdict for m in silhouette_winners)
    kmeans, hierarchical = (
        compare_panels.segmentation(services, requests[m]).labels
        for m in ("kmeans", "hierarchical")
    )
    rand = f"{adjusted_rand_score(kmeans, hierarchical):.2f}"
    pair = [
        td
        for td in all_of(agreement, "Td")
        if getattr(td, "data-pair", "") == "kmeans-hierarchical"
    ]
    assert pair[0].children == rand


def test_dbscan_all_noise_says_what_to_change(services, view):
    request = request_for(services, view, "dbscan", eps=0.01)
    shown = panel_view(services, request)
    suggestion = services.analysis.k_distance(default_view(services), 5).suggested_eps
    message = text_of(shown.alert)
    assert "Every customer is noise" in message
    assert f"increase eps (suggested: {suggestion:.2f})" in message
    assert "lower min_samples" in message
    (noise,) = shown.figure.data
    assert noise.name == "Noise" and noise.marker.color == NOISE_COLOR
    assert len(noise.x) == 200
    assert shown.href is None


@pytest.fixture
def tiny_view(services) -> dict:
    tiny = pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(8)],
            "x": range(8),
            "y": [1, 5, 2, 8, 3, 9, 4, 7],
        }
    )
    info = services.datasets.put(tiny, "tiny")
    return {"dataset_id": info.dataset_id, "features": ["x", "y"], "scaling": "standard"}


def test_k_larger_than_the_rows_is_an_alert_in_that_panel_only(services, tiny_view):
    too_many = panel_view(services, request_for(services, tiny_view, "kmeans", n_clusters=10))
    assert "k=10" in text_of(too_many.alert) and "8" in text_of(too_many.alert)
    assert too_many.shown is None and too_many.href is None
    fine = panel_view(services, request_for(services, tiny_view, "hierarchical", n_clusters=3))
    assert fine.alert is None and len(segment_traces(fine.figure)) == 3


def test_a_feature_without_variance_names_the_column(services):
    table = pd.DataFrame(
        {"CustomerID": ["a", "b", "c", "d"], "x": [1, 2, 3, 4], "flat": [7, 7, 7, 7]}
    )
    info = services.datasets.put(table, "flat")
    view = {"dataset_id": info.dataset_id, "features": ["x", "flat"], "scaling": "standard"}
    message = text_of(
        panel_view(services, request_for(services, view, "hierarchical", n_clusters=2)).alert
    )
    assert "'flat'" in message and "remove it" in message


def test_an_empty_control_is_named(services, view):
    with pytest.raises(ParameterError, match="Enter eps: a positive number"):
        params_from_controls("dbscan", {"eps": None, "min_samples": 5})
    request, background = panel_request(services, view, "dbscan", {"eps": None, "min_samples": 5})
    assert "Enter eps" in text_of(panel_view(services, request).alert)
    assert params_from_controls(
        "hierarchical", {"linkage": "ward", "n_clusters": 5, "distance_threshold": 2.5}, "height"
    ) == {"linkage": "ward", "distance_threshold": 2.5}


def test_matched_segments_share_their_colour_across_panels(services, view):
    kmeans_request = request_for(services, view, "kmeans")
    kmeans = panel_view(services, kmeans_request)
    kmeans_colors = {c: t.marker.color for c, t in segment_traces(kmeans.figure).items()}
    kmeans_labels = compare_panels.segmentation(services, kmeans_request).labels
    for method, controls in (
        ("hierarchical", {"n_clusters": 7, "linkage": "average"}),
        ("dbscan", {}),
    ):
        request = request_for(services, view, method, **controls)
        shown = panel_view(services, request, reference=kmeans_request)
        labels = compare_panels.segmentation(services, request).labels
        ours = sorted(set(labels) - {-1})
        overlap = np.array(
            [[np.sum((labels == a) & (kmeans_labels == b)) for b in range(5)] for a in ours]
        )
        rows, cols = linear_sum_assignment(-overlap)
        matched = {ours[r]: c for r, c in zip(rows, cols, strict=True) if overlap[r, c]}
        colors = {c: t.marker.color for c, t in segment_traces(shown.figure).items()}
        for cluster, color in colors.items():
            if cluster in matched:
                assert color == kmeans_colors[matched[cluster]], (method, cluster)
            elif cluster != -1:
                assert color not in kmeans_colors.values()
        unmatched = [colors[c] for c in ours if c not in matched]
        assert len(set(unmatched)) == len(unmatched)
        if -1 in colors:
            assert colors[-1] == NOISE_COLOR


def test_showing_a_panel_twice_computes_once(services, view, computed):
    request = request_for(services, view, "hierarchical", linkage="complete")
    before = len(computed)
    first = panel_view(services, request)
    second = panel_view(services, request)
    assert len(computed) == before + 1
    assert first.note == second.note


def test_a_panel_is_drawn_once_per_result_and_colours(services, view, monkeypatch):
    """A revisit reads the drawn panel back (``services.drawn``); other colours or another
    request draw again."""
    drawings = []
    draw = compare_panels._draw
    monkeypatch.setattr(
        compare_panels, "_draw", lambda *args: drawings.append(args[1]) or draw(*args)
    )
    request = request_for(services, view, "kmeans", n_clusters=4)
    first = panel_view(services, request)
    assert panel_view(services, request) is first and len(drawings) == 1
    other = request_for(services, view, "dbscan")
    matched = panel_view(services, request, None, other)
    assert len(drawings) == 2 and matched.colors != first.colors
    panel_view(services, request_for(services, view, "kmeans", n_clusters=3))
    assert len(drawings) == 3


def test_a_panel_draws_from_the_fit_and_the_scores_come_after(services, view):
    """The panel's result is fitted without the silhouette; the metrics' result adds the same
    scores a one-pass run gives, and the panel then reads that one."""
    from algorithms.segmentation import SegmentationSpec, run_segmentation

    request = request_for(services, view, "kmeans", n_clusters=7)
    unscored = compare_panels.fitted(services, request)
    assert unscored.scores["silhouette"] is None and unscored.scores["n_clusters"] == 7
    scored = compare_panels.segmentation(services, request)
    np.testing.assert_array_equal(scored.labels, unscored.labels)
    spec = SegmentationSpec(tuple(request["view"]["features"]), "kmeans", request["params"])
    direct = run_segmentation(services.analysis.table(request["view"]["dataset_id"]), spec)
    assert scored.scores == direct.scores.as_dict()
    assert scored.summary["metrics"] == direct.scores.as_dict()
    assert compare_panels.fitted(services, request) is not unscored  # now the scored one
    assert compare_panels.fitted(services, request).scores == scored.scores


def test_recent_values_keep_the_last_few():
    kept = RecentValues(2)
    computed = []
    for key in ["a", "b", "a", "c", "a", "b"]:
        kept.get_or_compute(key, lambda key=key: computed.append(key) or key.upper())
    assert computed == ["a", "b", "c", "b"]  # "b" was dropped when "c" came in
    assert kept.get_or_compute("a", lambda: "never") == "A"


def test_large_tables_fit_in_the_background_then_draw_from_the_cache(
    services, view, monkeypatch, computed
):
    monkeypatch.setattr(compare_panels, "BACKGROUND_MIN_ROWS", 100)
    values = initial_values("kmeans", {})
    request, background = panel_request(services, view, "kmeans", values)
    assert background == request and request["background"] is True
    waiting = panel_view(services, request, fitted=None)
    assert waiting.shown is None
    assert "cancelled" in text_of(waiting.alert)
    fitted = fit_in_background(services, request)
    before = len(computed)
    drawn = panel_view(services, request, fitted=fitted)
    assert len(computed) == before
    assert drawn.shown == request and "5 segments" in drawn.note


def test_a_failed_background_fit_shows_its_message(services, tiny_view, monkeypatch):
    monkeypatch.setattr(compare_panels, "BACKGROUND_MIN_ROWS", 5)
    values = initial_values("kmeans", {}) | {"n_clusters": 12}
    request, background = panel_request(services, tiny_view, "kmeans", values)
    fitted = fit_in_background(services, background)
    assert "k=12" in fitted["error"]
    assert "k=12" in text_of(panel_view(services, request, fitted=fitted).alert)


def test_a_result_link_sets_its_panel(services):
    page = compare.layout(method="dbscan", eps="0.42", min_samples="7")
    controls = {c.id: c for c in page._traverse() if getattr(c, "id", None)}
    assert controls[ids.DBSCAN.control("eps")].value == 0.42
    assert controls[ids.DBSCAN.control("min_samples")].value == 7
    assert controls[ids.KMEANS.control("n_clusters")].value == 5
    assert "eps 0.42" in text_of(controls[ids.LINK_NOTE])
    tree = compare.layout(method="hierarchical", distance_threshold="3.5", linkage="complete")
    controls = {c.id: c for c in tree._traverse() if getattr(c, "id", None)}
    assert controls[ids.HIERARCHICAL.cut_by].value == "height"
    assert controls[ids.HIERARCHICAL.control("distance_threshold")].value == 3.5
    assert controls[ids.HIERARCHICAL.control("linkage")].value == "complete"


@pytest.mark.parametrize(("k", "linkage"), [(5, "ward"), (4, "average"), (7, "complete")])
def test_a_cut_by_height_starts_from_the_height_that_gives_the_current_k(services, k, linkage):
    features = ["Age", "Annual Income (k$)", "Spending Score (1-100)"]
    view = View(services.sample.dataset_id, tuple(features)).as_store()  # a new view

    height = compare_panels.cut_height_default(
        services, "hierarchical", view, "height", _tree_controls(k, linkage, None)
    )

    scaled = StandardScaler().fit_transform(load_sample()[features])
    tree = scipy_linkage(scaled, method=linkage)
    assert len(np.unique(fcluster(tree, t=height, criterion="distance"))) == k
    assert len(f"{height}") <= 6  # written short enough to read and type
    by_height = request_for(
        services, view, "hierarchical", "height", linkage=linkage, distance_threshold=height
    )
    assert len(segment_traces(panel_view(services, by_height).figure)) == k


def test_a_cut_height_already_set_or_a_cut_by_count_is_left_alone(services, view):
    kept = compare_panels.cut_height_default(
        services, "hierarchical", view, "height", _tree_controls(5, "ward", 2.5)
    )
    assert kept is dash.no_update
    by_count = compare_panels.cut_height_default(
        services, "hierarchical", view, "count", _tree_controls(5, "ward", None)
    )
    assert by_count is dash.no_update


def _tree_controls(k: int, linkage: str, height) -> dict:
    return {"n_clusters": k, "linkage": linkage, "distance_threshold": height}


def test_crosstab_counts_shared_customers(services, view):
    requests = requests_for(services, view)
    figure = crosstab_output(services, requests, "kmeans", "dbscan")
    kmeans, dbscan = (
        compare_panels.segmentation(services, requests[m]).labels for m in ("kmeans", "dbscan")
    )
    expected = pd.crosstab(kmeans, dbscan).to_numpy()
    assert np.array_equal(np.asarray(figure.data[0].z), expected)
    assert "Noise" in figure.data[0].x


def test_http_round_trip_from_controls_to_panel(app, client, view):
    panel = ids.KMEANS
    controls = {
        "view.data": view,
        f"{ids.METHOD_CHOICE}.value": ["kmeans"],
        f"{panel.control('n_clusters')}.value": 3,
        f"{panel.control('init')}.value": "k-means++",
        f"{panel.control('n_init')}.value": 10,
    }
    response = client.post(
        "/_dash-update-component", json=callback_payload(app, f"{panel.request}.data", controls)
    )
    assert response.status_code == 200
    request = response.json["response"][panel.request]["data"]
    assert request["params"]["n_clusters"] == 3
    response = client.post(
        "/_dash-update-component",
        json=callback_payload(app, f"{panel.figure}.figure", {f"{panel.request}.data": request}),
    )
    assert response.status_code == 200
    outputs = response.json["response"]
    traces = outputs[panel.figure]["figure"]["data"]
    assert [t["name"] for t in traces].count("Centroids") == 1 and len(traces) == 4
    assert "3 segments" in outputs[panel.note]["children"]
    assert outputs[panel.shown]["data"] == request


def test_page_is_served_with_a_link_query(client):
    assert client.get("/compare?method=dbscan&eps=0.42&min_samples=5").status_code == 200


def test_many_segments_share_one_trace_and_noise_comes_last():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(-1, 25), 4)
    points = pd.DataFrame({"x": rng.normal(size=len(labels)), "y": rng.normal(size=len(labels))})
    figure = cluster_scatter(points, labels)
    assert len(figure.data) == MAX_TRACES + 2
    smaller, noise = figure.data[-2], figure.data[-1]
    assert smaller.name == f"{25 - MAX_TRACES} smaller segments" and len(smaller.x) == 4 * 5
    assert [hover_lines(smaller, i)[0] for i in range(4)] == ["<b>Segment 20</b>"] * 4
    assert noise.name == "Noise" and noise.marker.color == NOISE_COLOR
    assert sum(len(trace.x) for trace in figure.data) == len(labels)


def test_one_feature_draws_a_strip_per_segment(services, view):
    figure = panel_view(
        services, request_for(services, view | {"features": [INCOME]}, "kmeans")
    ).figure
    assert figure.layout.xaxis.title.text == INCOME
    assert list(figure.layout.yaxis.ticktext) == [trace.name for trace in figure.data]


def test_eps_hint_advises_a_larger_min_samples_on_large_tables(services):
    from algorithms.diagnostics import suggest_min_samples
    from devtools.synthetic import FEATURES, mall_customers

    sample_view = default_view(services).as_store()
    assert "gives steadier" not in radius_hint(services, sample_view, 5)
    large = services.datasets.put(mall_customers(30_000), "large")
    large_view = {**sample_view, "dataset_id": large.dataset_id, "features": FEATURES[2]}
    hint = radius_hint(services, large_view, 5)
    assert f"min_samples ≈ {suggest_min_samples(30_000, 2)} gives steadier" in hint


@pytest.mark.parametrize(
    ("method", "controls"),
    [
        ("kmeans", {"n_clusters": 4}),
        ("dbscan", {}),
        ("hierarchical", {"linkage": "average", "distance_threshold": 2.0}),
    ],
)
def test_each_panel_links_to_its_own_silhouettes_and_stability(services, view, method, controls):
    """The Diagnostics page opened from a panel's link checks the very result the panel shows,
    a tree cut by height included (the silhouette plot takes it as its k)."""
    cut_by = "height" if "distance_threshold" in controls else None
    shown = panel_view(services, request_for(services, view, method, cut_by, **controls))
    path, _, query = shown.diagnostics_href.partition("?")
    assert path == "/diagnostics"
    values, problems = diagnostics_link.restore(url.parse_search(query))
    assert problems == []
    _, params = result_of(values)
    linked = services.analysis.segmentation(View.from_store(view), values["sil_method"], params)
    panel = segmentation(services, shown.shown)
    assert values["sil_method"] == method
    np.testing.assert_array_equal(linked.labels, panel.labels)


def test_a_panel_without_two_segments_links_to_no_diagnostics(services, view):
    all_noise = panel_view(services, request_for(services, view, "dbscan", eps=0.01))
    assert all_noise.diagnostics_href is None
    assert all_noise.outputs()[7] is True  # the button is disabled
