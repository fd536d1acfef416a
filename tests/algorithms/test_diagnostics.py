"""Scores, k sweeps, knees, k-distances and agreement against scikit-learn computed directly."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from sklearn.neighbors import NearestNeighbors

from algorithms.diagnostics import (
    CRITERIA,
    DISTINCT_PROBE,
    agreement,
    calinski_harabasz,
    davies_bouldin,
    find_knee,
    k_distances,
    recommend_k,
    score_labels,
    silhouette_values,
    suggest_eps,
    suggest_min_samples,
    sweep_k,
)
from algorithms.errors import ParameterError
from algorithms.loading import load_sample, load_table
from algorithms.methods import NOISE, make_method
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.sampling import random_sample, stratified_sample
from devtools.synthetic import FEATURES as SYNTHETIC_FEATURES
from devtools.synthetic import mall_customers
from tests.algorithms.helpers import INCOME, PROPERTY, SPENDING, blobs

BAD_DATA = Path(__file__).parents[1] / "data" / "bad"


def big_and_tiny_clusters(seed=0):
    """2 000 diffuse customers, 50 in a tight far-away group and 300 in a third group."""
    rng = np.random.default_rng(seed)
    points = np.vstack(
        [
            rng.normal([0, 0], 1.0, size=(2000, 2)),
            rng.normal([9, 9], 0.1, size=(50, 2)),
            rng.normal([-5, 0], 0.7, size=(300, 2)),
        ]
    )
    labels = np.repeat([0, 2, 1], [2000, 50, 300])
    return points, labels


def test_scores_are_sklearns_with_noise_excluded():
    points, _ = blobs(n_samples=300, centers=3, cluster_std=1.0, seed=30)
    labels = KMeans(n_clusters=3, n_init=3, random_state=0).fit_predict(points)
    labels[::17] = NOISE
    kept = labels != NOISE
    scores = score_labels(points, labels)

    assert scores.n_clusters == 3
    assert scores.n_noise == int((~kept).sum())
    assert scores.noise_share == pytest.approx((~kept).mean())
    assert scores.silhouette == pytest.approx(silhouette_score(points[kept], labels[kept]))
    assert scores.calinski_harabasz == pytest.approx(
        calinski_harabasz_score(points[kept], labels[kept])
    )
    assert scores.davies_bouldin == pytest.approx(davies_bouldin_score(points[kept], labels[kept]))
    assert scores.silhouette_sample_size == kept.sum()
    assert "noise excluded" in scores.note


@pytest.mark.parametrize(
    ("labels", "reason"),
    [
        ([NOISE] * 6, "every customer is noise"),
        ([0, 0, 0, NOISE, 0, 0], "there is 1"),
        ([0, 1, 2, 3, 4, 5], "each customer is its own segment"),
    ],
)
def test_unscorable_labellings_say_why(labels, reason):
    points = np.arange(12.0).reshape(6, 2)
    scores = score_labels(points, np.array(labels))
    assert scores.silhouette is None and scores.calinski_harabasz is None
    assert scores.davies_bouldin is None
    assert scores.silhouette_sample_size == 0
    assert reason in scores.note


@pytest.mark.parametrize(
    "labels", [[NOISE] * 6, [0, 0, 0, NOISE, 0, 0], [0, 1, 2, 3, 4, 5], [0, 1, 2, NOISE, 3, 4]]
)
def test_no_silhouette_values_where_they_are_undefined(labels):
    rows, values = silhouette_values(np.arange(12.0).reshape(6, 2), np.array(labels))
    assert len(rows) == 0 and len(values) == 0


def test_silhouette_values_leave_noise_out():
    points, _ = blobs(n_samples=200, centers=3, seed=31)
    labels = KMeans(n_clusters=3, n_init=2, random_state=0).fit_predict(points)
    labels[:10] = NOISE
    rows, values = silhouette_values(points, labels)
    np.testing.assert_array_equal(rows, np.arange(10, 200))
    np.testing.assert_allclose(values, silhouette_samples(points[10:], labels[10:]))


def test_stratified_silhouette_keeps_a_tiny_cluster_and_reports_the_sample():
    points, labels = big_and_tiny_clusters()
    scores = score_labels(points, labels, sample_size=500)
    rows, values = silhouette_values(points, labels, sample_size=500)

    assert 500 <= scores.silhouette_sample_size < 600
    assert f"stratified sample of {scores.silhouette_sample_size:,}" in scores.note
    assert len(rows) == scores.silhouette_sample_size
    assert set(labels[rows]) == {0, 1, 2}
    assert (labels[rows] == 2).sum() == 50
    np.testing.assert_allclose(values, silhouette_samples(points[rows], labels[rows]))


def test_sampled_silhouette_estimates_the_whole_tables():
    """The tiny cluster is 2% of customers but 14% of a 355-row sample; counted at its real
    weight, the estimate stays close to the silhouette of all rows (a plain mean over the
    sample is 0.045 too high here)."""
    points, labels = big_and_tiny_clusters()
    everyone = silhouette_score(points, labels)
    estimates = [score_labels(points, labels, seed=s, sample_size=300).silhouette for s in range(5)]
    assert np.mean(estimates) == pytest.approx(everyone, abs=0.015)
    assert max(abs(e - everyone) for e in estimates) < 0.03


def test_stratified_sample_properties():
    labels = np.repeat([0, 1, 2, 3], [5000, 300, 12, 1])
    sample = stratified_sample(labels, size=400, seed=3, min_per_cluster=50)

    assert np.all(np.diff(sample) > 0)
    counts = np.bincount(labels[sample], minlength=4)
    assert counts.tolist()[2:] == [12, 1]
    assert counts[1] == 50
    assert counts[0] == round(5000 * 400 / len(labels))
    np.testing.assert_array_equal(sample, stratified_sample(labels, 400, seed=3))
    assert len(stratified_sample(labels, len(labels))) == len(labels)
    np.testing.assert_array_equal(random_sample(10, 20), np.arange(10))
    assert len(set(random_sample(1000, 50, seed=1))) == 50


def test_sweep_matches_kmeans_for_every_k(four_blobs):
    points, _ = four_blobs
    steps = []
    sweep = sweep_k(points, 1, 7, seed=5, n_init=3, progress=lambda d, t: steps.append((d, t)))

    assert sweep.table["k"].tolist() == list(range(1, 8))
    for k in range(1, 8):
        model = KMeans(n_clusters=k, n_init=3, random_state=5).fit(points)
        row = sweep.table.set_index("k").loc[k]
        assert row["inertia"] == model.inertia_
        if k >= 2:
            assert row["silhouette"] == pytest.approx(silhouette_score(points, model.labels_))
            assert row["davies_bouldin"] == pytest.approx(
                davies_bouldin_score(points, model.labels_)
            )
    assert pd.isna(sweep.table.loc[0, "silhouette"])
    assert steps == [(i, 7) for i in range(1, 8)]
    assert sweep.silhouette_sample_size == len(points)
    assert sweep.note == ""


def test_sweep_stops_below_the_number_of_customers():
    points = np.random.default_rng(0).normal(size=(5, 2))
    sweep = sweep_k(points, 1, 10, n_init=1)
    assert sweep.table["k"].tolist() == [1, 2, 3, 4]
    assert sweep.note == "There are 5 customers, so the curves stop at k = 4 instead of 10."


def test_sweep_stops_at_the_number_of_distinct_customers_without_a_warning():
    """``two_distinct_rows.csv``: 30 customers, 2 distinct (scikit-learn warned at each k > 2)."""
    table = load_table(BAD_DATA / "two_distinct_rows.csv")
    matrix = FeaturePreprocessor(["Age", "Annual Income (k$)"]).fit_transform(table).matrix
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep = sweep_k(matrix, 1, 10, seed=0, n_init=3)
    assert sweep.table["k"].tolist() == [1, 2]
    assert sweep.note == (
        "Only 2 customers differ in the chosen features, so the curves stop at k = 2 instead of 10."
    )
    expected = KMeans(n_clusters=2, n_init=3, random_state=0).fit(matrix)
    assert sweep.table.set_index("k").loc[2, "inertia"] == expected.inertia_
    with pytest.raises(ParameterError, match=r"^Only 2 customers .*, so k cannot start at 3: "):
        sweep_k(matrix, 3, 10)


def test_distinct_customers_are_counted_beyond_the_first_rows():
    """Duplicates fill the first rows the count looks at; the other distinct rows come later."""
    points = np.vstack([np.zeros((DISTINCT_PROBE, 2)), np.repeat(np.eye(2), 50, axis=0), [[3, 3]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep = sweep_k(points, 1, 8, n_init=1)
    distinct = len(np.unique(points, axis=0))
    assert sweep.table["k"].tolist() == list(range(1, distinct + 1))
    assert sweep.note.startswith(f"Only {distinct} customers differ")
    assert sweep_k(points[DISTINCT_PROBE - 3 :], 1, 3, n_init=1).note == ""


def test_knee_of_a_falling_elbow_and_a_rising_curve():
    k = np.arange(1, 11)
    elbow = np.where(k <= 4, 100 - 22 * (k - 1), 34 - 2 * (k - 4))
    assert find_knee(k, elbow) == 4
    x = np.arange(100)
    rising = np.where(x < 80, x * 0.01, 0.8 + (x - 80) * 0.5)
    assert find_knee(x, rising) == 80


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (np.arange(10), np.arange(10) * 2.0),
        (np.arange(10), np.full(10, 3.0)),
        (np.arange(2), np.array([5.0, 1.0])),
        (np.arange(10), -(np.arange(10.0) ** 2)),
    ],
)
def test_no_knee_on_lines_flat_or_concave_curves(x, y):
    assert find_knee(x, y) is None


def test_recommendation_on_four_blobs_is_four(four_blobs):
    points, _ = four_blobs
    sweep = sweep_k(points, 1, 9, seed=0, n_init=3)
    recommendation = recommend_k(sweep)

    assert recommendation.k == 4
    assert recommendation.votes["silhouette"] == 4
    assert recommendation.votes["elbow"] == 4
    assert recommendation.reason.startswith("k=4: ")
    for criterion, vote in recommendation.votes.items():
        if vote == 4:
            assert CRITERIA[criterion] in recommendation.reason
    assert "agree" in recommendation.reason


def test_a_single_scored_k_is_not_called_an_agreement():
    """Three customers: only k = 2 can be scored, so every criterion points there by default."""
    sweep = sweep_k(np.array([[20.0, 30.0], [40.0, 60.0], [60.0, 20.0]]), 1, 10, n_init=2)
    assert sweep.table.dropna(subset=["silhouette"])["k"].tolist() == [2]
    recommendation = recommend_k(sweep)
    assert recommendation.k == 2
    assert recommendation.reason == (
        "k=2: the only k that could be scored, so there is nothing for the criteria to agree "
        "on: load more customers to compare several k."
    )


def test_recommendation_names_the_dissenting_criteria():
    sweep = sweep_k(np.random.default_rng(0).normal(size=(60, 2)), 1, 6, n_init=2)
    recommendation = recommend_k(sweep)
    for criterion, vote in recommendation.votes.items():
        if vote is not None and vote != recommendation.k:
            assert f"{CRITERIA[criterion]} at k={vote}" in recommendation.reason


def test_k_distances_are_nearest_neighbour_distances(three_blobs):
    points, _ = three_blobs
    distances = k_distances(points, min_samples=5)
    reference, _ = NearestNeighbors(n_neighbors=5).fit(points).kneighbors(points)

    np.testing.assert_allclose(distances, np.sort(reference[:, -1]))
    sampled = k_distances(points, min_samples=5, seed=1, sample_size=50)
    rows = random_sample(len(points), 50, seed=1)
    np.testing.assert_allclose(sampled, np.sort(reference[rows, -1]))


def test_k_distance_counts_the_point_itself_like_dbscan(three_blobs):
    """At eps = a point's k-distance, DBSCAN with min_samples=k makes it a core point."""
    points, _ = three_blobs
    distances, _ = NearestNeighbors(n_neighbors=5).fit(points).kneighbors(points)
    eps = float(np.median(distances[:, -1]))
    model = make_method("dbscan", eps=eps, min_samples=5).fit(points)
    np.testing.assert_array_equal(model.core_sample_mask_, distances[:, -1] <= eps)


