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
    clusters = sorted(set(labels.tolist()) - {NOISE})
    jaccards = {c: [] for c in clusters}
    rand_scores = []
    for _ in range(n_resamples):
        rows = rng.choice(len(matrix), size=len(matrix), replace=True)
        refit = make_model().fit(matrix[rows]).labels_
        original = labels[rows]
        rand_scores.append(adjusted_rand_score(original, refit))
        for cluster in clusters:
            jaccards[cluster].append(_best_jaccard(rows, original == cluster, refit))
    return Stability(
        jaccard_by_cluster={c: float(np.mean(v)) for c, v in jaccards.items()},
        mean_adjusted_rand=float(np.mean(rand_scores)),
        n_resamples=n_resamples,
    )


def _best_jaccard(rows, in_cluster, refit) -> float:
    """Best Jaccard between one original cluster and any re-fitted cluster, on distinct rows."""
    members = set(rows[in_cluster].tolist())
    if not members:
        return 0.0
    best = 0.0
    for candidate in set(refit.tolist()) - {NOISE}:
        other = set(rows[refit == candidate].tolist())
        best = max(best, len(members & other) / len(members | other))
    return best
