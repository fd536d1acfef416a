"""The numbers that decide between segmentations: elbow and knee, silhouette,
Calinski-Harabasz, Davies-Bouldin, k-distance for DBSCAN's eps (with a min_samples that grows
with the table), agreement between two results, and a recommended k with the criteria that
support it. Everything per cluster is one pass over the rows: DBSCAN can return thousands.

Every score excludes DBSCAN's noise points (they belong to no segment) and, above
``SILHOUETTE_SAMPLE`` rows, silhouettes use a sample stratified by cluster; the sample size is
always reported next to the score.
"""

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    pairwise_distances_chunked,
)
from sklearn.neighbors import NearestNeighbors

from algorithms.errors import ParameterError
from algorithms.methods.base import NOISE, member_means
from algorithms.sampling import cluster_codes, random_sample, stratified_sample
from algorithms.silhouette import silhouette_samples
from algorithms.sweep_fits import SWEEP_FIT_ROWS, SWEEP_RESTARTS, SweepFits
from algorithms.verdict import MAX_LARGEST_SHARE, MIN_SEGMENT_SHARE, Flag, degenerate_flags

SILHOUETTE_SAMPLE = 10_000
K_DISTANCE_SAMPLE = 10_000
DISTINCT_PROBE = 10_000
MIN_SAMPLES_FLOOR = 5  # DBSCAN's usual default, and what the bundled 200-row sample needs
MIN_SAMPLES_CAP = 1000  # the DBSCAN parameter's upper bound
PER_ROW = {"compare": False, "repr": False}


@dataclass(frozen=True)
class ClusterScores:
    n_clusters: int
    n_noise: int
    noise_share: float
    silhouette: float | None
    calinski_harabasz: float | None
    davies_bouldin: float | None
    silhouette_sample_size: int
    note: str = ""
    sample_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int), **PER_ROW)
    """Which rows (positions in the labels scored) ``sample_silhouettes`` belong to."""
    sample_silhouettes: np.ndarray = field(default_factory=lambda: np.array([]), **PER_ROW)
    """Per-row silhouettes, computed once with the score: the Diagnostics plot draws them."""

    def as_dict(self) -> dict:
        """The scores for JSON reports and caches (the per-row silhouettes left out)."""
        return {each.name: getattr(self, each.name) for each in fields(self) if each.compare}


def score_labels(
    matrix: np.ndarray, labels: np.ndarray, seed: int = 0, sample_size: int = SILHOUETTE_SAMPLE
) -> ClusterScores:
    """Quality scores of one labelling, over its clustered (non-noise) points; the per-row
    silhouettes they come from are kept on the result (``sample_rows``, ``sample_silhouettes``)."""
    labels = np.asarray(labels)
    clustered = labels != NOISE
    kept, kept_labels = matrix[clustered], labels[clustered]
    base = _counts(labels)
    n_clusters, n_noise = base["n_clusters"], base["n_noise"]
    if not 2 <= n_clusters < len(kept):
        if n_clusters == 0:
            note = "scores need at least 2 segments (every customer is noise)"
        elif n_clusters == 1:
            note = "scores need at least 2 segments (there is 1)"
        else:
            note = "scores need fewer segments than customers (each customer is its own segment)"
        return ClusterScores(
            **base,
            silhouette=None,
            calinski_harabasz=None,
            davies_bouldin=None,
            silhouette_sample_size=0,
            note=note,
        )
    rows, values = silhouette_values(matrix, labels, seed, sample_size)
    note = "noise excluded from the scores" if n_noise else ""
    if len(rows) < len(kept):
        note = "; ".join(
            filter(None, [note, f"silhouette on a stratified sample of {len(rows):,}"])
        )
    return ClusterScores(
        **base,
        silhouette=_population_silhouette(kept_labels, labels[rows], values),
        calinski_harabasz=calinski_harabasz(kept, kept_labels),
        davies_bouldin=davies_bouldin(kept, kept_labels),
        silhouette_sample_size=len(rows),
        note=note,
        sample_rows=rows,
        sample_silhouettes=values,
    )