def test_suggested_eps_recovers_the_blobs(three_blobs):
    points, truth = three_blobs
    rng = np.random.default_rng(4)
    noisy = np.vstack([points, rng.uniform(-20, 30, size=(15, 2))])
    eps = suggest_eps(k_distances(noisy, min_samples=5))
    model = make_method("dbscan", eps=eps, min_samples=5).fit(noisy)
    clustered = model.labels_[: len(points)] != NOISE

    assert model.n_clusters_ == 3
    assert clustered.mean() > 0.95
    assert adjusted_rand_score(truth[clustered], model.labels_[: len(points)][clustered]) == 1.0
    assert suggest_eps(np.array([])) is None


def test_agreement_is_sklearns_scores_and_the_crosstab():
    rng = np.random.default_rng(6)
    a = rng.integers(-1, 4, size=200)
    b = np.where(rng.random(200) < 0.7, a, rng.integers(0, 3, size=200))
    result = agreement(a, b)

    assert result.adjusted_rand == pytest.approx(adjusted_rand_score(a, b))
    assert result.adjusted_mutual_info == pytest.approx(adjusted_mutual_info_score(a, b))
    pd.testing.assert_frame_equal(
        result.contingency, pd.crosstab(pd.Series(a, name="a"), pd.Series(b, name="b"))
    )
    assert result.contingency.to_numpy().sum() == 200


