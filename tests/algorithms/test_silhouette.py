"""The fast exact silhouette against scikit-learn's, on the real tables and on random data."""

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError
from algorithms.silhouette import silhouette_samples, silhouette_score
from tests.algorithms.conftest import SHARED_DATA

TOLERANCE = 1e-6
REAL_TABLES = {
    "Mall_Customers.csv": ["Age", "Annual Income (k$)", "Spending Score (1-100)"],
    "CC GENERAL.csv": ["BALANCE", "PURCHASES", "CREDIT_LIMIT", "PAYMENTS", "MINIMUM_PAYMENTS"],
    "Wholesale customers data.csv": ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper"],
}


def real_matrix(name: str, features: list[str]) -> np.ndarray:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"the shared dataset is not at {path.resolve()}")
    table = pd.read_csv(path)
    table.columns = table.columns.str.strip()
    return StandardScaler().fit_transform(table[features].dropna().to_numpy(dtype=float))


@pytest.mark.parametrize("name", list(REAL_TABLES))
@pytest.mark.parametrize("k", [2, 5])
def test_matches_scikit_learn_on_the_real_tables(name, k):
    matrix = real_matrix(name, REAL_TABLES[name])
    labels = KMeans(n_clusters=k, n_init=3, random_state=0).fit(matrix).labels_
    expected = metrics.silhouette_samples(matrix, labels)
    np.testing.assert_allclose(silhouette_samples(matrix, labels), expected, atol=TOLERANCE)
    assert silhouette_score(matrix, labels) == pytest.approx(
        metrics.silhouette_score(matrix, labels), abs=TOLERANCE
    )


@pytest.mark.parametrize("seed", range(4))
def test_matches_scikit_learn_with_noise_singletons_and_duplicates(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_features = rng.integers(30, 600), rng.integers(1, 6)
    matrix = rng.normal(size=(n_rows, n_features)) * rng.uniform(0.1, 1000) + rng.normal()
    matrix[: n_rows // 10] = matrix[0]  # duplicated rows: distance 0 through the expansion
    labels = rng.integers(-1, rng.integers(2, 8), n_rows)  # -1 is one more cluster to both
    labels[-3:] = [100, 101, 102]  # three singletons
    expected = metrics.silhouette_samples(matrix, labels)
    np.testing.assert_allclose(silhouette_samples(matrix, labels), expected, atol=TOLERANCE)


def test_small_blocks_give_the_same_values_as_one_block(four_blobs):
    matrix, labels = four_blobs
    whole = silhouette_samples(matrix, labels, block_bytes=1 << 30)
    np.testing.assert_allclose(silhouette_samples(matrix, labels, block_bytes=1), whole, atol=1e-12)


def test_one_row_alone_in_its_cluster_scores_zero():
    matrix = np.array([[0.0], [0.1], [0.2], [5.0]])
    values = silhouette_samples(matrix, np.array([0, 0, 0, 1]))
    assert values[3] == 0.0 and (values[:3] > 0).all()


@pytest.mark.parametrize("labels", [[0, 0, 0, 0], [0, 1, 2, 3]])
def test_undefined_silhouettes_are_refused(labels):
    with pytest.raises(ParameterError, match="2 to 3 clusters"):
        silhouette_samples(np.arange(4.0).reshape(4, 1), np.array(labels))


def test_thousands_of_clusters_sum_through_a_sparse_matrix(monkeypatch):
    """DBSCAN micro-segments: the one-hot matrix goes sparse above its budget (lowered here)."""
    monkeypatch.setattr("algorithms.silhouette.DENSE_MEMBERS_BYTES", 0)
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(900, 2))
    labels = rng.integers(-1, 300, 900)
    expected = metrics.silhouette_samples(matrix, labels)
    np.testing.assert_allclose(silhouette_samples(matrix, labels), expected, atol=TOLERANCE)
