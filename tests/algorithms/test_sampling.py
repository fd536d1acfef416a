"""Cluster codes and stratified samples against numpy's own ``np.unique``."""

import numpy as np
import pytest

from algorithms.sampling import cluster_codes, stratified_sample


@pytest.mark.parametrize(
    "labels",
    [
        np.random.default_rng(0).integers(-1, 7, 5_000),
        np.random.default_rng(1).integers(0, 40_000, 50_000),  # codes wider than int16
        np.array([5, 5, 9, 2]),
        np.array(["b", "a", "b", "c"]),
    ],
)
def test_cluster_codes_are_those_of_np_unique(labels):
    _, expected_codes, expected_counts = np.unique(labels, return_inverse=True, return_counts=True)
    codes, counts = cluster_codes(labels)
    np.testing.assert_array_equal(codes, expected_codes.ravel())
    np.testing.assert_array_equal(counts, expected_counts)


def test_a_stratified_sample_keeps_every_cluster():
    labels = np.r_[np.zeros(100_000, dtype=int), np.ones(30, dtype=int), np.full(5, 7)]
    sample = stratified_sample(labels, 1_000, seed=3)
    assert len(sample) < 1_100 and len(np.unique(sample)) == len(sample)
    assert set(np.unique(labels[sample])) == {0, 1, 7}
    assert (labels[sample] == 7).sum() == 5 and (labels[sample] == 1).sum() == 30
