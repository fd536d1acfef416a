"""Shared test data and settings.

Property tests are few-example and deadline-free: the suite runs on a small shared machine
where a first fit can be slow for reasons unrelated to the code under test.
"""

import numpy as np
from hypothesis import HealthCheck, settings
from sklearn.datasets import make_blobs

from algorithms.methods import NOISE
from algorithms.stability import best_jaccards

INCOME = "Annual Income (k$)"
SPENDING = "Spending Score (1-100)"

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def blobs(n_samples=300, centers=3, cluster_std=0.5, seed=0, n_features=2):
    """Gaussian blobs: (points, true labels)."""
    return make_blobs(
        n_samples=n_samples,
        centers=centers,
        n_features=n_features,
        cluster_std=cluster_std,
        center_box=(-10, 10),
        random_state=seed,
    )


def best_jaccard(rows, in_cluster, refit) -> float:
    """``best_jaccards`` of one cluster given by which of ``rows`` belong to it."""
    rows = np.asarray(rows, dtype=np.int64)
    codes = np.full(int(rows.max(initial=-1)) + 1, NOISE)
    codes[rows[np.asarray(in_cluster, dtype=bool)]] = 0
    return float(best_jaccards(rows, codes, refit, 1)[0])
