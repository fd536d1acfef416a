"""The one shape every clustering method has, so the app, the CLI and the diagnostics can
treat K-Means, DBSCAN and hierarchical clustering alike (and a new method is one new module).

A method declares its parameters once (``Param``: default, range, choices, help text), is
created with validated values, ``fit`` returns self, and what was learned sits in
trailing-underscore attributes. Labels are renumbered by cluster size (largest = 0, noise
stays -1) so the same data and parameters give the same numbering on every run.
"""

import math
import numbers
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.metrics import pairwise_distances_argmin

from algorithms.errors import ParameterError

NOISE = -1
MAX_SEED = 2**32 - 1  # numpy and scikit-learn seeds are 32-bit


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
    label: str = ""
    """How a page or the CLI names it ('Segments (k)'); the name when empty."""
    control: str = ""
    """The control a page offers for it: ``segments`` (a slider over k), ``distance`` (a
    number in scaled units, suggested per view), ``choice``, ``number``; empty: ``choice``
    when there are choices, else ``number``."""

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def control_kind(self) -> str:
        return self.control or ("choice" if self.choices else "number")

    def check(self, value: Any) -> Any:
        """The value converted to ``kind``, or a ParameterError saying what is allowed."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            value = self.default
        converted = self._convert(value)
        if converted is None or not self._in_range(converted):
            raise ParameterError(f"{self.name} must be {self.allowed()}, not {value!r}.")
        return converted

    def allowed(self) -> str:
        """What the parameter accepts, in words ('a whole number from 1 to 50')."""
        if self.choices:
            return f"one of {', '.join(self.choices)}"
        noun = "a whole number" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{noun} from {_show(self.low)} to {_show(self.high)}"
        if self.low is not None:
            return f"{noun} of at least {_show(self.low)}"
        if self.high is not None:
            return f"{noun} of at most {_show(self.high)}"
        return noun

    def _convert(self, value: Any) -> Any:
        """``value`` as ``kind`` (numbers typed as text included), None when it is not one.
        Booleans, infinities and NaN are refused: they are always a caller's mistake."""
        if self.kind is str:
            return value if isinstance(value, str) else None
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if not math.isfinite(number):
            return None
        if self.kind is int:
            if isinstance(value, numbers.Integral):
                return int(value)
            return int(number) if number.is_integer() else None
        return self.kind(number)

    def _in_range(self, value: Any) -> bool:
        if self.choices:
            return value in self.choices
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _show(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


SEED_PARAM = "random_state"


def seed_param(help_text: str) -> Param:
    """The ``random_state`` every seeded method declares the same way."""
    return Param(SEED_PARAM, int, 42, help_text, low=0, high=MAX_SEED, label="Seed")


def segments_param(help_text: str, name: str = "n_clusters") -> Param:
    """The number of segments, declared the same way by every method that takes one."""
    return Param(name, int, 5, help_text, low=1, high=50, label="Segments (k)", control="segments")


class ClusteringMethod:
    """Base of every method: parameter validation, size-ordered labels, common attributes.

    Subclasses set ``name``, ``label`` and ``params`` and implement ``_fit`` (returning raw
    labels and, where the method has them, cluster centres) and ``predict``.
    After ``fit``: ``labels_``, ``n_clusters_``, ``n_noise_``, ``cluster_centers_`` (scaled
    space, one row per cluster in label order), ``note_`` (how a large table was handled) and
    ``probabilities_`` (each row's probability of its segment, for methods that give one;
    else None). Core points (``core_sample_mask_``) and a tree (``linkage_matrix_``,
    ``cut_height_``) are there for the methods that have them.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    params: ClassVar[tuple[Param, ...]]

    # What the pages and the CLI learn about a method without naming it:
    summary: ClassVar[str] = ""
    """One line on what the method does (the Compare panel's subtitle)."""
    url_key: ClassVar[str] = ""
    """Short prefix of the method's settings in a URL (``km_n_clusters``); its name if empty."""
    controls: ClassVar[tuple[str, ...] | None] = None
    """The parameters the pages offer, in order; None: every one but the seed."""
    leaves_noise: ClassVar[bool] = False
    """Whether the method can leave customers out as noise (label -1)."""
    density_based: ClassVar[bool] = False
    """Whether its parameters describe a density (counts of neighbours), which a smaller
    sample of the same customers would not have: the stability check resamples every one."""
    centers_are_model: ClassVar[bool] = False
    """Whether the cluster centres are what the method fitted (drawn as centroids), rather
    than member means."""
    k_param: ClassVar[str | None] = None
    """The parameter that is the number of segments (set from a recommended k)."""
    cut_params: ClassVar[tuple[str, str] | None] = None
    """(by count, by height): two parameters of which one says where to cut, the pages offer
    a choice between them and leave the other out."""
    neighbourhood_params: ClassVar[tuple[str, str] | None] = None
    """(radius, neighbours): a radius the k-distance curve suggests for that many neighbours."""
    criteria: ClassVar[tuple[str, ...]] = ()
    """Names of the per-k criteria ``criteria_by_k`` computes (lower is better), shown beside
    the elbow."""
    fewer_segments_advice: ClassVar[str] = "change the parameters"
    more_segments_advice: ClassVar[str] = "change the parameters"
    """What to change for fewer (more) segments, in the pages' alerts."""

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
        self.probabilities_ = None

    @classmethod
    def control_params(cls) -> tuple[Param, ...]:
        """The parameters the pages offer (``controls``), in order."""
        by_name = {p.name: p for p in cls.params}
        names = cls.controls or tuple(n for n in by_name if n != SEED_PARAM)
        return tuple(by_name[name] for name in names)

    @classmethod
    def settings_key(cls) -> str:
        return cls.url_key or cls.name

    @classmethod
    def criteria_by_k(
        cls, matrix: np.ndarray, ks: list[int], params: dict, progress=None
    ) -> "dict[str, list[float]]":
        """Each of ``criteria`` for every k in ``ks`` (``params``: the method's others)."""
        raise NotImplementedError(f"{cls.label} declares no per-k criterion.")

    def get_params(self) -> dict[str, Any]:
        return dict(self.params_in)

    def fit(self, matrix: np.ndarray) -> "ClusteringMethod":
        matrix = np.asarray(matrix, dtype=np.float64)
        self.note_ = ""
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

    def membership_probability(self, matrix: np.ndarray) -> np.ndarray | None:
        """Each row's probability of the segment ``predict`` gives it; None for a method
        that gives no probabilities."""
        return None

    def _require_rows(self, matrix: np.ndarray, needed: int, why: str) -> None:
        """Refuse more segments than customers, saying what to change (k below two segments
        is no advice: a single customer needs more customers, not a smaller k)."""
        n_rows = len(matrix)
        if n_rows < needed:
            advice = f"lower k to {n_rows} or fewer, or load" if n_rows >= 2 else "load"
            raise ParameterError(
                f"{why} needs at least {needed} customers with complete values; "
                f"the table has {n_rows}: {advice} more customers."
            )


def size_order(raw_labels: np.ndarray) -> np.ndarray:
    """Raw cluster ids sorted by size (largest first), ties by first appearance.

    One pass over the rows whatever the number of clusters (DBSCAN can return thousands)."""
    raw_labels = np.asarray(raw_labels)
    clustered = raw_labels[raw_labels != NOISE]
    ids, first, sizes = np.unique(clustered, return_index=True, return_counts=True)
    return ids[np.lexsort((first, -sizes))]


def relabel(raw_labels: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``raw_labels`` renumbered so that ``order[i]`` becomes i; noise stays -1."""
    raw_labels = np.asarray(raw_labels)
    mapping = np.full(int(raw_labels.max(initial=0)) + 1, NOISE, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    labels = np.full(len(raw_labels), NOISE, dtype=np.int64)
    clustered = raw_labels != NOISE
    labels[clustered] = mapping[raw_labels[clustered]]
    return labels


def member_means(matrix: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """Mean of each cluster's rows (clusters 0..n_clusters-1, noise ignored), one row each;
    NaN for a cluster without rows. Sums by ``np.bincount``: one pass per feature."""
    labels = np.asarray(labels)
    clustered = (labels != NOISE) & (labels < n_clusters)
    members, rows = labels[clustered], np.asarray(matrix, dtype=np.float64)[clustered]
    counts = np.bincount(members, minlength=n_clusters)
    sums = np.column_stack(
        [np.bincount(members, weights=column, minlength=n_clusters) for column in rows.T]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def nearest_center(matrix: np.ndarray, centers: np.ndarray) -> np.ndarray:
    if len(centers) == 0:
        return np.full(len(matrix), NOISE, dtype=np.int64)
    return pairwise_distances_argmin(matrix, centers).astype(np.int64)