def count_labels(labels: np.ndarray) -> ClusterScores:
    """The counts of ``score_labels`` without its quality scores (all None): what a scatter
    and its note need, at once, where the silhouette would cost most of a fit's time."""
    return ClusterScores(
        **_counts(np.asarray(labels)),
        silhouette=None,
        calinski_harabasz=None,
        davies_bouldin=None,
        silhouette_sample_size=0,
        note="not scored",
    )


def _counts(labels: np.ndarray) -> dict:
    clustered = labels != NOISE
    n_noise = int((~clustered).sum())
    return {
        "n_clusters": len(cluster_codes(labels[clustered])[1]),
        "n_noise": n_noise,
        "noise_share": n_noise / len(labels) if len(labels) else 0.0,
    }


def calinski_harabasz(matrix: np.ndarray, labels: np.ndarray) -> float:
    """scikit-learn's ``calinski_harabasz_score`` in one pass over the rows: its loop over the
    clusters is O(rows x clusters), 12 s for 4,626 DBSCAN segments of a million customers."""
    codes, sizes = cluster_codes(labels)
    n_rows, n_clusters = len(matrix), len(sizes)
    centroids = member_means(matrix, codes, n_clusters)
    between = float((sizes * ((centroids - matrix.mean(axis=0)) ** 2).sum(axis=1)).sum())
    within = float(((matrix - centroids[codes]) ** 2).sum())
    return 1.0 if within == 0.0 else between * (n_rows - n_clusters) / (within * (n_clusters - 1))


def davies_bouldin(matrix: np.ndarray, labels: np.ndarray) -> float:
    """scikit-learn's ``davies_bouldin_score`` in one pass over the rows (its loop over the
    clusters is O(rows x clusters)); the centroid distances go by blocks of rows, so thousands
    of clusters never hold the whole clusters x clusters matrix."""
    codes, sizes = cluster_codes(labels)
    centroids = member_means(matrix, codes, len(sizes))
    offsets = np.linalg.norm(matrix - centroids[codes], axis=1)
    spread = np.bincount(codes, weights=offsets, minlength=len(sizes)) / sizes

    def worst_ratio(distances: np.ndarray, start: int):
        own = spread[start : start + len(distances), None]
        ratios = (own + spread) / np.where(distances == 0, np.inf, distances)
        return ratios.max(axis=1), distances.max(axis=1)

    blocks = list(pairwise_distances_chunked(centroids, reduce_func=worst_ratio))
    worst = np.concatenate([ratios for ratios, _ in blocks])
    farthest = max(float(distances.max()) for _, distances in blocks)
    if np.allclose(spread, 0.0) or np.isclose(farthest, 0.0):
        return 0.0
    return float(worst.mean())


def _population_silhouette(
    labels: np.ndarray, sampled_labels: np.ndarray, values: np.ndarray
) -> float:
    """The mean silhouette of all rows, estimated on a stratified sample: each sampled row
    stands for the rows of its cluster, so a small cluster kept whole is not over-counted."""
    _, population = cluster_codes(labels)
    clusters, sampled = np.unique(sampled_labels, return_counts=True)  # the sample has them all
    weights = (population / sampled)[np.searchsorted(clusters, sampled_labels)]
    return float(np.average(values, weights=weights))


