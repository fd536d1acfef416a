"""DBSCAN, both implementations, against scikit-learn's DBSCAN run directly."""

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.metrics import adjusted_rand_score

from algorithms.diagnostics import k_distances
from algorithms.errors import ParameterError
from algorithms.methods.base import NOISE
from algorithms.methods.dbscan import DBSCANMethod
from tests.algorithms.helpers import blobs


def blobs_with_noise(n_samples, n_noise, seed):
    points, _ = blobs(n_samples=n_samples, centers=4, cluster_std=0.5, seed=seed)
    rng = np.random.default_rng(seed)
    scatter = rng.uniform(points.min(axis=0), points.max(axis=0), size=(n_noise, 2))
    return np.vstack([points, scatter])


def core_mask(reference: DBSCAN, n_rows: int) -> np.ndarray:
    mask = np.zeros(n_rows, dtype=bool)
    mask[reference.core_sample_indices_] = True
    return mask


@pytest.mark.parametrize(("eps", "min_samples"), [(0.3, 5), (0.5, 10), (0.2, 3)])
def test_sklearn_path_matches_sklearn(eps, min_samples):
    points = blobs_with_noise(400, 40, seed=0)
    ours = DBSCANMethod(implementation="sklearn", eps=eps, min_samples=min_samples).fit(points)
    reference = DBSCAN(eps=eps, min_samples=min_samples).fit(points)

    np.testing.assert_array_equal(ours.labels_ == NOISE, reference.labels_ == NOISE)
    assert adjusted_rand_score(reference.labels_, ours.labels_) == 1.0
    np.testing.assert_array_equal(ours.core_sample_mask_, core_mask(reference, len(points)))
    assert ours.n_noise_ == int((reference.labels_ == NOISE).sum())
    assert ours.n_clusters_ == len(set(reference.labels_) - {NOISE})
    assert ours.note_ == ""


@pytest.mark.parametrize(("eps", "min_samples"), [(0.25, 5), (0.4, 12), (0.15, 4)])
def test_fast_path_matches_sklearn_on_thousands_of_points(eps, min_samples):
    points = blobs_with_noise(3000, 300, seed=1)
    fast = DBSCANMethod(implementation="fast", eps=eps, min_samples=min_samples).fit(points)
    reference = DBSCAN(eps=eps, min_samples=min_samples).fit(points)

    assert "dbscan package" in fast.note_
    np.testing.assert_array_equal(fast.core_sample_mask_, core_mask(reference, len(points)))
    np.testing.assert_array_equal(fast.labels_ == NOISE, reference.labels_ == NOISE)
    assert adjusted_rand_score(reference.labels_, fast.labels_) >= 0.99


@pytest.mark.parametrize("eps", [1.0, np.sqrt(2.0), 2.0])
def test_fast_path_counts_points_at_exactly_eps_like_sklearn(eps):
    """On integer data, neighbours at exactly eps are common (and the suggested eps is a
    measured distance): both implementations must count them as within reach."""
    grid = np.random.default_rng(2).integers(0, 12, size=(600, 2)).astype(float)
    fast = DBSCANMethod(implementation="fast", eps=eps, min_samples=6).fit(grid)
    reference = DBSCAN(eps=eps, min_samples=6).fit(grid)

    np.testing.assert_array_equal(fast.core_sample_mask_, core_mask(reference, len(grid)))
    np.testing.assert_array_equal(fast.labels_ == NOISE, reference.labels_ == NOISE)


@pytest.mark.parametrize("eps", [0.05, 0.1, 0.2])
def test_fast_path_is_exact_on_two_features_even_where_density_is_borderline(eps):
    """Uniform points: many customers have close to ``min_samples`` neighbours."""
    points = np.random.default_rng(9).uniform(0, 5, size=(3000, 2))
    fast = DBSCANMethod(implementation="fast", eps=eps, min_samples=5).fit(points)
    reference = DBSCAN(eps=eps, min_samples=5).fit(points)

    np.testing.assert_array_equal(fast.core_sample_mask_, core_mask(reference, len(points)))
    np.testing.assert_array_equal(fast.labels_ == NOISE, reference.labels_ == NOISE)
    assert "3 or more features" not in fast.note_


