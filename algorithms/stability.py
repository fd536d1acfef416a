"""Which segments are real and which are artefacts of one seed or one sample.

The method is re-fitted on bootstrap resamples of the customers. Per cluster, the clusterwise
Jaccard similarity (Hennig, 2007) says how often it reappears: above ~0.75 a segment is
stable, below ~0.5 it dissolves. Overall, the mean adjusted Rand between the original and the
re-fitted labels on the resampled customers.

``segmentation_stability`` does this for a fitted ``SegmentationSpec`` on a table of any size:
each refit is a fresh model built as ``fit_prepared`` builds it, and above
``STABILITY_SAMPLE`` customers the resamples are drawn from a sample stratified by cluster.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from algorithms.errors import ParameterError
from algorithms.methods import NOISE, ClusteringMethod, get_method, make_method
from algorithms.sampling import stratified_sample
from algorithms.segmentation import SegmentationSpec

STABILITY_SAMPLE = 5_000
"""Customers resampled at most: twenty refits of a million customers would take the better
part of an hour, and a stratified sample of this size keeps every segment to resample.

Not for methods whose parameters describe a density (``density_based``): a sample of 5 000
of a million customers is 200 times sparser, so the same eps and min_samples would find
noise where the table has segments. A bootstrap resample of the whole table keeps every
density (its repeats count as neighbours), so these are resampled from
every customer, at the cost of twenty full fits."""
STABILITY_RESAMPLES = 20
STABLE = 0.75
DISSOLVING = 0.5
GRADES = ("stable", "doubtful", "dissolving")


def grade(jaccard: float) -> str:
    """'stable' from ``STABLE`` up, 'dissolving' below ``DISSOLVING``, 'doubtful' between."""
    if jaccard >= STABLE:
        return "stable"
    return "doubtful" if jaccard >= DISSOLVING else "dissolving"


@dataclass(frozen=True)
class Stability:
    jaccard_by_cluster: dict[int, float]
    mean_adjusted_rand: float
    n_resamples: int
    customers: int
    """How many customers the resamples were drawn from (all, or the stratified sample)."""

    def clusters_by_grade(self) -> dict[str, list[int]]:
        """Each grade of ``GRADES`` with its clusters, in cluster order (empty ones kept)."""
        graded: dict[str, list[int]] = {name: [] for name in GRADES}
        for cluster, jaccard in self.jaccard_by_cluster.items():
            graded[grade(jaccard)].append(cluster)
        return graded

    def as_dict(self) -> dict:
        """JSON-ready: cluster numbers as text keys, scores rounded as reports round them."""
        return {
            "jaccard_by_cluster": {
                str(cluster): round(jaccard, 6)
                for cluster, jaccard in self.jaccard_by_cluster.items()
            },
            "mean_adjusted_rand": round(self.mean_adjusted_rand, 6),
            "n_resamples": self.n_resamples,
            "customers": self.customers,
        }


def segmentation_stability(
    matrix: np.ndarray,
    labels: np.ndarray,
    spec: SegmentationSpec,
    n_resamples: int = STABILITY_RESAMPLES,
    sample_size: int = STABILITY_SAMPLE,
    progress: Callable[[int, int], None] | None = None,
) -> Stability:
    """Stability of ``labels``, the result of fitting ``spec`` on ``matrix``.

    Every refit is ``make_method(spec.method, **spec.method_params())``: the parameters and
    the seed of the original fit. Above ``sample_size`` customers the resamples are drawn from
    a sample stratified by cluster (a plain one can lose a small segment altogether), except
    for density-based methods; ``customers`` says how many were resampled. Noise is no
    segment: a result that is all noise has nothing to check, and a refit that fails on a
    resample (k above its distinct customers) says so.
    """
    labels = np.asarray(labels)
    if n_resamples < 1:
        raise ParameterError(f"The stability check needs at least 1 resample, not {n_resamples}.")
    if not (labels != NOISE).any():
        raise ParameterError(
            "Every customer is noise with these parameters, so no segment can be checked for "
            "stability: change them (for DBSCAN a larger eps or a smaller min_samples)."
        )
    if get_method(spec.method).density_based:
        sample_size = len(labels)
    rows = stratified_sample(labels, sample_size, spec.seed)
    method, params = spec.method, spec.method_params()
    try:
        return bootstrap_stability(
            matrix[rows],
            labels[rows],
            lambda: make_method(method, **params),
            n_resamples,
            spec.seed,
            progress,
        )
    except ParameterError as error:
        raise ParameterError(
            "The stability check refits the method on bootstrap resamples (customers drawn "
            f"with replacement, about two thirds of them distinct) and one failed: {error}"
        ) from None


def bootstrap_stability(
    matrix: np.ndarray,
    labels: np.ndarray,
    make_model: Callable[[], ClusteringMethod],
    n_resamples: int = 20,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Stability:
    """``labels`` is the original result; ``make_model`` returns a fresh unfitted method;
    ``progress(step, total)`` is called after each refit."""
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
        if progress:
            progress(resample + 1, n_resamples)
    return Stability(
        jaccard_by_cluster={
            cluster: float(np.mean(jaccards[:, index]))
            for index, cluster in enumerate(clusters.tolist())
        },
        mean_adjusted_rand=float(np.mean(rand_scores)),
        n_resamples=n_resamples,
        customers=len(matrix),
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
