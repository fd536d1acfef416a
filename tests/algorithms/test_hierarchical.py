"""Hierarchical clustering against scikit-learn's AgglomerativeClustering and scipy's tree cuts."""

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import cut_tree, fcluster, linkage
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError
from algorithms.methods import make_method
from algorithms.methods.base import nearest_center
from algorithms.methods.hierarchical import HierarchicalMethod, cut_into, height_for
from tests.algorithms.helpers import INCOME, SPENDING, blobs

LINKAGES = ["ward", "complete", "average", "single"]


@pytest.mark.parametrize("method", LINKAGES)
def test_same_partition_as_sklearn_on_separated_blobs(method):
    points, truth = blobs(n_samples=240, centers=4, cluster_std=0.4, seed=10)
    ours = make_method("hierarchical", n_clusters=4, linkage=method).fit(points)
    reference = AgglomerativeClustering(n_clusters=4, linkage=method).fit(points)

    assert adjusted_rand_score(reference.labels_, ours.labels_) == 1.0
    assert adjusted_rand_score(truth, ours.labels_) == 1.0
    assert ours.n_clusters_ == 4
    assert ours.note_ == ""


@pytest.mark.parametrize("method", LINKAGES)
def test_tree_has_scipys_merge_heights(method):
    points, _ = blobs(n_samples=120, centers=3, cluster_std=1.5, seed=11)
    model = make_method("hierarchical", n_clusters=3, linkage=method).fit(points)
    np.testing.assert_allclose(
        model.linkage_matrix_[:, 2], linkage(points, method=method)[:, 2], rtol=1e-9
    )


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("quantile", [0.9, 0.97, 0.995])
def test_cut_by_distance_matches_scipy_fcluster(method, quantile):
    points, _ = blobs(n_samples=150, centers=5, cluster_std=1.2, seed=12)
    tree = linkage(points, method=method)
    threshold = float(np.quantile(tree[:, 2], quantile))
    model = make_method("hierarchical", linkage=method, distance_threshold=threshold).fit(points)
    reference = fcluster(tree, t=threshold, criterion="distance")

    assert adjusted_rand_score(reference, model.labels_) == 1.0
    assert model.n_clusters_ == len(np.unique(reference))
    assert model.cut_height_ == threshold


@pytest.mark.parametrize("method", LINKAGES)
def test_cut_line_separates_the_k_segments(method):
    points, _ = blobs(n_samples=150, centers=4, cluster_std=1.0, seed=13)
    model = make_method("hierarchical", n_clusters=4, linkage=method).fit(points)
    at_line = fcluster(model.linkage_matrix_, t=model.cut_height_, criterion="distance")
    assert adjusted_rand_score(at_line, model.labels_) == 1.0


@pytest.mark.parametrize("method", LINKAGES)
def test_exactly_k_segments_when_merge_heights_tie(method):
    """Integer-valued features make many merges tie (single linkage above all): a cut at a
    height would merge them all at once and return fewer segments than asked for."""
    grid = np.random.default_rng(14).integers(0, 6, size=(80, 2)).astype(float)
    for k in range(1, 10):
        model = make_method("hierarchical", n_clusters=k, linkage=method).fit(grid)
        reference = apply_first_merges(model.linkage_matrix_, k)
        assert model.n_clusters_ == k
        assert adjusted_rand_score(reference, model.labels_) == 1.0


def apply_first_merges(tree: np.ndarray, n_clusters: int) -> np.ndarray:
    """The definition of a cut into k segments, step by step: perform the first n - k merges.
    (scipy's ``cut_tree`` is no reference here: it mislabels some trees with tied heights.)"""
    n_rows = len(tree) + 1
    members = {row: [row] for row in range(n_rows)}
    for step in range(n_rows - n_clusters):
        left, right = int(tree[step, 0]), int(tree[step, 1])
        members[n_rows + step] = members.pop(left) + members.pop(right)
    labels = np.empty(n_rows, dtype=int)
    for label, rows in enumerate(members.values()):
        labels[rows] = label
    return labels


def test_cut_into_matches_scipy_cut_tree_at_every_k():
    points, _ = blobs(n_samples=60, centers=3, cluster_std=2.0, seed=15)
    tree = linkage(points, method="average")
    for k in range(1, 61):
        assert adjusted_rand_score(cut_tree(tree, n_clusters=k).ravel(), cut_into(tree, k)) == 1.0


def test_predict_on_training_rows_reproduces_labels():
    points, _ = blobs(n_samples=200, centers=4, cluster_std=0.5, seed=16)
    model = make_method("hierarchical", n_clusters=4).fit(points)
    np.testing.assert_array_equal(model.predict(points), model.labels_)


