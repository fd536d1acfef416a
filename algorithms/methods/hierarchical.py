"""Agglomerative (hierarchical) clustering, cut by number of segments or by distance.

The linkage matrix is computed with ``fastcluster`` (the same exact algorithms as scipy, Ward
in O(n) memory) and kept for the dendrogram. Exact linkage is O(n^2) in time, and in memory
for complete/average/single, so above ``max_exact_rows`` it is fitted on a seeded random
sample; ``note_`` says so.

A tree has no rule for customers it was not built on, so ``predict`` gives each one the
segment of its nearest tree customer (1-nearest neighbour over the rows the tree was built
on). On those rows this is the tree's own cut, exactly; the nearest cluster centre is not
(a ward cut into 5 moves 4 of the 200 mall customers). The customers left out of a sample get
their segment by the same rule, so ``predict`` on the training table reproduces ``labels_``.
"""

import fastcluster
import numpy as np
from scipy.cluster.hierarchy import fcluster
from sklearn.neighbors import NearestNeighbors

from algorithms.errors import ParameterError
from algorithms.methods.base import ClusteringMethod, Param, seed_param, segments_param

MAX_EXACT_ROWS = 10_000


class HierarchicalMethod(ClusteringMethod):
    name = "hierarchical"
    label = "Hierarchical"
    summary = "Merges the closest groups step by step; cut the tree into segments."
    url_key = "hc"
    params = (
        segments_param("Number of segments where the tree is cut."),
        Param(
            "linkage",
            str,
            "ward",
            "How the distance between two groups is measured.",
            choices=("ward", "complete", "average", "single"),
            label="Linkage",
        ),
        Param(
            "distance_threshold",
            float,
            None,
            "Cut the tree at this height instead of at a number of segments.",
            low=1e-9,
            optional=True,
            label="Cut height",
            control="distance",
        ),
        seed_param("Seed of the sample taken on large tables."),
    )
    controls = ("linkage", "n_clusters", "distance_threshold")
    k_param = "n_clusters"
    cut_params = ("n_clusters", "distance_threshold")
    fewer_segments_advice = "raise the cut height or choose a number of segments"
    more_segments_advice = "lower the cut height or choose a number of segments"

    def __init__(self, max_exact_rows: int = MAX_EXACT_ROWS, **params):
        super().__init__(**params)
        if max_exact_rows < max(2, self._wanted_clusters()):
            raise ParameterError(
                f"max_exact_rows ({max_exact_rows}) must be at least 2 and at least "
                f"n_clusters ({self.params_in['n_clusters']})."
            )
        self.max_exact_rows = max_exact_rows

    def _wanted_clusters(self) -> int:
        """n_clusters when the tree is cut by count, 1 when it is cut at a height."""
        return (
            1 if self.params_in["distance_threshold"] is not None else self.params_in["n_clusters"]
        )

    def _fit(self, matrix: np.ndarray):
        k = self._wanted_clusters()
        why = "Hierarchical clustering" + (f" into {k} segments" if k > 1 else "")
        self._require_rows(matrix, max(2, k), why)
        sample = self._sample_indices(len(matrix))
        fitted = matrix if sample is None else matrix[sample]
        self.sample_indices_ = sample
        self.linkage_matrix_ = self._linkage(fitted)
        threshold = self.params_in["distance_threshold"]
        if threshold is None:
            labels = cut_into(self.linkage_matrix_, k)
            self.cut_height_ = self._height_between(k)
        else:
            labels = fcluster(self.linkage_matrix_, t=threshold, criterion="distance") - 1
            self.cut_height_ = threshold
        self.tree_points_ = fitted
        if sample is None:
            return labels, None
        self.note_ = (
            f"tree built on a random sample of {len(sample):,} of {len(matrix):,} customers; "
            "every other customer takes the segment of its nearest sampled customer"
        )
        everyone = labels[nearest_rows(fitted, matrix)]
        everyone[sample] = labels
        return everyone, None

    def _reorder(self, order: np.ndarray) -> None:
        """The size-ordered labels of the tree's customers, which ``predict`` hands on."""
        sample = self.sample_indices_
        self.tree_labels_ = self.labels_ if sample is None else self.labels_[sample]

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Each row takes the segment of its nearest tree customer (see the module's note)."""
        matrix = np.asarray(matrix, dtype=np.float64)
        return self.tree_labels_[nearest_rows(self.tree_points_, matrix)]

    def _sample_indices(self, n_rows: int) -> np.ndarray | None:
        if n_rows <= self.max_exact_rows:
            return None
        rng = np.random.default_rng(self.params_in["random_state"])
        return np.sort(rng.choice(n_rows, size=self.max_exact_rows, replace=False))

    def _linkage(self, matrix: np.ndarray) -> np.ndarray:
        method = self.params_in["linkage"]
        if method in ("ward", "single"):
            return fastcluster.linkage_vector(matrix, method=method)
        return fastcluster.linkage(matrix, method=method, metric="euclidean")

    def _height_between(self, k: int) -> float:
        """Where to draw the cut line for k segments: midway between the merges around it."""
        heights = self.linkage_matrix_[:, 2]
        upper = heights[-k + 1] if k > 1 else heights[-1] * 1.05 + 1e-12
        lower = heights[-k] if k <= len(heights) else 0.0
        return float((lower + upper) / 2)


def height_for(linkage_matrix: np.ndarray, n_clusters: int) -> float | None:
    """A cut height, written short (fewest significant digits), that cuts the tree into
    ``n_clusters`` segments: at or above the merge that leaves them, below the next one.
    None when no height does (merges tied at that point, or k out of range)."""
    heights = np.asarray(linkage_matrix, dtype=float)[:, 2]
    n_rows = len(heights) + 1
    if not 1 <= n_clusters <= n_rows:
        return None
    lower = heights[n_rows - n_clusters - 1] if n_clusters < n_rows else 0.0
    upper = heights[n_rows - n_clusters] if n_clusters > 1 else np.inf
    if not lower < upper:
        return None
    middle = (lower + upper) / 2 if np.isfinite(upper) else lower * 1.05 + 1e-12
    for digits in range(1, 16):
        short = float(f"{middle:.{digits}g}")
        if lower <= short < upper:
            return short
    return float(middle)


def cut_into(linkage_matrix: np.ndarray, n_clusters: int) -> np.ndarray:
    """Labels 0..n_clusters-1 left by the first n - n_clusters merges of the tree.

    Cutting at a height cannot do this when merges tie (grid-like data, single linkage): the
    tied merges fall on the same side of any line, and k=5 can come out as 1 segment.
    """
    n_rows = len(linkage_matrix) + 1
    n_merges = n_rows - n_clusters
    parent = np.arange(2 * n_rows - 1)
    children = linkage_matrix[:n_merges, :2].astype(np.int64)
    parent[children[:, 0]] = parent[children[:, 1]] = n_rows + np.arange(n_merges)
    while not np.array_equal(root := parent[parent], parent):
        parent = root
    return np.unique(parent[:n_rows], return_inverse=True)[1].astype(np.int64)


def nearest_rows(points: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Index in ``points`` of each query's nearest point (scikit-learn's neighbour search:
    a tree, or distances by chunks, never the whole queries x points matrix)."""
    if len(queries) == 0:
        return np.array([], dtype=np.int64)
    return NearestNeighbors(n_neighbors=1).fit(points).kneighbors(queries)[1][:, 0]