def test_identical_segmentations_up_to_numbering_agree_fully():
    labels = np.array([0, 0, 1, 1, 2, 2, NOISE])
    renamed = np.array([2, 2, 0, 0, 1, 1, NOISE])
    result = agreement(labels, renamed)
    assert result.adjusted_rand == 1.0
    assert result.adjusted_mutual_info == pytest.approx(1.0)


@PROPERTY
@given(
    data=st.integers(3, 40).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (n, 2), elements=st.integers(-20, 20).map(float)),
            arrays(np.int64, n, elements=st.integers(-1, 4)),
        )
    )
)
def test_scores_of_any_labelling_are_sklearns_or_absent(data):
    points, labels = data
    kept = labels != NOISE
    n_clusters = len(np.unique(labels[kept]))
    scores = score_labels(points, labels)

    assert scores.n_noise == int((~kept).sum())
    assert scores.n_clusters == n_clusters
    if not 2 <= n_clusters < kept.sum():
        assert scores.silhouette is None and scores.note
        return
    assert scores.silhouette == pytest.approx(silhouette_score(points[kept], labels[kept]))
    assert scores.calinski_harabasz == pytest.approx(
        calinski_harabasz_score(points[kept], labels[kept])
    )
    assert scores.davies_bouldin == pytest.approx(davies_bouldin_score(points[kept], labels[kept]))


