"""Diagnostics page callbacks, called directly and over HTTP, checked against scikit-learn and
scipy computed here on the same scaled data."""

import json
import re
import time
from functools import partial
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from dash.exceptions import PreventUpdate
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import (
    k_distances,
    recommend_k,
    score_labels,
    suggest_eps,
    sweep_k,
)
from algorithms.methods import METHODS, make_method
from dashboard.app import create_app, default_view
from dashboard.config import Config
from dashboard.figures.colors import cluster_color
from dashboard.figures.diagnostics import ABOVE_CUT_COLOR, node_segments
from dashboard.ids import diagnostics as ids
from dashboard.pages import diagnostics as page
from dashboard.pages.diagnostics_panels import (
    dendrogram_outputs,
    k_distance_outputs,
    silhouette_outputs,
    sweep_outputs,
)
from dashboard.pages.diagnostics_result import group_styles, result_params
from dashboard.view.result_links import parse_result_query

FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"]


@pytest.fixture
def view(services) -> dict:
    return default_view(services).as_store()


@pytest.fixture
def matrix(services) -> np.ndarray:
    """The sample's income and spending, standard-scaled here with scikit-learn."""
    table = services.datasets.get(services.sample.dataset_id)
    return StandardScaler().fit_transform(table[FEATURES].to_numpy(dtype=float))


