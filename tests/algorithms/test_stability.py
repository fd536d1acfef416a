"""Bootstrap stability: real segments reappear, over-split ones do not."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from algorithms.methods import make_method
from algorithms.stability import _best_jaccard, bootstrap_stability


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
    assert _best_jaccard(rows, in_cluster, refit) == pytest.approx(2 / 3)
    assert _best_jaccard(rows, np.zeros(7, dtype=bool), refit) == 0.0
