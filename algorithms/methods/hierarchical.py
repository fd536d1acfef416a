"""Agglomerative (hierarchical) clustering, cut by number of segments or by distance.

The linkage matrix is computed with ``fastcluster`` (the same exact algorithms as scipy, Ward
in O(n) memory) and kept for the dendrogram. Exact linkage is O(n^2) in time, and in memory
for complete/average/single, so above ``max_exact_rows`` it is fitted on a seeded random
sample and every customer is assigned to its nearest cluster centre; ``note_`` says so.
"""

import fastcluster
import numpy as np
from scipy.cluster.hierarchy import fcluster

from algorithms.methods.base import ClusteringMethod, Param, nearest_center

MAX_EXACT_ROWS = 10_000


class HierarchicalMethod(ClusteringMethod):
    name = "hierarchical"
    label = "Hierarchical"
    params = (
        Param("n_clusters", int, 5, "Number of segments where the tree is cut.", low=1, high=50),
        Param(
            "linkage",
            str,
            "ward",
            "How the distance between two groups is measured.",
            choices=("ward", "complete", "average", "single"),
        ),
        Param(
            "distance_threshold",
            float,
            None,
            "Cut the tree at this height instead of at a number of segments.",
            low=1e-9,
            optional=True,
        ),
        Param("random_state", int, 42, "Seed of the sample taken on large tables.", low=0),
    )

    def __init__(self, max_exact_rows: int = MAX_EXACT_ROWS, **params):
        super().__init__(**params)
        self.max_exact_rows = max_exact_rows

    def _fit(self, matrix: np.ndarray):
        self._require_rows(matrix, 2, "Hierarchical clustering")
        sample = self._sample_indices(len(matrix))
        fitted = matrix if sample is None else matrix[sample]
        self.linkage_matrix_ = self._linkage(fitted)
        self.cut_height_ = self._cut_height(len(fitted))
        labels = fcluster(self.linkage_matrix_, t=self.cut_height_, criterion="distance") - 1
        if sample is None:
            return labels, None
        centers = np.array([fitted[labels == c].mean(axis=0) for c in np.unique(labels)])
        self.sample_indices_ = sample
        self.note_ = (
            f"tree built on a random sample of {len(sample):,} of {len(matrix):,} customers; "
            "every customer assigned to its nearest cluster centre"
        )
        return nearest_center(matrix, centers), None

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

    def _cut_height(self, n_fitted: int) -> float:
        """Height of the cut line: the threshold, or midway between the merges around k."""
        threshold = self.params_in["distance_threshold"]
        if threshold is not None:
            return threshold
        k = min(self.params_in["n_clusters"], n_fitted)
        heights = self.linkage_matrix_[:, 2]
        upper = heights[-k + 1] if k > 1 else heights[-1] * 1.05 + 1e-12
        lower = heights[-k] if k < n_fitted else 0.0
        return float((lower + upper) / 2)
