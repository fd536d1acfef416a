"""Which cluster of one result is which cluster of another.

Used to keep colours consistent between the Compare panels (match by shared customers) and
to carry saved personas over to a re-run (match by profile: centroids in scaled units). Both
are optimal one-to-one assignments (Hungarian algorithm); clusters left without a partner
are reported as new or disappeared.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from algorithms.methods.base import NOISE


def match_by_overlap(reference: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """{cluster in ``labels``: cluster in ``reference``} maximising shared customers."""
    reference, labels = np.asarray(reference), np.asarray(labels)
    ours = sorted(set(labels.tolist()) - {NOISE})
    theirs = sorted(set(reference.tolist()) - {NOISE})
    if not ours or not theirs:
        return {}
    overlap = contingency(labels, reference, ours, theirs)
    rows, cols = linear_sum_assignment(-overlap)
    return {ours[r]: theirs[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}


def match_by_distance(
    reference_centers: np.ndarray, centers: np.ndarray, max_distance: float | None = None
) -> dict[int, int]:
    """{row in ``centers``: row in ``reference_centers``} minimising total distance;
    pairs farther apart than ``max_distance`` are left unmatched."""
    reference_centers = np.asarray(reference_centers, dtype=float)
    centers = np.asarray(centers, dtype=float)
    if len(reference_centers) == 0 or len(centers) == 0:
        return {}
    distance = np.linalg.norm(centers[:, None, :] - reference_centers[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(distance)
    return {
        int(r): int(c)
        for r, c in zip(rows, cols, strict=True)
        if max_distance is None or distance[r, c] <= max_distance
    }


def contingency(labels: np.ndarray, reference: np.ndarray, ours: list, theirs: list) -> np.ndarray:
    """Customers shared by each pair of clusters, in one pass over the rows (O(n + k1*k2))."""
    row = np.searchsorted(ours, labels)
    col = np.searchsorted(theirs, reference)
    valid = (row < len(ours)) & (col < len(theirs))
    valid &= np.asarray(ours)[np.minimum(row, len(ours) - 1)] == labels
    valid &= np.asarray(theirs)[np.minimum(col, len(theirs) - 1)] == reference
    flat = row[valid] * len(theirs) + col[valid]
    return np.bincount(flat, minlength=len(ours) * len(theirs)).reshape(len(ours), len(theirs))
