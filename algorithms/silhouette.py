"""Exact silhouettes, several times faster than ``sklearn.metrics.silhouette_samples``
(benchmarks/results.md).

scikit-learn builds each block of pairwise distances and then sums them per cluster with one
``np.bincount`` per row. Here a block of rows gets its squared distances from one matrix
product (the same ``|x|² - 2x·y + |y|²`` expansion scikit-learn uses, in float64, as one
product of matrices widened by two columns), and the per-cluster sums from a second one: the
block times a one-hot cluster matrix, which turns sparse when thousands of clusters would make
it large; each distance is computed once for both of its rows. Memory stays bounded by
``block_bytes`` and ``DENSE_MEMBERS_BYTES`` whatever the number of rows; the values
agree with scikit-learn's to rounding (tests hold them within 1e-6 on real and random tables,
noise and singletons included).
"""

import numpy as np
from scipy import sparse

from algorithms.errors import ParameterError
from algorithms.sampling import cluster_codes

BLOCK_BYTES = 4 * 1024**2  # small enough for the block to stay in cache between passes
DENSE_MEMBERS_BYTES = 64 * 1024**2


def silhouette_samples(
    matrix: np.ndarray, labels: np.ndarray, block_bytes: int = BLOCK_BYTES
) -> np.ndarray:
    """The silhouette of every row, as ``sklearn.metrics.silhouette_samples`` (Euclidean)
    computes it: 0 for a row alone in its cluster; every label, -1 too, is a cluster."""
    matrix = np.asarray(matrix, dtype=np.float64)
    codes, sizes = cluster_codes(labels)
    n_rows, n_clusters = len(codes), len(sizes)
    if not 2 <= n_clusters <= n_rows - 1:
        raise ParameterError(
            f"A silhouette needs 2 to {n_rows - 1} clusters of {n_rows} rows, not {n_clusters}."
        )
    own_mean, nearest_mean = _mean_distances(matrix, codes, sizes, block_bytes)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (nearest_mean - own_mean) / np.maximum(own_mean, nearest_mean)
    return np.nan_to_num(np.where(sizes[codes] > 1, values, 0.0))


def silhouette_score(matrix: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette of all rows (``sklearn.metrics.silhouette_score`` without sampling)."""
    return float(np.mean(silhouette_samples(matrix, labels)))


def _mean_distances(matrix: np.ndarray, codes: np.ndarray, sizes: np.ndarray, block_bytes: int):
    """(each row's mean distance to the other rows of its cluster, its smallest mean distance
    to another cluster), a block of rows at a time.

    Distances are symmetric: while the one-hot matrix is small, a block is measured only
    against itself and the rows after it, and its transposed product with the block's
    memberships adds the later rows' sums in advance (half the distances of a full pass). With
    thousands of clusters those pending sums would be large, so each block is measured against
    every row instead."""
    n_rows, n_clusters = len(codes), len(sizes)
    members = _membership(codes, n_clusters)
    symmetric = isinstance(members, np.ndarray)
    pending = np.zeros((n_rows, n_clusters)) if symmetric else None
    left, right = _expansion_factors(matrix)
    block = max(1, block_bytes // (8 * n_rows))
    buffer = np.empty(min(block, n_rows) * n_rows)
    own_mean, nearest_mean = np.empty(n_rows), np.empty(n_rows)
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        first = start if symmetric else 0
        out = buffer[: (stop - start) * (n_rows - first)].reshape(stop - start, n_rows - first)
        distances = _distances(left[start:stop], right[:, first:], start - first, out)
        sums = distances @ members[first:]
        if symmetric:
            sums += pending[start:stop]
            pending[stop:] += (members[start:stop].T @ distances[:, stop - start :]).T
        rows, own = np.arange(stop - start), codes[start:stop]
        own_mean[start:stop] = sums[rows, own] / np.maximum(sizes[own] - 1, 1)
        sums /= sizes
        sums[rows, own] = np.inf
        nearest_mean[start:stop] = sums.min(axis=1)
    return own_mean, nearest_mean


def _membership(codes: np.ndarray, n_clusters: int):
    """The rows x clusters one-hot matrix the per-cluster sums multiply by: dense (a BLAS
    product) while small, sparse for thousands of DBSCAN segments, whose dense matrix would
    take gigabytes (18 630 sampled rows in 4 630 segments: 690 MB)."""
    n_rows = len(codes)
    if n_rows * n_clusters * 8 > DENSE_MEMBERS_BYTES:
        return sparse.csr_array(
            (np.ones(n_rows), (np.arange(n_rows), codes)), shape=(n_rows, n_clusters)
        )
    members = np.zeros((n_rows, n_clusters))
    members[np.arange(n_rows), codes] = 1.0
    return members


def _expansion_factors(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) with ``left[i] @ right[:, j] == |x_i|² - 2 x_i·x_j + |x_j|²``: the
    squared distances of a block in one matrix product instead of a product and three passes."""
    squared_norms = np.einsum("ij,ij->i", matrix, matrix)[:, None]
    ones = np.ones_like(squared_norms)
    left = np.hstack([matrix, squared_norms, ones])
    right = np.ascontiguousarray(np.hstack([-2.0 * matrix, ones, squared_norms]).T)
    return left, right


def _distances(left_block: np.ndarray, right: np.ndarray, offset: int, out: np.ndarray):
    """Euclidean distances of a block of rows to the rows of ``right`` (the block's own rows
    from column ``offset``), as scikit-learn computes them: the squared expansion clipped at 0,
    and 0 from a row to itself."""
    np.matmul(left_block, right, out=out)
    np.maximum(out, 0.0, out=out)
    out[np.arange(len(out)), np.arange(offset, offset + len(out))] = 0.0
    return np.sqrt(out, out=out)