@pytest.mark.parametrize("n_features", [3, 4, 6])
def test_fast_path_on_more_features_only_misses_a_few_core_points(n_features):
    """The package misses some neighbour pairs close to eps with 3+ features: it may leave a
    core customer as border or noise, never the reverse, and only a few of them (eps at the
    median k-distance makes half the customers barely dense, the worst case)."""
    points, _ = blobs(n_samples=4000, centers=4, cluster_std=1.0, n_features=n_features, seed=7)
    eps = float(np.quantile(k_distances(points, 8), 0.5))
    fast = DBSCANMethod(implementation="fast", eps=eps, min_samples=8).fit(points)
    reference = DBSCAN(eps=eps, min_samples=8).fit(points)
    exact_core = core_mask(reference, len(points))

    assert not (fast.core_sample_mask_ & ~exact_core).any()
    assert not ((fast.labels_ != NOISE) & (reference.labels_ == NOISE)).any()
    assert (exact_core & ~fast.core_sample_mask_).sum() <= 0.03 * exact_core.sum()
    assert adjusted_rand_score(reference.labels_, fast.labels_) >= 0.95
    assert "3 or more features" in fast.note_


def test_one_feature_falls_back_to_sklearn():
    line = np.sort(np.random.default_rng(3).normal(size=(200, 1)), axis=0)
    model = DBSCANMethod(implementation="fast", eps=0.1, min_samples=4).fit(line)
    reference = DBSCAN(eps=0.1, min_samples=4).fit(line)
    assert model.note_ == ""
    assert adjusted_rand_score(reference.labels_, model.labels_) == 1.0


def test_auto_uses_sklearn_on_small_tables():
    model = DBSCANMethod(eps=0.3, min_samples=5).fit(blobs_with_noise(200, 10, seed=4))
    assert model.note_ == ""


def test_unknown_implementation_is_a_parameter_error():
    with pytest.raises(ParameterError, match="implementation must be one of auto, fast, sklearn"):
        DBSCANMethod(implementation="fastest")


def test_noise_stays_noise_after_renumbering():
    points = blobs_with_noise(300, 60, seed=5)
    model = DBSCANMethod(eps=0.3, min_samples=5).fit(points)
    reference = DBSCAN(eps=0.3, min_samples=5).fit(points)

    assert model.n_noise_ > 0
    np.testing.assert_array_equal(
        np.flatnonzero(model.labels_ == NOISE), np.flatnonzero(reference.labels_ == NOISE)
    )
    sizes = np.bincount(model.labels_[model.labels_ != NOISE])
    assert list(sizes) == sorted(sizes, reverse=True)


def test_predict_keeps_core_points_and_rejects_far_points():
    points = blobs_with_noise(400, 40, seed=6)
    model = DBSCANMethod(eps=0.3, min_samples=5).fit(points)
    core = model.core_sample_mask_

    np.testing.assert_array_equal(model.predict(points[core]), model.labels_[core])
    far_away = points.max(axis=0) + 100
    assert model.predict(far_away[None, :]).tolist() == [NOISE]
    next_to_core = points[np.flatnonzero(core)[0]] + [0.1, 0.0]
    assert model.predict(next_to_core[None, :])[0] == model.labels_[np.flatnonzero(core)[0]]


def test_everyone_noise_has_no_clusters():
    points = np.random.default_rng(7).uniform(0, 100, size=(50, 2))
    model = DBSCANMethod(eps=0.01, min_samples=3).fit(points)

    assert model.n_clusters_ == 0
    assert model.n_noise_ == 50
    assert model.cluster_centers_.shape == (0, 2)
    assert (model.predict(points) == NOISE).all()


def test_centres_are_member_means():
    points = blobs_with_noise(300, 30, seed=8)
    model = DBSCANMethod(eps=0.3, min_samples=5).fit(points)
    for cluster in range(model.n_clusters_):
        np.testing.assert_allclose(
            model.cluster_centers_[cluster], points[model.labels_ == cluster].mean(axis=0)
        )