@pytest.mark.parametrize("method", LINKAGES)
def test_predict_reproduces_the_tree_cut_on_the_mall_customers(mall, method):
    """Income x spending, standard-scaled, cut into 5: the nearest cluster centre would move
    a few customers to another segment; the nearest tree customer moves none."""
    matrix = StandardScaler().fit_transform(mall[[INCOME, SPENDING]].to_numpy(dtype=float))
    model = make_method("hierarchical", n_clusters=5, linkage=method).fit(matrix)
    reference = AgglomerativeClustering(n_clusters=5, linkage=method).fit(matrix).labels_

    assert adjusted_rand_score(reference, model.labels_) == 1.0
    np.testing.assert_array_equal(model.predict(matrix), model.labels_)
    assert (nearest_center(matrix, model.cluster_centers_) != model.labels_).any()


def test_new_customers_take_the_segment_of_their_nearest_tree_customer():
    points, _ = blobs(n_samples=150, centers=3, cluster_std=2.0, seed=23)
    model = make_method("hierarchical", n_clusters=3, linkage="average").fit(points)
    newcomers = np.random.default_rng(23).uniform(-15, 15, size=(500, 2))
    nearest = KNeighborsClassifier(n_neighbors=1).fit(points, model.labels_)

    np.testing.assert_array_equal(model.predict(newcomers), nearest.predict(newcomers))
    assert model.predict(np.empty((0, 2))).shape == (0,)


@pytest.mark.parametrize("method", LINKAGES)
def test_sampled_tree_assigns_every_customer(method):
    points, truth = blobs(n_samples=400, centers=3, cluster_std=0.5, seed=17)
    model = HierarchicalMethod(max_exact_rows=60, n_clusters=3, linkage=method).fit(points)

    assert len(model.labels_) == 400
    assert (model.labels_ >= 0).all()
    assert len(model.sample_indices_) == 60
    assert len(model.linkage_matrix_) == 59
    assert "sample of 60 of 400" in model.note_
    assert adjusted_rand_score(truth, model.labels_) == 1.0
    np.testing.assert_array_equal(model.predict(points), model.labels_)


@pytest.mark.parametrize("method", LINKAGES)
def test_customers_outside_the_sample_take_their_nearest_sampled_customers_segment(method):
    """Overlapping blobs, where the nearest sampled customer and the nearest centre disagree."""
    points, _ = blobs(n_samples=600, centers=4, cluster_std=2.5, seed=22)
    model = HierarchicalMethod(max_exact_rows=80, n_clusters=4, linkage=method).fit(points)
    sample = model.sample_indices_
    tree_cut = cut_into(linkage(points[sample], method=method), 4)
    nearest = KNeighborsClassifier(n_neighbors=1).fit(points[sample], tree_cut)
    newcomers = np.random.default_rng(22).uniform(-15, 15, size=(300, 2))

    assert adjusted_rand_score(tree_cut, model.labels_[sample]) == 1.0
    assert adjusted_rand_score(nearest.predict(points), model.labels_) == 1.0
    assert adjusted_rand_score(nearest.predict(newcomers), model.predict(newcomers)) == 1.0
    np.testing.assert_array_equal(model.predict(points), model.labels_)
    assert model.note_.endswith(
        "every other customer takes the segment of its nearest sampled customer"
    )
    means = pd.DataFrame(points).groupby(model.labels_).mean().to_numpy()
    np.testing.assert_allclose(model.cluster_centers_, means)


def test_sample_is_seeded():
    points, _ = blobs(n_samples=300, centers=5, cluster_std=2.0, seed=18)
    first = HierarchicalMethod(max_exact_rows=50, random_state=3).fit(points)
    again = HierarchicalMethod(max_exact_rows=50, random_state=3).fit(points)
    np.testing.assert_array_equal(first.sample_indices_, again.sample_indices_)
    np.testing.assert_array_equal(first.labels_, again.labels_)


def test_refit_on_a_small_table_clears_the_sample_note():
    points, _ = blobs(n_samples=100, centers=3, seed=19)
    model = HierarchicalMethod(max_exact_rows=50, n_clusters=3).fit(points)
    assert model.note_
    model.fit(points[:40])
    assert model.note_ == ""
    assert model.sample_indices_ is None


def test_more_segments_than_customers_is_a_parameter_error():
    with pytest.raises(
        ParameterError, match=r"into 8 segments needs at least 8 .* has 5: lower k to 5 or fewer"
    ):
        make_method("hierarchical", n_clusters=8).fit(np.arange(10.0).reshape(5, 2))


def test_sample_smaller_than_k_is_a_parameter_error():
    with pytest.raises(ParameterError, match=r"max_exact_rows \(5\).*n_clusters \(8\)"):
        HierarchicalMethod(max_exact_rows=5, n_clusters=8)


def test_height_for_k_cuts_scipys_tree_into_k_or_says_none_when_merges_tie():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(60, 2))
    tree = linkage(points, method="ward")
    for k in (1, 2, 5, 17, 60):
        height = height_for(tree, k)
        assert len(np.unique(fcluster(tree, height, "distance"))) == k
    grid = np.array([[x, y] for x in range(4) for y in range(4)], dtype=float)
    tied = linkage(grid, method="single")  # every merge at 1.0
    assert height_for(tied, 5) is None
    assert height_for(tree, 0) is None and height_for(tree, 61) is None
