"""Honest eps: the k-distance knee on skewed data, and what DBSCAN makes of it, on the public
tables, against scikit-learn's NearestNeighbors and DBSCAN run directly."""

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import skewed_k_distances, suggest_eps
from algorithms.eps_check import EPS_SCAN_QUANTILES, check_eps

CC_FEATURES = ["BALANCE", "PURCHASES"]
SPEND = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
MALL = ["Annual Income (k$)", "Spending Score (1-100)"]


def sorted_k_distances(matrix: np.ndarray, min_samples: int) -> np.ndarray:
    distances, _ = NearestNeighbors(n_neighbors=min_samples).fit(matrix).kneighbors(matrix)
    return np.sort(distances[:, -1])


def chord_knee(y: np.ndarray) -> int:
    """Index of the point farthest below the chord of a rising curve, on the unit square."""
    x = np.linspace(0, 1, len(y))
    y = (y - y.min()) / np.ptp(y)
    return int(np.argmax(x * y[-1] + (1 - x) * y[0] - y))


@pytest.fixture(scope="module")
def cc_matrix(cc_general):
    return StandardScaler().fit_transform(cc_general[CC_FEATURES])


def test_cc_generals_k_distances_are_skewed_the_malls_are_not(cc_matrix, mall):
    cc = sorted_k_distances(cc_matrix, 5)
    assert cc.max() > 10 * np.median(cc[cc > 0])
    assert skewed_k_distances(cc)
    mall_distances = sorted_k_distances(StandardScaler().fit_transform(mall[MALL]), 5)
    assert mall_distances.max() <= 10 * np.median(mall_distances)
    assert not skewed_k_distances(mall_distances)
    assert suggest_eps(mall_distances) == pytest.approx(mall_distances[chord_knee(mall_distances)])


def test_on_a_skewed_curve_the_knee_is_found_on_the_log_of_the_distances(cc_matrix):
    distances = sorted_k_distances(cc_matrix, 5)
    positive = distances[distances > 0]
    expected = positive[chord_knee(np.log(positive))]
    linear = distances[chord_knee(distances)]
    assert suggest_eps(distances) == pytest.approx(expected)
    assert expected < linear  # the linear knee drifts into the tail


def test_one_segment_on_wholesale_spend_is_said_plainly(wholesale):
    matrix = StandardScaler().fit_transform(wholesale[SPEND])
    eps = suggest_eps(sorted_k_distances(matrix, 12))
    labels = DBSCAN(eps=eps, min_samples=12).fit(matrix).labels_
    assert len(set(labels) - {-1}) == 1
    checked = check_eps(matrix, eps, 12)
    assert checked.n_clusters == 1
    assert checked.noise_share == pytest.approx((labels == -1).mean())
    assert checked.advice.startswith(f"eps {eps:.3g} gives one segment: ")
    # the finding: no eps along the curve gives two segments with neither over 90 % nor < 1 %
    for eps_tried in np.quantile(sorted_k_distances(matrix, 12), EPS_SCAN_QUANTILES):
        tried = DBSCAN(eps=eps_tried, min_samples=12).fit(matrix).labels_
        sizes = np.bincount(tried[tried != -1]) if (tried != -1).any() else np.array([])
        shares = sizes / sizes.sum() if sizes.sum() else sizes
        assert (
            len(sizes) < 2
            or shares.max() > 0.9
            or shares.min() < 0.01
            or ((tried == -1).mean() > 0.3)
        )
    assert "no eps along the k-distance curve" in checked.advice


def test_a_working_eps_gets_no_advice(mall):
    matrix = StandardScaler().fit_transform(mall[MALL])
    checked = check_eps(matrix, 0.5, 5)
    labels = DBSCAN(eps=0.5, min_samples=5).fit(matrix).labels_
    assert checked.n_clusters == len(set(labels) - {-1}) > 1
    assert (labels == -1).mean() <= 0.3 and checked.advice == ""


def test_too_much_noise_is_said(mall):
    matrix = StandardScaler().fit_transform(mall[MALL])
    checked = check_eps(matrix, 0.15, 5)
    labels = DBSCAN(eps=0.15, min_samples=5).fit(matrix).labels_
    assert (labels == -1).mean() > 0.3
    assert "noise" in checked.advice and checked.advice.startswith("eps 0.15 gives")


def test_no_check_above_the_row_cap(monkeypatch):
    """scikit-learn's DBSCAN holds every neighbourhood: above the cap (50 000) the check is
    not made at all, rather than run out of memory on a million customers."""
    import algorithms.eps_check as eps_check

    matrix = np.random.default_rng(0).normal(size=(300, 2))
    assert check_eps(matrix, 0.3, 5) is not None
    monkeypatch.setattr(eps_check, "MAX_ROWS", 299)
    monkeypatch.setattr(eps_check, "DBSCAN", None)  # a fit would fail here
    assert check_eps(matrix, 0.3, 5) is None