def texts(component) -> str:
    """All the text a component tree shows, in order."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(texts(child) for child in component)
    return texts(getattr(component, "children", None))


def trace(figure, name_start: str):
    return next(t for t in figure.data if (t.name or "").startswith(name_start))


def custom_view(services, table: pd.DataFrame, features: list[str]) -> dict:
    info = services.datasets.put(table, "test table")
    return {"dataset_id": info.dataset_id, "features": features, "scaling": "standard"}


# --- the K-Means sweep --------------------------------------------------------------------


def test_sweep_recommends_the_k_the_algorithms_find_with_progress(services, view, matrix):
    expected_sweep = sweep_k(matrix, 1, 10, seed=0)
    expected = recommend_k(expected_sweep)
    assert expected_sweep.knee == 5 and expected.k == 5
    reports = []

    alerts, elbow, scores, recommendation = sweep_outputs(services, view, [1, 10], reports.append)

    assert alerts == []
    knee = trace(elbow, "Knee")
    assert list(knee.x) == [expected_sweep.knee]
    inertia_5 = KMeans(5, n_init=10, random_state=0).fit(matrix).inertia_
    assert knee.y[0] == pytest.approx(inertia_5)
    assert list(trace(elbow, "Inertia").x) == list(range(1, 11))
    assert elbow.layout.xaxis.title.text == "Number of segments k"
    assert elbow.layout.yaxis.title.text == "Inertia (within-cluster sum of squares)"
    shown = texts(recommendation)
    assert f"k = {expected.k}" in shown and expected.reason in shown
    assert find(recommendation, ids.INSPECT_RECOMMENDED).value == expected.k
    assert [percent for percent, _ in reports] == [10 * step for step in range(1, 11)]
    assert reports[-1][1] == "k = 10 fitted (10 of 10)"


def test_scores_against_k_star_the_best_k_of_each_criterion(services, view, matrix):
    _, _, scores, _ = sweep_outputs(services, view, [2, 8])
    labels = {k: KMeans(k, n_init=10, random_state=0).fit(matrix).labels_ for k in range(2, 9)}
    expected = {
        "Silhouette": max(labels, key=lambda k: silhouette_score(matrix, labels[k])),
        "Calinski-Harabasz": max(labels, key=lambda k: calinski_harabasz_score(matrix, labels[k])),
        "Davies-Bouldin": min(labels, key=lambda k: davies_bouldin_score(matrix, labels[k])),
    }
    for name, best_k in expected.items():
        assert list(trace(scores, f"Best {name}").x) == [best_k]
    silhouette_curve = trace(scores, "Silhouette")
    assert list(silhouette_curve.x) == list(range(2, 9))
    assert silhouette_curve.y[3] == pytest.approx(silhouette_score(matrix, labels[5]))
    titles = " ".join(annotation.text for annotation in scores.layout.annotations)
    assert titles.count("higher is better") == 2 and titles.count("lower is better") == 1


def test_a_repeated_sweep_is_read_from_the_cache(services, view, computed):
    first = sweep_outputs(services, view, [1, 10])
    computations = len(computed)
    reports = []
    second = sweep_outputs(services, view, [1, 10], reports.append)
    assert len(computed) == computations
    assert reports == []
    assert second[1] == first[1] and texts(second[3]) == texts(first[3])


def test_a_k_range_beyond_the_rows_stops_at_the_last_possible_k(services):
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0, 10.0, 11.0, 12.0], "y": [1.0, 2, 1, 9, 8, 9]})
    small = custom_view(services, table, ["x", "y"])

    alerts, elbow, _, _ = sweep_outputs(services, small, [1, 10])
    assert "stop at k = 5" in texts(alerts)
    assert max(trace(elbow, "Inertia").x) == 5

    twice = custom_view(services, pd.concat([table.head(2)] * 3, ignore_index=True), ["x", "y"])
    alerts, elbow, _, _ = sweep_outputs(services, twice, [1, 10])
    assert "Only 2 customers differ in the chosen features" in texts(alerts)
    assert max(trace(elbow, "Inertia").x) == 2

    alerts, elbow, _, recommendation = sweep_outputs(services, small, [7, 12])
    assert alerts.color == "warning" and "6 customers, so k cannot start at 7" in texts(alerts)
    assert recommendation is None and not elbow.data


@pytest.mark.parametrize("k_range", [[5, 5], [0, 4], [3, 25], None])
def test_an_impossible_k_range_is_an_alert(services, view, k_range):
    alerts, elbow, scores, recommendation = sweep_outputs(services, view, k_range)
    assert alerts.color == "warning" and "k range" in texts(alerts)
    assert recommendation is None and not elbow.data and not scores.data


def test_a_constant_feature_is_named_in_the_alert(services):
    table = pd.DataFrame({"Age": [30, 30, 30, 30], "Income": [1.0, 5.0, 9.0, 2.0]})
    constant = custom_view(services, table, ["Age", "Income"])
    for alert in (
        sweep_outputs(services, constant, [1, 3])[0],
        silhouette_outputs(services, constant, "kmeans", {"n_clusters": 2})[0],
        k_distance_outputs(services, constant, 2)[0],
        dendrogram_outputs(services, constant, "ward", 2, None)[0],
    ):
        assert alert.color == "warning" and "'Age'" in texts(alert)


# --- the silhouette plot ------------------------------------------------------------------


def mean_line(figure) -> float:
    (shape,) = figure.layout.shapes
    assert shape.line.dash == "dash" and shape.x0 == shape.x1
    return shape.x0


@pytest.mark.parametrize(
    ("method", "k", "eps", "min_samples", "linkage_name", "fit"),
    [
        ("kmeans", 4, None, None, None, lambda m: KMeans(4, n_init=10, random_state=0).fit(m)),
        ("dbscan", None, 0.3, 5, None, lambda m: DBSCAN(eps=0.3, min_samples=5).fit(m)),
        (
            "hierarchical",
            5,
            None,
            None,
            "average",
            lambda m: AgglomerativeClustering(5, linkage="average").fit(m),
        ),
    ],
)
def test_silhouette_plot_mean_is_sklearns_score(
    services, view, matrix, method, k, eps, min_samples, linkage_name, fit
):
    labels = fit(matrix).labels_
    clustered = labels != -1
    expected = silhouette_score(matrix[clustered], labels[clustered])

    params = {"n_clusters": k, "eps": eps, "min_samples": min_samples, "linkage": linkage_name}
    names = {param.name for param in result_params(method)}
    alert, figure, summary = silhouette_outputs(
        services, view, method, {name: v for name, v in params.items() if name in names}
    )

    assert alert is None
    assert mean_line(figure) == pytest.approx(expected)
    sizes = sorted(np.bincount(labels[clustered]), reverse=True)
    assert [len(t.x) - 2 for t in figure.data] == sizes
    assert [t.fillcolor for t in figure.data] == [cluster_color(c) for c in range(len(sizes))]
    n_segments = len(sizes)
    assert f"Mean silhouette {expected:.3f} over {clustered.sum()} customers" in texts(summary)
    assert f"{n_segments} segments)" in texts(summary)
    if not clustered.all():
        assert f"{(~clustered).sum()} customers marked as noise left out" in texts(summary)


def test_silhouette_values_are_sorted_within_each_segment(services, view):
    _, figure, _ = silhouette_outputs(services, view, "kmeans", {"n_clusters": 5})
    for knife in figure.data:
        values = np.asarray(knife.x[1:-1])
        assert (np.diff(values) <= 0).all()


def test_silhouette_of_a_single_segment_says_why_it_is_empty(services, view):
    alert, figure, summary = silhouette_outputs(
        services, view, "dbscan", {"eps": 5.0, "min_samples": 5}
    )
    assert "at least 2" in texts(alert) and summary is None and not figure.data


def test_silhouette_above_the_cap_is_sampled_and_says_so(services, monkeypatch):
    """The cap (10 000 in the app) lowered to 500 so that the test stays small (the app
    scores its results in ``Analysis.segmentation``)."""
    monkeypatch.setattr(
        "dashboard.services.analysis.score_labels", partial(score_labels, sample_size=500)
    )
    rng = np.random.default_rng(0)
    centres = np.repeat([[0.0, 0.0], [6.0, 6.0]], 1_000, axis=0)
    table = pd.DataFrame(centres + rng.normal(size=centres.shape), columns=["a", "b"])
    big = custom_view(services, table, ["a", "b"])
    _, figure, summary = silhouette_outputs(services, big, "kmeans", {"n_clusters": 2})
    assert sum(len(t.x) - 2 for t in figure.data) == 500
    assert "stratified sample of 500 of 2,000 customers" in texts(summary)


def test_bad_method_parameters_are_an_alert(services, view):
    alert, figure, _ = silhouette_outputs(services, view, "dbscan", {"eps": -1, "min_samples": 5})
    assert alert.color == "warning" and "eps" in texts(alert) and not figure.data


# --- the k-distance curve -----------------------------------------------------------------


@pytest.mark.parametrize("min_samples", [5, 12])
def test_k_distance_eps_is_the_algorithms_suggestion_and_goes_to_compare(
    services, view, matrix, min_samples
):
    expected = suggest_eps(k_distances(matrix, min_samples))

    alert, figure, label, href, disabled, _ = k_distance_outputs(services, view, min_samples)

    assert alert is None and disabled is False
    (eps_line,) = figure.layout.shapes
    assert eps_line.y0 == pytest.approx(expected)
    assert trace(figure, "Suggested eps").y[0] == pytest.approx(expected)
    np.testing.assert_allclose(trace(figure, "k-distance").y, k_distances(matrix, min_samples))
    ordinal = {5: "5th", 12: "12th"}[min_samples]
    assert figure.layout.yaxis.title.text.startswith(f"Distance to {ordinal} nearest neighbour")
    url = urlsplit(href)
    assert url.path == "/compare"
    query = parse_qs(url.query)
    assert float(query["eps"][0]) == pytest.approx(expected, rel=1e-3)
    assert query["min_samples"] == [str(min_samples)]
    assert label == f"Use eps = {query['eps'][0]} in Compare"
    method, params = parse_result_query(url.query)
    assert method == "dbscan" and params["eps"] == pytest.approx(expected, rel=1e-3)


def test_k_distance_above_the_cap_says_it_is_sampled(services):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(10_500, 2)), columns=["a", "b"])
    big = custom_view(services, table, ["a", "b"])
    _, figure, _, _, _, note = k_distance_outputs(services, big, 5)
    assert len(trace(figure, "k-distance").y) == 10_000
    assert "random sample of 10,000 customers (the table has 10,500)" in texts(note)


@pytest.mark.parametrize("min_samples", [None, 1, "five"])
def test_bad_min_samples_is_an_alert_and_disables_the_link(services, view, min_samples):
    alert, figure, _, _, disabled, _ = k_distance_outputs(services, view, min_samples)
    assert alert.color == "warning" and "min_samples" in texts(alert)
    assert disabled is True and not figure.data


# --- the dendrogram -----------------------------------------------------------------------


def cut_line(figure):
    (line,) = figure.layout.shapes
    return line


def test_dendrogram_cut_line_is_the_models_cut_height(services, view, matrix):
    model = make_method("hierarchical", n_clusters=5, linkage="ward").fit(matrix)
    scipy_heights = linkage(matrix, method="ward")[:, 2]

    alert, figure, note = dendrogram_outputs(services, view, "ward", 5, None)

    assert alert is None
    line = cut_line(figure)
    assert line.y0 == line.y1 == pytest.approx(model.cut_height_)
    assert scipy_heights[-5] < line.y0 < scipy_heights[-4]
    assert "cut: 5 segments" in [a.text for a in figure.layout.annotations]
    top = max(y for t in figure.data for y in t.y if y is not None)
    assert top == pytest.approx(scipy_heights[-1])
    colours = {t.line.color for t in figure.data}
    assert colours == {ABOVE_CUT_COLOR} | {cluster_color(c) for c in range(5)}
    assert "5 segments of" in texts(note)


def test_dendrogram_branches_take_the_models_segment_numbers(matrix):
    model = make_method("hierarchical", n_clusters=4, linkage="complete").fit(matrix)
    segments = node_segments(model.linkage_matrix_, 4)
    np.testing.assert_array_equal(segments[: len(matrix)], model.labels_)
    assert (segments[-3:] == -1).all() and (segments[len(matrix) : -3] >= 0).all()


def test_dendrogram_cut_at_a_height(services, view, matrix):
    tree = linkage(matrix, method="average")
    expected_segments = fcluster(tree, t=1.5, criterion="distance").max()
    _, figure, note = dendrogram_outputs(services, view, "average", 5, 1.5)
    assert cut_line(figure).y0 == pytest.approx(1.5)
    assert f"cut: {expected_segments} segments" in [a.text for a in figure.layout.annotations]
    assert f"{expected_segments} segments of" in texts(note)


def test_dendrogram_bad_k_is_an_alert(services, view):
    alert, figure, _ = dendrogram_outputs(services, view, "ward", 0, None)
    assert alert.color == "warning" and "n_clusters" in texts(alert) and not figure.data


# --- layout and controls ------------------------------------------------------------------


def find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_layout_preselects_a_result_named_in_the_query():
    layout = page.layout(method="dbscan", eps="0.4", min_samples="8")
    assert find(layout, ids.SIL_METHOD).value == "dbscan"
    assert find(layout, ids.sil_control("dbscan", "eps")).value == 0.4
    assert find(layout, ids.sil_control("dbscan", "min_samples")).value == 8
    assert find(layout, ids.KDIST_MIN_SAMPLES).value == 8
    default = page.layout()
    assert find(default, ids.SIL_METHOD).value == "kmeans"
    assert find(default, ids.K_RANGE).value == [1, 10]


def test_inspect_sets_the_panels_below_to_the_recommended_k():
    assert page.inspect_k(1, 3) == ("kmeans", 3, 3)
    with pytest.raises(PreventUpdate):
        page.inspect_k(None, 3)


def test_only_the_chosen_methods_inputs_are_shown():
    shown = {"display": "block"}
    for chosen in METHODS:
        styles = dict(zip(METHODS, group_styles(chosen), strict=True))
        assert [m for m, style in styles.items() if style == shown] == [chosen]


# --- over HTTP ----------------------------------------------------------------------------


def dash_post(client, callback_key: str, inputs: list[dict], query: str = ""):
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in callback_key.strip(".").split("...")
    ]
    payload = {
        "output": callback_key,
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
        "state": [],
    }
    return client.post(f"/_dash-update-component{query}", json=payload)


def callback_key(app, first_output: str) -> str:
    return next(key for key in app.callback_map if key.startswith(f"..{first_output}."))


def test_page_is_served(client):
    response = client.get("/diagnostics?method=dbscan&eps=0.4")
    assert response.status_code == 200


def test_k_distance_over_http(app, client, view, matrix):
    response = dash_post(
        client,
        callback_key(app, ids.KDIST_ALERT),
        [
            {"id": "view", "property": "data", "value": view},
            {"id": ids.KDIST_MIN_SAMPLES, "property": "value", "value": 5},
            {"id": ids.KDIST_LOG, "property": "value", "value": False},
        ],
    )
    assert response.status_code == 200
    outputs = response.json["response"]
    href = outputs[ids.KDIST_USE_EPS]["href"]
    eps = float(parse_qs(urlsplit(href).query)["eps"][0])
    assert eps == pytest.approx(suggest_eps(k_distances(matrix, 5)), rel=1e-3)
    assert outputs[ids.KDIST_USE_EPS]["disabled"] is False
    assert outputs[ids.KDIST_GRAPH]["figure"]["data"]


def background_sweep(app, view: dict, k_range: list[int]) -> dict:
    """The browser's protocol: the first request starts a job and gets signed handles, then
    it polls with them until the result is there."""
    client = app.server.test_client()
    page_html = client.get("/diagnostics").get_data(as_text=True)
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', page_html).group(1))
    key = callback_key(app, ids.SWEEP_ALERT)
    inputs = [
        {"id": "view", "property": "data", "value": view},
        {"id": ids.K_RANGE, "property": "value", "value": k_range},
    ]
    end_id = f"?endId={config['end_id']}"
    handles = dash_post(client, key, inputs, end_id).json
    assert set(handles) >= {"cacheKey", "job"}
    poll = f"{end_id}&cacheKey={handles['cacheKey']}&job={handles['job']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = dash_post(client, key, inputs, poll).json
        if "response" in body:
            return body["response"]
        time.sleep(0.2)
    pytest.fail("the background sweep did not finish within 60 s")


def test_sweep_runs_as_a_background_job_over_http(app, view, matrix):
    outputs = background_sweep(app, view, [1, 10])
    knee = next(
        t for t in outputs[ids.ELBOW_GRAPH]["figure"]["data"] if t["name"].startswith("Knee")
    )
    expected = recommend_k(sweep_k(matrix, 1, 10, seed=0))
    assert knee["x"] == [expected.votes["elbow"]]
    assert f"k = {expected.k}" in json.dumps(outputs[ids.RECOMMENDATION]["children"])


def test_background_sweep_uses_its_own_apps_data_when_a_process_has_two_apps(
    app, services, tmp_path
):
    table = pd.DataFrame(
        {"x": [1.0, 2, 3, 10, 11, 12, 20, 21, 22], "y": [1.0, 2, 1, 9, 8, 9, 1, 2, 1]}
    )
    only_here = custom_view(services, table, ["x", "y"])
    create_app(Config(instance_path=tmp_path / "second", testing=True))
    outputs = background_sweep(app, only_here, [1, 6])
    assert outputs[ids.SWEEP_ALERT]["children"] == []
    expected = recommend_k(sweep_k(StandardScaler().fit_transform(table), 1, 6, seed=0))
    assert f"k = {expected.k}" in json.dumps(outputs[ids.RECOMMENDATION]["children"])
