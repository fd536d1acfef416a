"""The Diagnostics page's Stability card: its bars are the analysis's bootstrap stability (and
that is the bootstrap recomputed here on the same scaled data), its verdict sorts the segments
at 0.75 and 0.5, and an old check is marked as such once the chosen result changes."""

from functools import partial

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from algorithms.methods import make_method
from algorithms.stability import bootstrap_stability, segmentation_stability
from dashboard.figures import diagnostics as diagnostics_figures
from dashboard.figures.colors import cluster_color
from dashboard.pages.diagnostics_stability import stability_outputs, staleness
from dashboard.services.analysis import View
from tests.dash_helpers import text_of

SINGLE_LINKAGE = {"n_clusters": 3, "linkage": "single"}


def put_view(services, table: pd.DataFrame) -> dict:
    info = services.datasets.put(table, "test table")
    return {"dataset_id": info.dataset_id, "features": list(table.columns), "scaling": "standard"}


@pytest.fixture
def two_squares() -> pd.DataFrame:
    """Two uniform squares far apart. Single linkage cut into 3 keeps both and splits off one
    customer of no distinction, whom a resample rarely splits off again: a dissolving segment."""
    rng = np.random.default_rng(0)
    points = np.vstack([rng.uniform(size=(150, 2)), rng.uniform(size=(150, 2)) + [3, 0]])
    return pd.DataFrame(points, columns=["a", "b"])


def test_bars_are_the_stability_and_the_verdict_names_the_dissolving_segment(services, two_squares):
    view = put_view(services, two_squares)
    reports = []

    alert, figure, verdict, checked = stability_outputs(
        services, view, "hierarchical", {"n_clusters": 3, "linkage": "single"}, reports.append
    )

    expected = services.analysis.stability(View.from_store(view), "hierarchical", SINGLE_LINKAGE)
    matrix = StandardScaler().fit_transform(two_squares)
    params = SINGLE_LINKAGE | {"random_state": 0}
    labels = make_method("hierarchical", **params).fit(matrix).labels_
    recomputed = bootstrap_stability(
        matrix, labels, lambda: make_method("hierarchical", **params), n_resamples=20, seed=0
    )
    assert expected == recomputed
    assert alert is None
    (bars,) = figure.data
    clusters = list(expected.jaccard_by_cluster)
    assert list(bars.y) == [expected.jaccard_by_cluster[c] for c in clusters]
    result = services.analysis.segmentation(View.from_store(view), "hierarchical", SINGLE_LINKAGE)
    names = dict(zip(result.profile["cluster"], result.profile["label"], strict=True))
    assert list(bars.x) == [names[c] for c in clusters]  # the drafted labels, as on Compare
    assert list(bars.marker.color) == [cluster_color(c) for c in clusters]
    assert sorted(shape.y0 for shape in figure.layout.shapes) == [0.5, 0.75]
    assert tuple(figure.layout.yaxis.range) == (0, 1)
    assert figure.layout.xaxis.title.text == "Segment"
    assert figure.layout.yaxis.title.text.startswith("Mean Jaccard")

    graded = expected.clusters_by_grade()
    assert graded["dissolving"] and graded["stable"]
    lines = [text_of(line) for line in verdict]
    dissolve = next(line for line in lines if line.startswith("Dissolve (Jaccard < 0.5)"))
    stable = next(line for line in lines if line.startswith("Stable (Jaccard ≥ 0.75)"))
    for cluster in clusters:
        in_grade = dissolve if cluster in graded["dissolving"] else stable
        assert names[cluster] in in_grade
    assert f"Mean adjusted Rand {expected.mean_adjusted_rand:.2f}" in text_of(verdict)
    assert "stratified sample" not in text_of(verdict)
    assert checked == {"view": view, "method": "hierarchical", "params": SINGLE_LINKAGE}
    assert reports[0] == (5, "resample 2 of 20")  # the first refitted, the second under way
    assert reports[-2] == (95, "resample 20 of 20")
    assert reports[-1] == (100, "20 of 20 resamples refitted") and len(reports) == 20
    assert list(bars.text) == [f"{int(value * 100 + 1e-9) / 100:.2f}" for value in bars.y]


