"""Samples that keep small clusters visible.

Silhouettes are O(n^2) and a browser cannot draw a million points, so above a cap both work on
a sample. A plain random sample can lose a 0.5% segment entirely; a sample stratified by
cluster keeps every cluster, each with at least ``min_per_cluster`` points where it has them.
"""

import numpy as np


def stratified_sample(
    labels: np.ndarray, size: int, seed: int = 0, min_per_cluster: int = 50
) -> np.ndarray:
    """Sorted row indices: all rows when ``size`` covers them, else a stratified sample."""
    labels = np.asarray(labels)
    if len(labels) <= size:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    clusters, counts = np.unique(labels, return_counts=True)
    quotas = np.maximum(np.round(counts * size / len(labels)), min_per_cluster)
    quotas = np.minimum(quotas, counts).astype(int)
    chosen = [
        rng.choice(np.flatnonzero(labels == cluster), size=quota, replace=False)
        for cluster, quota in zip(clusters, quotas, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


def random_sample(n_rows: int, size: int, seed: int = 0) -> np.ndarray:
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=size, replace=False))
