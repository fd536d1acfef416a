"""The K-Means fits behind a k sweep: exact up to ``SWEEP_FIT_ROWS`` customers, above that
fitted on a random sample and every customer assigned to its nearest centre.

A sweep fits K-Means nine times or more with 10 restarts each: 25-45 s for a million
customers on one core, for a curve whose shape a 100 000-customer sample already fixes. So
above the cap each k is fitted (same restarts, same seed) on a random sample, and its labels,
inertia and scores are those of every customer assigned to the nearest of the sample's
centres: the curves still describe all the customers. ``SweepFits.note`` says so wherever
the sweep is shown, and the segmentation the user then chooses is fitted exactly.
"""

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from algorithms.sampling import random_sample

SWEEP_FIT_ROWS = 100_000
SWEEP_RESTARTS = 10
ASSIGN_BLOCK_ROWS = 65_536


@dataclass(frozen=True)
class KFit:
    k: int
    labels: np.ndarray
    inertia: float


@dataclass(frozen=True)
class SweepFits:
    """How the sweep fits K-Means on ``matrix``: on ``rows`` (all of them up to the cap)."""

    matrix: np.ndarray
    rows: np.ndarray
    n_init: int
    seed: int

    @classmethod
    def plan(cls, matrix: np.ndarray, n_init: int, seed: int, fit_rows: int = SWEEP_FIT_ROWS):
        return cls(matrix, random_sample(len(matrix), fit_rows, seed), n_init, seed)

    @property
    def sampled(self) -> bool:
        return len(self.rows) < len(self.matrix)

    @property
    def note(self) -> str:
        if not self.sampled:
            return ""
        return (
            f"K-Means fitted for each k on a random sample of {len(self.rows):,} of "
            f"{len(self.matrix):,} customers ({self.n_init} restarts), every customer then "
            "assigned to its nearest centre: inertia and scores cover all customers."
        )

    def fit(self, k: int) -> KFit:
        fitted = self.matrix[self.rows] if self.sampled else self.matrix
        model = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.seed).fit(fitted)
        if not self.sampled:
            return KFit(k, model.labels_, float(model.inertia_))
        return KFit(k, *nearest_centres(self.matrix, model.cluster_centers_))


def nearest_centres(matrix: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, float]:
    """(the nearest centre of each row, the sum of squared distances to it), a block of rows
    at a time so a million rows never hold more than a few MB of distances."""
    labels = np.empty(len(matrix), dtype=np.int32)
    inertia = 0.0
    squared_norms = (centres**2).sum(axis=1)
    for start in range(0, len(matrix), ASSIGN_BLOCK_ROWS):
        block = matrix[start : start + ASSIGN_BLOCK_ROWS]
        squared = squared_norms - 2.0 * block @ centres.T
        nearest = squared.argmin(axis=1)
        labels[start : start + len(block)] = nearest
        inertia += float(((block - centres[nearest]) ** 2).sum())
    return labels, inertia


@dataclass(frozen=True)
class ExactRefit:
    """The chosen k fitted on every customer, beside the sweep's sampled fit of that k: what
    the sample cost, in inertia and in agreement between the two segmentations."""

    k: int
    inertia: float
    sampled_inertia: float
    adjusted_rand: float

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self, n_rows: int) -> str:
        gap = self.sampled_inertia / self.inertia - 1 if self.inertia else 0.0
        return (
            f"k={self.k} refitted exactly on all {n_rows:,} customers: inertia "
            f"{self.inertia:,.2f} (the sampled fit's {self.sampled_inertia:,.2f}, {gap:+.2%}); "
            f"its segments agree with the sampled fit's at adjusted Rand {self.adjusted_rand:.4f}."
        )


def exact_refit(fits: SweepFits, k: int) -> ExactRefit:
    """K-Means of ``k`` on all of ``fits.matrix`` as scikit-learn fits it (same restarts and
    seed), compared with the sampled fit the sweep made of that k."""
    model = KMeans(n_clusters=k, n_init=fits.n_init, random_state=fits.seed).fit(fits.matrix)
    sampled = fits.fit(k)
    return ExactRefit(
        k=k,
        inertia=float(model.inertia_),
        sampled_inertia=sampled.inertia,
        adjusted_rand=float(adjusted_rand_score(model.labels_, sampled.labels)),
    )
