"""Bootstrap stability: real segments reappear, over-split ones do not."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from algorithms.errors import ParameterError
from algorithms.methods import make_method
from algorithms.sampling import stratified_sample
from algorithms.segmentation import SegmentationSpec
from algorithms.stability import (
    Stability,
    bootstrap_stability,
    segmentation_stability,
)
from tests.algorithms.helpers import best_jaccard


def kmeans(k):
    return lambda: make_method("kmeans", n_clusters=k, n_init=2, random_state=0)


def test_clean_three_blobs_are_stable(three_blobs):
    points, _ = three_blobs
    labels = kmeans(3)().fit(points).labels_
    result = bootstrap_stability(points, labels, kmeans(3), n_resamples=8, seed=0)

    assert set(result.jaccard_by_cluster) == {0, 1, 2}
    assert all(score > 0.9 for score in result.jaccard_by_cluster.values())
    assert result.mean_adjusted_rand > 0.9
    assert result.n_resamples == 8
    assert result.customers == len(points)


def test_eight_segments_on_three_blobs_are_not_all_stable(three_blobs):
    points, _ = three_blobs
    labels = kmeans(8)().fit(points).labels_
    result = bootstrap_stability(points, labels, kmeans(8), n_resamples=8, seed=0)

    assert len(result.jaccard_by_cluster) == 8
    assert min(result.jaccard_by_cluster.values()) < 0.9


def test_same_seed_same_result(three_blobs):
    points, _ = three_blobs
    labels = kmeans(5)().fit(points).labels_
    first = bootstrap_stability(points, labels, kmeans(5), n_resamples=5, seed=3)
    again = bootstrap_stability(points, labels, kmeans(5), n_resamples=5, seed=3)
    assert first == again


def test_noise_is_not_a_segment(three_blobs):
    points, _ = three_blobs

    def dbscan():
        return make_method("dbscan", eps=0.5, min_samples=5)

    labels = dbscan().fit(points).labels_
    assert (labels == -1).any()
    result = bootstrap_stability(points, labels, dbscan, n_resamples=4, seed=0)
    assert -1 not in result.jaccard_by_cluster


def test_mean_adjusted_rand_is_over_the_resampled_customers(three_blobs):
    points, _ = three_blobs
    labels = kmeans(3)().fit(points).labels_
    result = bootstrap_stability(points, labels, kmeans(3), n_resamples=3, seed=7)

    rng = np.random.default_rng(7)
    expected = []
    for _ in range(3):
        rows = rng.choice(len(points), size=len(points), replace=True)
        refit = kmeans(3)().fit(points[rows]).labels_
        expected.append(adjusted_rand_score(labels[rows], refit))
    assert result.mean_adjusted_rand == pytest.approx(np.mean(expected))


def test_best_jaccard_is_over_distinct_customers():
    rows = np.array([0, 0, 1, 2, 3, 3, 4])
    in_cluster = np.array([True, True, True, False, False, False, False])
    refit = np.array([5, 5, 5, 5, 6, 6, -1])
    # original members {0, 1}; refit cluster 5 holds {0, 1, 2}: Jaccard 2/3
    assert best_jaccard(rows, in_cluster, refit) == pytest.approx(2 / 3)
    assert best_jaccard(rows, np.zeros(7, dtype=bool), refit) == 0.0


def test_progress_is_reported_after_each_refit(three_blobs):
    points, _ = three_blobs
    labels = kmeans(3)().fit(points).labels_
    reports = []
    with_progress = bootstrap_stability(
        points,
        labels,
        kmeans(3),
        n_resamples=4,
        seed=0,
        progress=lambda *step: reports.append(step),
    )
    assert reports == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert with_progress == bootstrap_stability(points, labels, kmeans(3), n_resamples=4, seed=0)


def spec(method: str, seed: int = 0, **params) -> SegmentationSpec:
    return SegmentationSpec(("x", "y"), method, params, seed=seed)


def test_a_spec_is_refitted_with_its_own_parameters_and_seed(three_blobs):
    points, _ = three_blobs
    chosen = spec("kmeans", seed=3, n_clusters=4, n_init=2)
    labels = make_method("kmeans", n_clusters=4, n_init=2, random_state=3).fit(points).labels_

    result = segmentation_stability(points, labels, chosen, n_resamples=3)

    def same_model():
        return make_method("kmeans", n_clusters=4, n_init=2, random_state=3)

    assert result == bootstrap_stability(points, labels, same_model, n_resamples=3, seed=3)
    assert result.customers == len(points)


def test_a_large_table_is_resampled_from_a_stratified_sample(rng):
    """A 1% segment keeps customers in the sample, and the result is exactly the bootstrap of
    that sample."""
    centres = np.repeat([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]], [1_500, 1_470, 30], axis=0)
    points = centres + rng.normal(scale=0.5, size=centres.shape)
    chosen = spec("kmeans", n_clusters=3, n_init=2)
    labels = make_method("kmeans", **chosen.method_params()).fit(points).labels_
    reports = []

    result = segmentation_stability(
        points,
        labels,
        chosen,
        n_resamples=3,
        sample_size=300,
        progress=lambda *s: reports.append(s),
    )

    rows = stratified_sample(labels, 300, seed=0)
    assert len(rows) < len(points) and result.customers == len(rows)
    expected = bootstrap_stability(
        points[rows], labels[rows], lambda: make_method("kmeans", **chosen.method_params()), 3, 0
    )
    assert result == expected
    assert set(result.jaccard_by_cluster) == {0, 1, 2}
    assert (labels[rows] == 2).sum() == 30  # the small segment is there, whole
    assert reports == [(1, 3), (2, 3), (3, 3)]


def test_dbscan_is_resampled_from_every_customer_whatever_the_cap(three_blobs):
    """A sample would be sparser than the table, and eps describes the table's density."""
    points, _ = three_blobs
    chosen = spec("dbscan", eps=0.5, min_samples=5)
    labels = make_method("dbscan", **chosen.method_params()).fit(points).labels_

    result = segmentation_stability(points, labels, chosen, n_resamples=3, sample_size=100)

    assert result.customers == len(points)
    expected = bootstrap_stability(
        points, labels, lambda: make_method("dbscan", eps=0.5, min_samples=5), 3, 0
    )
    assert result == expected


def test_noise_only_results_and_failing_refits_are_parameter_errors(three_blobs):
    points, _ = three_blobs
    with pytest.raises(ParameterError, match="Every customer is noise"):
        segmentation_stability(points, np.full(len(points), -1), spec("dbscan", eps=0.01))
    six = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0], [11, 0], [12, 0]])
    chosen = spec("kmeans", n_clusters=5, n_init=1)
    labels = make_method("kmeans", **chosen.method_params()).fit(six).labels_
    with pytest.raises(ParameterError, match="bootstrap resamples .* K-Means with k=5"):
        segmentation_stability(six, labels, chosen, n_resamples=5)
    with pytest.raises(ParameterError, match="at least 1 resample"):
        segmentation_stability(six, labels, chosen, n_resamples=0)


def test_segments_are_graded_at_the_thresholds():
    result = Stability({0: 0.9, 1: 0.75, 2: 0.74, 3: 0.5, 4: 0.49}, 0.6, 10, 200)
    assert result.clusters_by_grade() == {
        "stable": [0, 1],
        "doubtful": [2, 3],
        "dissolving": [4],
    }
    assert result.as_dict()["jaccard_by_cluster"] == {
        "0": 0.9,
        "1": 0.75,
        "2": 0.74,
        "3": 0.5,
        "4": 0.49,
    }