def test_a_repeated_check_is_read_from_the_cache(services, two_squares, computed):
    view = put_view(services, two_squares)
    first = stability_outputs(
        services, view, "hierarchical", {"n_clusters": 3, "linkage": "single"}
    )
    computations = len(computed)
    reports = []
    again = stability_outputs(
        services, view, "hierarchical", {"n_clusters": 3, "linkage": "single"}, reports.append
    )
    assert len(computed) == computations and reports == []
    assert again[1] == first[1] and text_of(again[2]) == text_of(first[2])


def test_above_the_cap_the_verdict_names_the_stratified_sample(services, monkeypatch):
    """The cap (5 000 in the app) lowered to 300 so that the test stays small."""
    monkeypatch.setattr(
        "dashboard.services.analysis.segmentation_stability",
        partial(segmentation_stability, sample_size=300),
    )
    rng = np.random.default_rng(0)
    centres = np.repeat([[0.0, 0.0], [6.0, 6.0]], 1_000, axis=0)
    big = put_view(services, pd.DataFrame(centres + rng.normal(size=centres.shape)).add_prefix("c"))

    _, figure, verdict, _ = stability_outputs(services, big, "kmeans", {"n_clusters": 2})

    expected = services.analysis.stability(View.from_store(big), "kmeans", {"n_clusters": 2})
    assert expected.customers < 2_000
    assert list(figure.data[0].y) == list(expected.jaccard_by_cluster.values())
    assert f"stratified sample of {expected.customers:,} of 2,000 customers" in text_of(verdict)


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("dbscan", {"eps": 1e-6, "min_samples": 5}, "Every customer is noise"),
        ("kmeans", {"n_clusters": 0}, "n_clusters"),
    ],
)
def test_a_result_that_cannot_be_checked_is_an_alert(services, method, params, expected):
    view = {
        "dataset_id": services.sample.dataset_id,
        "features": ["Annual Income (k$)", "Spending Score (1-100)"],
        "scaling": "standard",
    }
    alert, figure, verdict, _ = stability_outputs(services, view, method, params)
    assert alert.color == "warning" and expected in text_of(alert)
    assert not figure.data and verdict is None


def test_a_k_the_resamples_cannot_hold_is_an_alert(services):
    table = pd.DataFrame({"x": [0.0, 1, 2, 10, 11, 12], "y": [0.0, 1, 0, 5, 6, 5]})
    alert, figure, _, _ = stability_outputs(
        services, put_view(services, table), "kmeans", {"n_clusters": 5}
    )
    assert alert.color == "warning" and "bootstrap resamples" in text_of(alert)
    assert "K-Means with k=5" in text_of(alert) and not figure.data


def test_a_check_of_other_settings_is_dimmed_and_named(services, two_squares):
    view = put_view(services, two_squares)
    *_, checked = stability_outputs(services, view, "kmeans", {"n_clusters": 2})

    assert staleness(view, "kmeans", {"n_clusters": 2}, None) == (None, {})
    assert staleness(view, "kmeans", {"n_clusters": 2}, checked) == (None, {})
    note, style = staleness(view, "kmeans", {"n_clusters": 3}, checked)
    assert style == {"opacity": 0.35}
    assert "checked for K-Means (n_clusters = 2) on a × b, standard scaling" in text_of(note)
    assert "press Check stability" in text_of(note)
    other_view = view | {"scaling": "minmax"}
    assert staleness(other_view, "kmeans", {"n_clusters": 2}, checked)[1] == {"opacity": 0.35}


@pytest.mark.parametrize(
    ("jaccard", "written"),
    [(0.7497, "0.74"), (0.75, "0.75"), (0.4999, "0.49"), (0.29, "0.29"), (1.0, "1.00")],
)
def test_a_bar_value_never_reads_above_its_grade(jaccard, written):
    assert diagnostics_figures.jaccard_text(jaccard) == written