def test_scores_of_hundreds_of_segments_are_sklearns():
    """The one-pass Calinski-Harabasz and Davies-Bouldin (scikit-learn loops over segments),
    on 400 segments with ids 0, 7, 14, ... and on text labels."""
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 400, 20_000) * 7
    points = rng.normal(size=(20_000, 3)) + (labels[:, None] % 13)
    words = np.array(["north", "south", "east"])[labels % 3]
    for grouping in (labels, words):
        assert calinski_harabasz(points, grouping) == pytest.approx(
            calinski_harabasz_score(points, grouping), rel=1e-9
        )
        assert davies_bouldin(points, grouping) == pytest.approx(
            davies_bouldin_score(points, grouping), rel=1e-9
        )


@pytest.mark.parametrize(
    ("n_rows", "n_features", "expected"),
    [
        (200, 2, 5),  # the sample: 5, the usual minimum
        (200, 3, 6),  # 2 x features
        (8_950, 17, 34),  # 2 x features
        (1_000, 2, 11),  # sqrt(n) / 3
        (10_000, 2, 33),
        (100_000, 3, 105),
        (1_000_000, 2, 1_000),  # n / 1000
        (50_000_000, 2, 1_000),  # at most the parameter's 1000
        (440, 800, 1_000),
        (0, 2, 5),
    ],
)
def test_suggested_min_samples_follows_the_documented_rule(n_rows, n_features, expected):
    assert suggest_min_samples(n_rows, n_features) == expected
    assert type(suggest_min_samples(n_rows, n_features)) is int


def test_the_bundled_sample_keeps_min_samples_5_and_eps_030():
    prepared = FeaturePreprocessor([INCOME, SPENDING]).fit_transform(load_sample())
    min_samples = suggest_min_samples(*prepared.matrix.shape)

    assert min_samples == 5
    assert suggest_eps(k_distances(prepared.matrix, min_samples)) == pytest.approx(0.30, abs=0.01)


@pytest.mark.parametrize("dims", [2, 3])
@pytest.mark.parametrize("n_rows", [200, 10_000])
def test_suggested_min_samples_keeps_a_mall_like_table_at_about_five_segments(n_rows, dims):
    """Five mall segments (the benchmarks' synthetic tables): with the suggested min_samples
    and the eps suggested for it, DBSCAN finds about 5 segments; with min_samples=5 a 10,000-row
    table falls apart into dozens (and 100,000 rows into hundreds: see the benchmarks)."""
    table = mall_customers(n_rows, seed=0)
    matrix = FeaturePreprocessor(SYNTHETIC_FEATURES[dims]).fit_transform(table).matrix
    min_samples = suggest_min_samples(n_rows, dims)
    segments = dbscan_segments(matrix, min_samples)

    assert 4 <= segments <= 7
    if n_rows > 1000:
        assert min_samples > 5
        assert dbscan_segments(matrix, 5) > 2 * segments


def dbscan_segments(matrix: np.ndarray, min_samples: int) -> int:
    eps = suggest_eps(k_distances(matrix, min_samples))
    return make_method("dbscan", eps=eps, min_samples=min_samples).fit(matrix).n_clusters_
