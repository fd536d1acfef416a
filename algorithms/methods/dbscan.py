"""DBSCAN: dense regions become segments, isolated customers are noise (label -1).

Above ``FAST_MIN_ROWS`` the ``dbscan`` package (Wang et al.) runs instead of scikit-learn's: it
does not materialise every neighbourhood list, so memory stays linear where scikit-learn's can
need gigabytes (see PERFORMANCE.md). On two features its labels are scikit-learn's. On three or
more (package version 1.0.0) it misses a few neighbour pairs close to eps: a handful of
customers with barely ``min_samples`` neighbours come out as border or noise instead of core
(never the reverse), more so with more features: on blobs, up to 0.05% of the core customers
with 3 features, 0.6-2.4% with 6. ``note_`` says so. The tests keep scikit-learn as the
reference both are compared with, and bound that difference.

So ``auto`` takes the exact path wherever it can: scikit-learn below ``FAST_MIN_ROWS``; the
package on two features; on three or more, scikit-learn when its neighbourhood lists fit in
``SKLEARN_MEMORY_BUDGET`` (estimated from a sample before running), else the package, saying so.
"""

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.neighbors import KDTree, NearestNeighbors

from algorithms.errors import ParameterError
from algorithms.methods.base import NOISE, ClusteringMethod, Param

FAST_MIN_ROWS = 20_000
SKLEARN_MEMORY_BUDGET = 2 * 1024**3
ESTIMATE_SAMPLE = 2_000
IMPLEMENTATIONS = ("auto", "fast", "sklearn")


def fast_dbscan_available(matrix: np.ndarray) -> bool:
    try:
        import dbscan
    except ImportError:
        return False
    return dbscan.DBSCAN_MIN_DIMS <= matrix.shape[1] <= dbscan.DBSCAN_MAX_DIMS


class DBSCANMethod(ClusteringMethod):
    name = "dbscan"
    label = "DBSCAN"
    summary = "Dense groups of any shape; isolated customers are left out as noise."
    url_key = "db"
    params = (
        Param(
            "eps",
            float,
            0.3,
            "Neighbourhood radius, in scaled units (see the k-distance curve for a suggestion).",
            low=1e-9,
            control="distance",
        ),
        Param(
            "min_samples",
            int,
            5,
            "Neighbours (the point included) that make a core point.",
            low=1,
            high=1000,
        ),
    )
    leaves_noise = True
    density_based = True
    neighbourhood_params = ("eps", "min_samples")
    fewer_segments_advice = "raise eps, or raise min_samples and use the eps suggested for it"
    more_segments_advice = "lower eps or raise min_samples"

    def __init__(self, implementation: str = "auto", **params):
        super().__init__(**params)
        if implementation not in IMPLEMENTATIONS:
            raise ParameterError(
                f"implementation must be one of {', '.join(IMPLEMENTATIONS)}, "
                f"not {implementation!r}."
            )
        self.implementation = implementation

    def _use_fast(self, matrix: np.ndarray) -> bool:
        if self.implementation != "auto":
            return self.implementation == "fast" and fast_dbscan_available(matrix)
        if len(matrix) < FAST_MIN_ROWS:
            return False
        needed = sklearn_memory_estimate(matrix, self.params_in["eps"])
        if fast_dbscan_available(matrix):
            return matrix.shape[1] == 2 or needed > SKLEARN_MEMORY_BUDGET
        if needed > SKLEARN_MEMORY_BUDGET:
            raise ParameterError(
                f"eps={self.params_in['eps']:g} would give each customer about "
                f"{needed / 8 / len(matrix):,.0f} neighbours, about {needed / 1024**3:.0f} GB "
                "for DBSCAN on this table: lower eps (see the k-distance curve) or use "
                "2 to 20 features."
            )
        return False

    def _fit(self, matrix: np.ndarray):
        eps, min_samples = self.params_in["eps"], self.params_in["min_samples"]
        if self._use_fast(matrix):
            import dbscan

            labels, core_mask = dbscan.DBSCAN(matrix, eps=eps, min_samples=min_samples)
            labels = np.asarray(labels, dtype=np.int64)
            self.note_ = "DBSCAN of the dbscan package (linear memory)"
            if matrix.shape[1] > 2:
                self.note_ += (
                    "; with 3 or more features a few customers at the edge of a segment "
                    "may be left as noise"
                )
        else:
            model = DBSCAN(eps=eps, min_samples=min_samples).fit(matrix)
            labels = model.labels_.astype(np.int64)
            core_mask = np.zeros(len(matrix), dtype=bool)
            core_mask[model.core_sample_indices_] = True
        self.core_sample_mask_ = np.asarray(core_mask, dtype=bool)
        self.components_ = matrix[self.core_sample_mask_]
        return labels, None

    def _reorder(self, order: np.ndarray) -> None:
        self.core_labels_ = self.labels_[self.core_sample_mask_]

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """A new customer joins the cluster of its nearest core point within eps, else noise."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if len(self.components_) == 0:
            return np.full(len(matrix), NOISE, dtype=np.int64)
        distance, index = NearestNeighbors(n_neighbors=1).fit(self.components_).kneighbors(matrix)
        labels = self.core_labels_[index[:, 0]]
        return np.where(distance[:, 0] <= self.params_in["eps"], labels, NOISE)


def sklearn_memory_estimate(matrix: np.ndarray, eps: float, seed: int = 0) -> float:
    """Bytes scikit-learn's DBSCAN would hold in neighbourhood lists (8 per neighbour),
    from the neighbour count within eps of a random sample of customers."""
    rng = np.random.default_rng(seed)
    sample = matrix[rng.choice(len(matrix), size=min(ESTIMATE_SAMPLE, len(matrix)), replace=False)]
    counts = KDTree(matrix).query_radius(sample, r=eps, count_only=True)
    return float(counts.mean()) * len(matrix) * 8
