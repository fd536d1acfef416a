"""HDBSCAN: DBSCAN over every radius at once, keeping the segments that persist longest
(scikit-learn's HDBSCAN). No eps to tune; isolated customers are noise (label -1).

scikit-learn's HDBSCAN needs all pairwise mutual-reachability distances in its minimum
spanning tree, which is slow above a few tens of thousands of customers, so above
``max_exact_rows`` it is fitted on a seeded random sample; ``note_`` says so.

New customers (and those left out of a sample) are assigned like DBSCAN's: a customer joins
the segment of its nearest segment member when it lies within that member's core distance
(the distance to its ``min_samples``-th neighbour, the radius at which HDBSCAN counted it
dense), else it is noise. On the rows it was fitted on the members keep their own segment;
a customer HDBSCAN called noise may be placed in a segment by this rule.
"""

import numpy as np
from sklearn.cluster import HDBSCAN
from sklearn.neighbors import NearestNeighbors

from algorithms.errors import ParameterError
from algorithms.methods.base import NOISE, ClusteringMethod, Param, seed_param

MAX_EXACT_ROWS = 20_000


class HDBSCANMethod(ClusteringMethod):
    name = "hdbscan"
    label = "HDBSCAN"
    summary = "Dense groups at every density, no radius to tune; the rest is noise."
    params = (
        Param(
            "min_cluster_size", int, 5, "Smallest group of customers that counts as a segment.",
            low=2, high=100_000, label="Smallest segment",
        ),
        Param(
            "min_samples", int, None,
            "Neighbours that make a customer dense; empty: the smallest segment size. "
            "Higher leaves more customers as noise.",
            low=1, high=1000, optional=True,
        ),
        seed_param("Seed of the sample taken on large tables."),
    )  # fmt: skip
    controls = ("min_cluster_size", "min_samples")
    leaves_noise = True
    density_based = True
    fewer_segments_advice = "raise the smallest segment size"
    more_segments_advice = "lower the smallest segment size or min_samples"

    def __init__(self, max_exact_rows: int = MAX_EXACT_ROWS, **params):
        super().__init__(**params)
        self.max_exact_rows = max_exact_rows

    def neighbours(self) -> int:
        """min_samples as HDBSCAN uses it (the smallest segment size when not given)."""
        return self.params_in["min_samples"] or self.params_in["min_cluster_size"]

    def _fit(self, matrix: np.ndarray):
        needed = max(self.neighbours(), self.params_in["min_cluster_size"]) + 1
        if len(matrix) < needed:
            raise ParameterError(
                f"HDBSCAN with min_cluster_size={self.params_in['min_cluster_size']} and "
                f"min_samples={self.neighbours()} needs more than {needed - 1} customers with "
                f"complete values; the table has {len(matrix)}: lower them or load more customers."
            )
        sample = self._sample_indices(len(matrix))
        fitted = matrix if sample is None else matrix[sample]
        raw = HDBSCAN(
            min_cluster_size=self.params_in["min_cluster_size"],
            min_samples=self.params_in["min_samples"],
            copy=True,
        ).fit(fitted)
        fitted_labels = raw.labels_.astype(np.int64)
        fitted_labels[fitted_labels < 0] = NOISE  # -2/-3: infinite or missing values
        members = fitted_labels != NOISE
        self.member_points_ = fitted[members]
        self.core_distances_ = self._core_distances(fitted, self.member_points_)
        self._raw_member_labels = fitted_labels[members]
        if sample is None:
            return fitted_labels, None
        self.note_ = (
            f"HDBSCAN fitted on a random sample of {len(sample):,} of {len(matrix):,} "
            "customers; every other customer joins the segment of its nearest member when "
            "within that member's core distance, else noise"
        )
        everyone = self._assign(matrix, self._raw_member_labels)
        everyone[sample] = fitted_labels
        return everyone, None

    def _reorder(self, order: np.ndarray) -> None:
        rank = np.empty(int(order.max(initial=-1)) + 1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        self.member_labels_ = rank[self._raw_member_labels]

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """The nearest member's segment within its core distance, else noise (module note)."""
        return self._assign(np.asarray(matrix, dtype=np.float64), self.member_labels_)

    def _assign(self, matrix: np.ndarray, member_labels: np.ndarray) -> np.ndarray:
        if len(self.member_points_) == 0 or len(matrix) == 0:
            return np.full(len(matrix), NOISE, dtype=np.int64)
        distance, index = (
            NearestNeighbors(n_neighbors=1).fit(self.member_points_).kneighbors(matrix)
        )
        nearest = index[:, 0]
        within = distance[:, 0] <= self.core_distances_[nearest]
        return np.where(within, member_labels[nearest], NOISE)

    def _core_distances(self, fitted: np.ndarray, members: np.ndarray) -> np.ndarray:
        """Each member's distance to its ``min_samples``-th neighbour (itself included, as in
        scikit-learn's HDBSCAN)."""
        if len(members) == 0:
            return np.empty(0)
        search = NearestNeighbors(n_neighbors=min(self.neighbours(), len(fitted))).fit(fitted)
        return search.kneighbors(members)[0][:, -1]

    def _sample_indices(self, n_rows: int) -> np.ndarray | None:
        if n_rows <= self.max_exact_rows:
            return None
        rng = np.random.default_rng(self.params_in["random_state"])
        return np.sort(rng.choice(n_rows, size=self.max_exact_rows, replace=False))
