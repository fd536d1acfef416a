"""Cluster matching: the overlap table against pandas, the assignment against brute force."""

from itertools import permutations

import numpy as np
import pandas as pd

from algorithms.matching import contingency, match_by_distance, match_by_overlap


def test_contingency_equals_pandas_crosstab_and_ignores_noise():
    rng = np.random.default_rng(1)
    labels, reference = rng.integers(-1, 6, 5_000), rng.integers(-1, 4, 5_000)
    ours, theirs = list(range(6)), list(range(4))
    expected = pd.crosstab(labels, reference).loc[ours, theirs].to_numpy()
    np.testing.assert_array_equal(contingency(labels, reference, ours, theirs), expected)


def test_overlap_matching_recovers_a_permutation_with_noise():
    rng = np.random.default_rng(2)
    reference = rng.integers(0, 5, 2_000)
    permutation = np.array([3, 0, 4, 1, 2])
    labels = permutation[reference]
    labels[rng.random(2_000) < 0.05] = -1
    assert match_by_overlap(reference, labels) == {int(permutation[c]): c for c in range(5)}


def test_distance_matching_is_the_cheapest_assignment_and_respects_the_cap():
    rng = np.random.default_rng(3)
    reference, centers = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    best = min(
        permutations(range(4)),
        key=lambda p: sum(np.linalg.norm(centers[i] - reference[p[i]]) for i in range(4)),
    )
    assert match_by_distance(reference, centers) == dict(enumerate(best))
    far = match_by_distance(reference, centers + 100, max_distance=1.0)
    assert far == {}
