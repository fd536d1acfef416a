"""The one shape every clustering method has, so the app, the CLI and the diagnostics can
treat K-Means, DBSCAN and hierarchical clustering alike (and a new method is one new module).

A method declares its parameters once (``Param``: default, range, choices, help text), is
created with validated values, ``fit`` returns self, and what was learned sits in
trailing-underscore attributes. Labels are renumbered by cluster size (largest = 0, noise
stays -1) so the same data and parameters give the same numbering on every run.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.metrics import pairwise_distances_argmin

from algorithms.errors import ParameterError

NOISE = -1


@dataclass(frozen=True)
class Param:
    """One tunable parameter: what it is called, what it may be and what it does."""

    name: str
    kind: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    optional: bool = False

    def check(self, value: Any) -> Any:
        """The value converted to ``kind``, or a ParameterError saying what is allowed."""
        if value is None or value == "":
            if self.optional:
                return None
            value = self.default
        try:
            converted = self.kind(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{self.name} must be {self.kind.__name__}, not {value!r}."
            ) from None
        if self.kind is int and float(value) != converted:
            raise ParameterError(f"{self.name} must be a whole number, not {value!r}.")
        if self.choices and converted not in self.choices:
            raise ParameterError(
                f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}."
            )
        if self.low is not None and not converted >= self.low:
            raise ParameterError(f"{self.name} must be at least {self.low:g}, not {value}.")
        if self.high is not None and not converted <= self.high:
            raise ParameterError(f"{self.name} must be at most {self.high:g}, not {value}.")
        return converted


class ClusteringMethod:
    """Base of every method: parameter validation, size-ordered labels, common attributes.

    Subclasses set ``name``, ``label`` and ``params`` and implement ``_fit`` (returning raw
    labels and, where the method has them, cluster centres) and ``predict``.
    After ``fit``: ``labels_``, ``n_clusters_``, ``n_noise_``, ``cluster_centers_`` (scaled
    space, one row per cluster in label order) and ``note_`` (how a large table was handled).
    """

    name: ClassVar[str]
    label: ClassVar[str]
    params: ClassVar[tuple[Param, ...]]

    def __init__(self, **params: Any):
        known = {p.name: p for p in self.params}
        unknown = set(params) - set(known)
        if unknown:
            raise ParameterError(
                f"{self.label} has no parameter {', '.join(sorted(unknown))}; "
                f"its parameters are {', '.join(known)}."
            )
        self.params_in = {name: p.check(params.get(name)) for name, p in known.items()}
        self.note_ = ""

    def get_params(self) -> dict[str, Any]:
        return dict(self.params_in)

    def fit(self, matrix: np.ndarray) -> "ClusteringMethod":
        matrix = np.asarray(matrix, dtype=np.float64)
        raw_labels, centers = self._fit(matrix)
        order = size_order(raw_labels)
        self.labels_ = relabel(raw_labels, order)
        self.n_clusters_ = len(order)
        self.n_noise_ = int((self.labels_ == NOISE).sum())
        if centers is None:
            centers = member_means(matrix, self.labels_, self.n_clusters_)
        else:
            centers = np.asarray(centers)[order]
        self.cluster_centers_ = centers
        self._reorder(order)
        return self

    def _fit(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError

    def _reorder(self, order: np.ndarray) -> None:
        """Hook for methods that keep other per-cluster state indexed by raw label."""

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Assign new rows (already preprocessed) to the fitted clusters."""
        return nearest_center(np.asarray(matrix, dtype=np.float64), self.cluster_centers_)

    def _require_rows(self, matrix: np.ndarray, needed: int, why: str) -> None:
        if len(matrix) < needed:
            raise ParameterError(
                f"{why} needs at least {needed} customers with complete values; "
                f"the table has {len(matrix)}."
            )


def size_order(raw_labels: np.ndarray) -> np.ndarray:
    """Raw cluster ids sorted by size (largest first), ties by first appearance."""
    ids = np.unique(raw_labels[raw_labels != NOISE])
    sizes = np.array([(raw_labels == i).sum() for i in ids])
    first = np.array([np.argmax(raw_labels == i) for i in ids])
    return ids[np.lexsort((first, -sizes))] if len(ids) else ids


def relabel(raw_labels: np.ndarray, order: np.ndarray) -> np.ndarray:
    mapping = np.full(int(raw_labels.max(initial=0)) + 1, NOISE, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    labels = np.full(len(raw_labels), NOISE, dtype=np.int64)
    clustered = raw_labels != NOISE
    labels[clustered] = mapping[raw_labels[clustered]]
    return labels


def member_means(matrix: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    return np.array([matrix[labels == c].mean(axis=0) for c in range(n_clusters)]).reshape(
        n_clusters, matrix.shape[1]
    )


def nearest_center(matrix: np.ndarray, centers: np.ndarray) -> np.ndarray:
    if len(centers) == 0:
        return np.full(len(matrix), NOISE, dtype=np.int64)
    return pairwise_distances_argmin(matrix, centers).astype(np.int64)
