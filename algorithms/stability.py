"""Which segments are real and which are artefacts of one seed or one sample.

The method is re-fitted on bootstrap resamples of the customers. Per cluster, the clusterwise
Jaccard similarity (Hennig, 2007) says how often it reappears: above ~0.75 a segment is
stable, below ~0.5 it dissolves. Overall, the mean adjusted Rand between the original and the
re-fitted labels on the resampled customers.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from algorithms.methods import NOISE, ClusteringMethod


@dataclass(frozen=True)
class Stability:
    jaccard_by_cluster: dict[int, float]
    mean_adjusted_rand: float
    n_resamples: int


def bootstrap_stability(
    matrix: np.ndarray,
    labels: np.ndarray,
    make_model: Callable[[], ClusteringMethod],
    n_resamples: int = 20,
    seed: int = 0,
) -> Stability:
    """``labels`` is the original result; ``make_model`` returns a fresh unfitted method."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    clusters = np.unique(labels[labels != NOISE])
    codes = np.where(labels != NOISE, np.searchsorted(clusters, labels), NOISE)
    jaccards = np.zeros((n_resamples, len(clusters)))
    rand_scores = []
    for resample in range(n_resamples):
        rows = rng.choice(len(matrix), size=len(matrix), replace=True)
        refit = make_model().fit(matrix[rows]).labels_
        rand_scores.append(adjusted_rand_score(labels[rows], refit))
        jaccards[resample] = best_jaccards(rows, codes, refit, len(clusters))
    return Stability(
        jaccard_by_cluster={
            cluster: float(np.mean(jaccards[:, index]))
            for index, cluster in enumerate(clusters.tolist())
        },
        mean_adjusted_rand=float(np.mean(rand_scores)),
        n_resamples=n_resamples,
    )


def best_jaccards(
    rows: np.ndarray, codes: np.ndarray, refit: np.ndarray, n_clusters: int
) -> np.ndarray:
    """Per original cluster, the best Jaccard with any re-fitted cluster, over distinct customers.

    ``rows`` are the resampled customers (repeats included), ``codes`` the original cluster of
    every customer (0..n_clusters-1, -1 for noise), ``refit`` the new label of each of ``rows``
    (-1 for noise). A cluster none of whose customers was drawn scores 0. One pass: the sparse
    contingency of distinct (customer, new label) pairs, so thousands of clusters cost what a
    few do.
    """
    rows, codes = np.asarray(rows, dtype=np.int64), np.asarray(codes)
    new_ids, new_codes = np.unique(np.asarray(refit), return_inverse=True)
    width = len(new_ids)
    customer, new = np.divmod(np.unique(rows * width + new_codes.ravel()), width)
    clustered = new_ids[new] != NOISE
    customer, new = customer[clustered], new[clustered]
    drawn = codes[np.unique(rows)]
    member_sizes = np.bincount(drawn[drawn != NOISE], minlength=n_clusters)
    new_sizes = np.bincount(new, minlength=width)
    old = codes[customer]
    shared = old != NOISE
    cells, overlap = np.unique(old[shared] * width + new[shared], return_counts=True)
    cell_old, cell_new = np.divmod(cells, width)
    best = np.zeros(n_clusters)
    np.maximum.at(
        best, cell_old, overlap / (member_sizes[cell_old] + new_sizes[cell_new] - overlap)
    )
    return best


def _best_jaccard(rows, in_cluster, refit) -> float:
    """``best_jaccards`` of one cluster given by which of ``rows`` belong to it."""
    rows = np.asarray(rows, dtype=np.int64)
    codes = np.full(int(rows.max(initial=-1)) + 1, NOISE)
    codes[rows[np.asarray(in_cluster, dtype=bool)]] = 0
    return float(best_jaccards(rows, codes, refit, 1)[0])