def silhouette_values(
    matrix: np.ndarray, labels: np.ndarray, seed: int = 0, sample_size: int = SILHOUETTE_SAMPLE
) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, silhouette per row) for the clustered rows, stratified above the cap;
    empty where silhouettes are undefined (as in ``score_labels``). Exact on the rows it
    returns (``algorithms.silhouette``, scikit-learn's values several times faster)."""
    labels = np.asarray(labels)
    clustered = np.flatnonzero(labels != NOISE)
    if not 2 <= len(cluster_codes(labels[clustered])[1]) < len(clustered):
        return np.array([], dtype=int), np.array([])
    rows = clustered[stratified_sample(labels[clustered], sample_size, seed)]
    return rows, silhouette_samples(matrix[rows], labels[rows])


def find_knee(x: np.ndarray, y: np.ndarray) -> float | None:
    """The knee of a convex curve (falling elbow or rising k-distance), Kneedle-style:
    the point farthest below the chord joining the ends, on normalised axes."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    xn = (x - x.min()) / np.ptp(x)
    yn = (y - y.min()) / np.ptp(y)
    chord = yn[0] + (yn[-1] - yn[0]) * (xn - xn[0]) / (xn[-1] - xn[0])
    gap = chord - yn
    best = int(np.argmax(gap))
    return float(x[best]) if gap[best] > 0.01 else None


@dataclass(frozen=True)
class KSweep:
    """Scores of K-Means for each k in a range, with the elbow's knee."""

    table: pd.DataFrame
    knee: int | None
    silhouette_sample_size: int
    note: str = ""
    """Why the curves stop before the k asked for (too few customers, or too few that differ),
    and how K-Means was fitted when a sample stood in for a large table."""
    sizes: dict[int, dict[int, int]] = field(default_factory=dict)
    """{k: {segment: customers}}: what the verdict's degenerate flags are judged on."""
    fit_rows: int = 0
    """How many customers each K-Means fit saw: all of them, or the sample (``sweep_fits``)."""

    def best(self, column: str, skip: frozenset[int] = frozenset()) -> int | None:
        """The k with the best value of ``column``, among those not in ``skip``."""
        scored = self.table[~self.table["k"].isin(skip)].dropna(subset=[column])
        if scored.empty:
            return None
        index = scored[column].idxmin() if column == "davies_bouldin" else scored[column].idxmax()
        return int(scored.loc[index, "k"])


def sweep_k(
    matrix: np.ndarray,
    k_min: int = 1,
    k_max: int = 10,
    seed: int = 0,
    n_init: int = SWEEP_RESTARTS,
    sample_size: int = SILHOUETTE_SAMPLE,
    progress=None,
    fit_rows: int = SWEEP_FIT_ROWS,
) -> KSweep:
    """One K-Means fit per k feeds inertia and every score, so the curves agree; above
    ``SWEEP_FIT_ROWS`` customers each fit is on a random sample (``algorithms.sweep_fits``).

    The range stops below the number of customers and at the number of distinct customers
    (K-Means cannot find more segments than distinct points, and scikit-learn would warn at
    every k above); ``note`` says so, and says when the fits were sampled.
    """
    cap, reason = _largest_k(matrix, k_max)
    if cap < max(1, k_min):
        raise ParameterError(f"{reason}, so k cannot start at {k_min}: lower the k range.")
    fits = SweepFits.plan(matrix, n_init, seed, fit_rows)
    stop = f"{reason}, so the curves stop at k = {cap} instead of {k_max}." if reason else ""
    rows, sample_sizes, sizes = [], [], {}
    ks = range(max(1, k_min), cap + 1)
    for step, k in enumerate(ks):
        fitted = fits.fit(k)
        scores = score_labels(matrix, fitted.labels, seed, sample_size) if k >= 2 else None
        sizes[k] = dict(enumerate(np.bincount(fitted.labels, minlength=k).tolist()))
        rows.append(
            {
                "k": k,
                "inertia": fitted.inertia,
                "silhouette": scores.silhouette if scores else None,
                "calinski_harabasz": scores.calinski_harabasz if scores else None,
                "davies_bouldin": scores.davies_bouldin if scores else None,
            }
        )
        if scores:
            sample_sizes.append(scores.silhouette_sample_size)
        if progress:
            progress(step + 1, len(ks))
    table = pd.DataFrame(
        rows, columns=["k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin"]
    )
    knee = find_knee(table["k"], table["inertia"]) if len(table) else None
    return KSweep(
        table=table,
        knee=int(knee) if knee is not None else None,
        silhouette_sample_size=max(sample_sizes, default=0),
        note=" ".join(filter(None, [stop, fits.note])),
        sizes=sizes,
        fit_rows=len(fits.rows),
    )


def _largest_k(matrix: np.ndarray, k_max: int) -> tuple[int, str]:
    """(the largest k the sweep fits, why it is below ``k_max`` or "")."""
    n_rows = len(matrix)
    distinct = _distinct_rows(matrix, up_to=k_max)
    if distinct < min(k_max, n_rows):
        return distinct, f"Only {distinct:,} customers differ in the chosen features"
    if k_max >= n_rows:
        return n_rows - 1, f"There are {n_rows:,} customers"
    return k_max, ""


def _distinct_rows(matrix: np.ndarray, up_to: int) -> int:
    """How many rows differ, counted up to ``up_to``: the first rows usually hold that many,
    so a large table is sorted whole only when its customers are mostly duplicates."""
    if len(np.unique(matrix[:DISTINCT_PROBE], axis=0)) >= up_to:
        return up_to
    return min(up_to, len(np.unique(matrix, axis=0)))


@dataclass(frozen=True)
class KRecommendation:
    k: int
    reason: str
    votes: dict[str, int | None] = field(default_factory=dict)


CRITERIA = {
    "elbow": "the elbow's knee",
    "silhouette": "the highest silhouette",
    "calinski_harabasz": "the highest Calinski-Harabasz",
    "davies_bouldin": "the lowest Davies-Bouldin",
}


def recommend_k(
    sweep: KSweep,
    max_largest_share: float = MAX_LARGEST_SHARE,
    min_segment_share: float = MIN_SEGMENT_SHARE,
) -> KRecommendation | None:
    """The k most criteria point to, among the k whose segments are not degenerate (one
    holding more than ``max_largest_share`` of the customers, or one below
    ``min_segment_share``, as the verdict judges); ties go to the silhouette's choice.
    None when no k is left (``flagged_ks`` says why)."""
    flagged = flagged_ks(sweep, max_largest_share, min_segment_share)
    skip = frozenset(flagged)
    knee = sweep.knee if sweep.knee not in skip else None
    votes = {"elbow": knee} | {c: sweep.best(c, skip) for c in list(CRITERIA)[1:]}
    cast = [k for k in votes.values() if k is not None]
    if not cast:
        return None
    counts = pd.Series(cast).value_counts()
    leaders = counts[counts == counts.max()].index.tolist()
    k = votes["silhouette"] if votes["silhouette"] in leaders else min(leaders)
    if len(set(cast)) == 1 and _scored_ks(sweep) == 1:
        return KRecommendation(
            k=int(k),
            reason=f"k={k}: the only k that could be scored, so there is nothing for the "
            "criteria to agree on: load more customers to compare several k.",
            votes=votes,
        )
    agreeing = [CRITERIA[c] for c, v in votes.items() if v == k]
    others = [f"{CRITERIA[c]} at k={v}" for c, v in votes.items() if v is not None and v != k]
    reason = f"k={k}: {_join(agreeing)} {'agree' if len(agreeing) > 1 else 'points here'}"
    if others:
        reason += f" ({_join(others)})"
    reason += "."
    if flagged:
        reason += " " + skipped_ks_text(flagged)
    return KRecommendation(k=int(k), reason=reason, votes=votes)


def flagged_ks(
    sweep: KSweep,
    max_largest_share: float = MAX_LARGEST_SHARE,
    min_segment_share: float = MIN_SEGMENT_SHARE,
) -> dict[int, list[Flag]]:
    """{k: why its K-Means segments are degenerate} for the swept k that are (k=1 aside)."""
    flagged = {}
    for k, sizes in sweep.sizes.items():
        flags = degenerate_flags(sizes, max_largest_share, min_segment_share)
        if k >= 2 and flags:
            flagged[k] = flags
    return flagged


def skipped_ks_text(flagged: dict[int, list[Flag]]) -> str:
    """'Skipped k=4, 5 and 6 (1 segment holds less than 1 % of the customers).', one group
    per reason."""
    groups: dict[str, list[str]] = {}
    for k, flags in flagged.items():
        groups.setdefault("; ".join(f.text for f in flags), []).append(str(k))
    return "Skipped " + _join([f"k={_join(ks)} ({why})" for why, ks in groups.items()]) + "."


def _scored_ks(sweep: KSweep) -> int:
    return int(sweep.table[list(CRITERIA)[1:]].notna().any(axis=1).sum())


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def k_distances(
    matrix: np.ndarray, min_samples: int, seed: int = 0, sample_size: int = K_DISTANCE_SAMPLE
) -> np.ndarray:
    """Sorted distance from each (sampled) customer to its ``min_samples``-th neighbour,
    counting itself as DBSCAN does: the radius at which it would become a core point."""
    n_neighbors = min(min_samples, len(matrix))
    queries = matrix[random_sample(len(matrix), sample_size, seed)]
    distances, _ = NearestNeighbors(n_neighbors=n_neighbors).fit(matrix).kneighbors(queries)
    return np.sort(distances[:, -1])


def suggest_min_samples(n_rows: int, n_features: int) -> int:
    """A DBSCAN ``min_samples`` for a table of this shape, for the k-distance eps suggestion:
    ``max(2 * n_features, 5, round(sqrt(n_rows) / 3), round(n_rows / 1000))``, at most 1000.

    With a fixed min_samples, the knee of the k-distance curve sits at a radius that shrinks
    as the table grows, and DBSCAN breaks a large table into micro-segments (min_samples=5
    on 100,000 mall-like customers: 342 segments). So "dense" has to grow with the table.
    2 x features is the usual rule for the number of dimensions (Sander et al., 1998;
    Schubert et al., 2017) and 5 the usual minimum, which the 200-row sample keeps. sqrt(n)/3
    is what keeps five-segment mall-like tables of 500 to 30,000 customers at about 5
    segments (n/1000 alone leaves 6 to 27 there), and n/1000 takes over from about 110,000
    customers: a million customers get 1,000, which keeps them at 5 segments (benchmarks).
    """
    n_rows, n_features = max(int(n_rows), 0), max(int(n_features), 1)
    suggestion = max(
        2 * n_features, MIN_SAMPLES_FLOOR, round(np.sqrt(n_rows) / 3), round(n_rows / 1000)
    )
    return int(min(suggestion, MIN_SAMPLES_CAP))


SKEWED_CURVE_RATIO = 10.0
"""A k-distance curve whose largest value is this many times its median is skewed: a few
isolated customers far out, so the curve is read (and best drawn) on a log axis."""


def skewed_k_distances(distances: np.ndarray) -> bool:
    """Whether the sorted k-distances have a long tail (largest > ``SKEWED_CURVE_RATIO`` x
    median): on CC GENERAL's spend, the farthest customer is 600 times the median's distance."""
    distances = np.asarray(distances, dtype=float)
    positive = distances[distances > 0]
    return len(positive) > 2 and positive.max() > SKEWED_CURVE_RATIO * np.median(positive)


def suggest_eps(distances: np.ndarray) -> float | None:
    """eps at the knee of the sorted k-distance curve: denser than that is a cluster.

    On a skewed curve the knee is found on the log of the distances: on linear axes the far
    tail flattens everything else against zero and the "knee" drifts into the tail, an eps so
    large that nearly every customer joins one segment.
    """
    distances = np.sort(np.asarray(distances, dtype=float))
    if len(distances) == 0:
        return None
    if skewed_k_distances(distances):
        positive = distances[distances > 0]
        knee = find_knee(np.arange(len(positive)), np.log(positive))
        return None if knee is None else float(positive[int(knee)])
    knee = find_knee(np.arange(len(distances)), distances)
    if knee is None:
        return None
    return float(distances[int(knee)])


@dataclass(frozen=True)
class Agreement:
    adjusted_rand: float
    adjusted_mutual_info: float
    contingency: pd.DataFrame


def agreement(labels_a: np.ndarray, labels_b: np.ndarray) -> Agreement:
    """How far two segmentations of the same customers agree, and where they differ."""
    return Agreement(
        adjusted_rand=float(adjusted_rand_score(labels_a, labels_b)),
        adjusted_mutual_info=float(adjusted_mutual_info_score(labels_a, labels_b)),
        contingency=pd.crosstab(pd.Series(labels_a, name="a"), pd.Series(labels_b, name="b")),
    )
