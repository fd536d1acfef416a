"""K-Means against scikit-learn's KMeans run directly on the same data."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from algorithms.errors import ParameterError
from algorithms.methods import make_method
from algorithms.segmentation import SegmentationSpec, run_segmentation
from tests.algorithms.helpers import INCOME, SPENDING, blobs


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_same_partition_and_inertia_as_sklearn(init):
    points, _ = blobs(n_samples=400, centers=5, cluster_std=1.5, seed=3)
    ours = make_method("kmeans", n_clusters=5, init=init, n_init=4, random_state=7).fit(points)
    reference = KMeans(n_clusters=5, init=init, n_init=4, random_state=7).fit(points)

    assert adjusted_rand_score(reference.labels_, ours.labels_) == 1.0
    assert ours.inertia_ == reference.inertia_
    assert ours.n_iter_ == reference.n_iter_
    assert ours.n_clusters_ == 5
    assert ours.n_noise_ == 0


def test_centres_are_sklearns_in_size_order():
    points, _ = blobs(n_samples=500, centers=4, cluster_std=1.0, seed=4)
    ours = make_method("kmeans", n_clusters=4, random_state=0).fit(points)
    reference = KMeans(n_clusters=4, n_init=10, random_state=0).fit(points)

    for cluster in range(4):
        members = ours.labels_ == cluster
        (sklearn_label,) = np.unique(reference.labels_[members])
        np.testing.assert_array_equal(
            ours.cluster_centers_[cluster], reference.cluster_centers_[sklearn_label]
        )
    sizes = np.bincount(ours.labels_)
    assert list(sizes) == sorted(sizes, reverse=True)


@pytest.mark.parametrize("scaling", ["standard", "minmax", "robust", "none"])
def test_centroids_in_original_units_are_member_means(mall, scaling):
    spec = SegmentationSpec((INCOME, SPENDING), "kmeans", {"n_clusters": 5}, scaling=scaling)
    result = run_segmentation(mall, spec)

    member_means = mall[[INCOME, SPENDING]].groupby(result.labels).mean()
    np.testing.assert_allclose(result.centroids().to_numpy(), member_means.to_numpy(), rtol=1e-9)


def test_predict_on_training_rows_reproduces_labels():
    points, _ = blobs(n_samples=300, centers=4, cluster_std=2.0, seed=5)
    model = make_method("kmeans", n_clusters=4, random_state=1).fit(points)
    reference = KMeans(n_clusters=4, n_init=10, random_state=1).fit(points)

    np.testing.assert_array_equal(model.predict(points), model.labels_)
    new_points = np.random.default_rng(0).uniform(-12, 12, size=(50, 2))
    assert adjusted_rand_score(reference.predict(new_points), model.predict(new_points)) == 1.0


def test_more_segments_than_customers_is_a_parameter_error():
    with pytest.raises(
        ParameterError,
        match=r"k=6 needs at least 6 customers.*has 4: lower k to 4 or fewer, or load more "
        r"customers\.$",
    ):
        make_method("kmeans", n_clusters=6).fit(np.arange(8.0).reshape(4, 2))


def test_one_customer_is_told_to_load_more_not_to_lower_k():
    with pytest.raises(ParameterError, match=r"the table has 1: load more customers\.$"):
        make_method("kmeans", n_clusters=2).fit(np.array([[1.0, 2.0]]))


def test_one_segment_is_everyone():
    points = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]}).to_numpy()
    model = make_method("kmeans", n_clusters=1).fit(points)
    np.testing.assert_array_equal(model.labels_, [0, 0, 0])
    np.testing.assert_allclose(model.cluster_centers_, [points.mean(axis=0)])
