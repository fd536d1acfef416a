"""HDBSCAN against scikit-learn's run directly, its assignment of new customers and the
sample it fits on large tables."""

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError
from algorithms.methods import NOISE, make_method
from tests.algorithms.helpers import INCOME, SPENDING, blobs


@pytest.mark.parametrize(("min_cluster_size", "min_samples"), [(5, None), (8, 3), (15, 10)])
def test_labels_are_scikit_learns_up_to_renumbering(mall, min_cluster_size, min_samples):
    matrix = StandardScaler().fit_transform(mall[["Age", INCOME, SPENDING]])
    ours = make_method("hdbscan", min_cluster_size=min_cluster_size, min_samples=min_samples).fit(
        matrix
    )
    theirs = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, copy=True)
    theirs.fit(matrix)

    assert adjusted_rand_score(ours.labels_, theirs.labels_) == 1.0
    np.testing.assert_array_equal(ours.labels_ == NOISE, theirs.labels_ == -1)
    assert ours.n_clusters_ == theirs.labels_.max() + 1


def test_new_customers_join_the_nearest_member_within_its_core_distance(three_blobs):
    points, _ = three_blobs
    model = make_method("hdbscan", min_cluster_size=10, min_samples=4).fit(points)
    members = model.labels_ != NOISE
    new = np.vstack([points[members][:20] + 0.01, [[100.0, 100.0]]])

    labels = model.predict(new)

    search = NearestNeighbors(n_neighbors=1).fit(points[members])
    distance, index = search.kneighbors(new)
    core = NearestNeighbors(n_neighbors=4).fit(points).kneighbors(points[members])[0][:, -1]
    expected = np.where(
        distance[:, 0] <= core[index[:, 0]], model.labels_[members][index[:, 0]], NOISE
    )
    np.testing.assert_array_equal(labels, expected)
    assert labels[-1] == NOISE
    np.testing.assert_array_equal(model.predict(points[members]), model.labels_[members])


def test_a_large_table_is_fitted_on_a_stated_sample_and_the_rest_assigned():
    points, truth = blobs(n_samples=600, centers=[[0, 0], [9, 0], [0, 9]], seed=4)
    model = make_method("hdbscan", min_cluster_size=20, max_exact_rows=200).fit(points)

    assert "random sample of 200 of 600" in model.note_
    assert model.n_clusters_ == 3
    clustered = model.labels_ != NOISE
    assert adjusted_rand_score(model.labels_[clustered], truth[clustered]) == 1.0
    assert clustered.mean() > 0.9


def test_too_few_customers_say_what_to_lower():
    with pytest.raises(ParameterError, match="min_cluster_size=5 .* the table has 3"):
        make_method("hdbscan").fit(np.eye(3))
