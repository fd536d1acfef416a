"""DBSCAN's ``auto`` choice between scikit-learn and the dbscan package, and its memory guard."""

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs
from sklearn.neighbors import NearestNeighbors

from algorithms.errors import ParameterError
from algorithms.methods import dbscan as dbscan_module
from algorithms.methods.dbscan import DBSCANMethod, sklearn_memory_estimate


@pytest.fixture
def blobs_3d():
    matrix, _ = make_blobs(3_000, n_features=3, centers=4, cluster_std=0.5, random_state=3)
    return matrix


def test_memory_estimate_follows_the_neighbour_count(blobs_3d):
    eps = 0.4
    neighbours = NearestNeighbors(radius=eps).fit(blobs_3d).radius_neighbors(blobs_3d)[1]
    exact = sum(len(n) for n in neighbours) * 8
    estimate = sklearn_memory_estimate(blobs_3d, eps)
    assert 0.8 * exact < estimate < 1.2 * exact


def test_auto_stays_exact_on_three_features_when_memory_allows(blobs_3d, monkeypatch):
    monkeypatch.setattr(dbscan_module, "FAST_MIN_ROWS", 1_000)
    model = DBSCANMethod(eps=0.4, min_samples=5).fit(blobs_3d)
    reference = DBSCAN(eps=0.4, min_samples=5).fit(blobs_3d)
    assert model.note_ == ""
    assert np.array_equal(model.labels_ == -1, reference.labels_ == -1)
    assert model.core_sample_mask_.sum() == len(reference.core_sample_indices_)


def test_auto_switches_to_linear_memory_over_the_budget(blobs_3d, monkeypatch):
    monkeypatch.setattr(dbscan_module, "FAST_MIN_ROWS", 1_000)
    monkeypatch.setattr(dbscan_module, "SKLEARN_MEMORY_BUDGET", 1_000)
    model = DBSCANMethod(eps=0.4, min_samples=5).fit(blobs_3d)
    assert "dbscan package" in model.note_ and "noise" in model.note_


def test_two_features_use_the_exact_package_on_large_tables(monkeypatch):
    matrix, _ = make_blobs(3_000, n_features=2, centers=4, cluster_std=0.5, random_state=3)
    monkeypatch.setattr(dbscan_module, "FAST_MIN_ROWS", 1_000)
    model = DBSCANMethod(eps=0.3, min_samples=5).fit(matrix)
    reference = DBSCAN(eps=0.3, min_samples=5).fit(matrix)
    assert "dbscan package" in model.note_ and "edge" not in model.note_
    assert np.array_equal(model.labels_ == -1, reference.labels_ == -1)


def test_refuses_a_run_that_fits_neither_path(monkeypatch):
    matrix = np.random.default_rng(0).normal(size=(2_000, 1))
    monkeypatch.setattr(dbscan_module, "FAST_MIN_ROWS", 1_000)
    monkeypatch.setattr(dbscan_module, "SKLEARN_MEMORY_BUDGET", 1_000)
    with pytest.raises(ParameterError, match="lower eps"):
        DBSCANMethod(eps=0.5).fit(matrix)
