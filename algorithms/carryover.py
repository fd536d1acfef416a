"""Carry saved personas over to a new segmentation of the same (or a newer) customer table.

Cluster numbers mean nothing across runs: a re-run on next month's customers may number the
same segments differently, split one, lose another. So personas are carried by profile: the
saved centroids and the new ones are compared in the new run's scaled space (saved centroids are
kept in the table's units, so both go through the new preprocessor) and paired one-to-one by
the Hungarian algorithm (``algorithms.matching.match_by_distance``). What happened to each saved
persona is then stated: it grew, shrank or stayed, it split (two or more new clusters have it as
their nearest persona) or it disappeared (no new cluster near it); a new cluster near no saved
persona is new.

A pair is only accepted within a reach: ``REACH`` times the typical distance between two saved
personas. Without it, a persona that vanished and an unrelated newcomer would be paired just
because both were left over.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from algorithms.errors import FeatureError
from algorithms.matching import match_by_distance
from algorithms.methods.base import NOISE
from algorithms.preprocessing import FeaturePreprocessor

REACH = 0.75
STABLE_CHANGE = 0.05

MATCHED, SPLIT, NEW = "matched", "split", "new"
GREW, SHRANK, UNCHANGED, DISAPPEARED = "grew", "shrank", "unchanged", "disappeared"


@dataclass(frozen=True)
class Centers:
    """The clusters of one run: ids, centres in one scaled space, share of the customers."""

    ids: tuple[int, ...]
    centers: np.ndarray
    shares: tuple[float, ...]

    @classmethod
    def of(cls, ids: Sequence[int], centers, shares: Sequence[float]) -> "Centers":
        keep = [position for position, cluster in enumerate(ids) if int(cluster) != NOISE]
        matrix = np.asarray(centers, dtype=float).reshape(len(ids), -1)[keep]
        return cls(tuple(int(ids[p]) for p in keep), matrix, tuple(float(shares[p]) for p in keep))


@dataclass(frozen=True)
class ClusterOrigin:
    """Where one new cluster comes from."""

    cluster: int
    status: str
    """``matched`` (continues a persona), ``split`` (a part of a split persona) or ``new``."""
    persona: int | None
    """The saved persona's cluster number, None for a new cluster."""
    keeps_name: bool
    """True for a matched cluster and for the main part of a split (the others get a variant)."""
    distance: float | None


@dataclass(frozen=True)
class PersonaFate:
    """What happened to one saved persona."""

    persona: int
    status: str
    """``grew``, ``shrank``, ``unchanged``, ``split`` or ``disappeared``."""
    clusters: tuple[int, ...]
    share_before: float
    share_after: float

    @property
    def change(self) -> float | None:
        """Relative change of the persona's share of customers (0.1 = grew by 10%)."""
        if not self.clusters or self.share_before == 0:
            return None
        return self.share_after / self.share_before - 1


@dataclass(frozen=True)
class CarryOver:
    clusters: dict[int, ClusterOrigin]
    personas: dict[int, PersonaFate]
    reach: float

    def persona_of(self, cluster: int) -> int | None:
        origin = self.clusters.get(cluster)
        return None if origin is None else origin.persona


def scale_points(preprocessor: FeaturePreprocessor, points: pd.DataFrame) -> np.ndarray:
    """Points given in the table's units (columns named like ``preprocessor.columns_``) in the
    preprocessor's scaled space, the inverse of ``to_original_units``."""
    missing = [column for column in preprocessor.columns_ if column not in points.columns]
    if missing:
        raise FeatureError(
            "The saved personas were made without "
            f"{', '.join(repr(m) for m in missing)}: carry over from a persona set "
            "segmented on the same feature columns."
        )
    matrix = points[preprocessor.columns_].to_numpy(dtype=np.float64, copy=True)
    n_numeric = len(preprocessor.features)
    if preprocessor.scaler_ is not None and len(matrix):
        matrix[:, :n_numeric] = preprocessor.scaler_.transform(matrix[:, :n_numeric])
    return matrix


def typical_separation(centers: np.ndarray) -> float:
    """Median distance from each centre to its nearest other centre (inf for a single one)."""
    if len(centers) < 2:
        return float("inf")
    distance = np.linalg.norm(centers[:, None, :] - centers[None, :, :], axis=2)
    np.fill_diagonal(distance, np.inf)
    return float(np.median(distance.min(axis=1)))


def carry_over(saved: Centers, new: Centers, reach: float | None = None) -> CarryOver:
    """Which saved persona each new cluster continues, and what became of every persona.

    ``saved`` and ``new`` must be in the same scaled space (see ``scale_points``); noise
    (cluster -1) takes no part. ``reach`` defaults to ``REACH`` x ``typical_separation``.
    """
    if reach is None:
        reach = REACH * typical_separation(saved.centers)
    distance = _distances(new.centers, saved.centers)
    nearest = _nearest(distance, reach)
    pairs = match_by_distance(saved.centers, new.centers, None if np.isinf(reach) else reach)
    origins: dict[int, ClusterOrigin] = {}

    groups: dict[int, list[int]] = defaultdict(list)
    for row, persona_row in nearest.items():
        groups[persona_row].append(row)
    split_rows = {p: rows for p, rows in groups.items() if len(rows) > 1}
    for persona_row, rows in split_rows.items():
        paired = [row for row in rows if pairs.get(row) == persona_row]
        main = paired[0] if paired else min(rows, key=lambda row: distance[row, persona_row])
        for row in rows:
            origins[row] = _origin(new, saved, row, persona_row, SPLIT, row == main, distance)

    claimed = set(split_rows)
    for row, persona_row in pairs.items():
        if row not in origins and persona_row not in claimed:
            origins[row] = _origin(new, saved, row, persona_row, MATCHED, True, distance)
            claimed.add(persona_row)
    for row in range(len(new.ids)):
        persona_row = nearest.get(row)
        if row in origins:
            continue
        if persona_row is not None and persona_row not in claimed:
            origins[row] = _origin(new, saved, row, persona_row, MATCHED, True, distance)
            claimed.add(persona_row)
        else:
            origins[row] = ClusterOrigin(new.ids[row], NEW, None, False, None)

    clusters = {origin.cluster: origin for origin in origins.values()}
    personas = {
        persona: _fate(persona, share, new, clusters.values())
        for persona, share in zip(saved.ids, saved.shares, strict=True)
    }
    return CarryOver(dict(sorted(clusters.items())), personas, float(reach))


def _distances(new: np.ndarray, saved: np.ndarray) -> np.ndarray:
    if len(new) == 0 or len(saved) == 0:
        return np.zeros((len(new), len(saved)))
    if new.shape[1] != saved.shape[1]:
        raise FeatureError(
            f"The saved personas have {saved.shape[1]} feature columns and the new segmentation "
            f"{new.shape[1]}: carry over between segmentations of the same columns."
        )
    return np.linalg.norm(new[:, None, :] - saved[None, :, :], axis=2)


def _nearest(distance: np.ndarray, reach: float) -> dict[int, int]:
    """{new row: nearest saved row} for the new clusters within reach of some persona."""
    if distance.shape[1] == 0:
        return {}
    nearest = distance.argmin(axis=1)
    return {
        row: int(column) for row, column in enumerate(nearest) if distance[row, column] <= reach
    }


def _origin(new, saved, row, persona_row, status, keeps_name, distance) -> ClusterOrigin:
    return ClusterOrigin(
        new.ids[row], status, saved.ids[persona_row], keeps_name, float(distance[row, persona_row])
    )


def _fate(persona: int, share: float, new: Centers, origins) -> PersonaFate:
    mine = [o for o in origins if o.persona == persona]
    shares = dict(zip(new.ids, new.shares, strict=True))
    clusters = tuple(sorted(o.cluster for o in mine))
    after = float(sum(shares[c] for c in clusters))
    if not mine:
        status = DISAPPEARED
    elif any(o.status == SPLIT for o in mine):
        status = SPLIT
    elif share > 0 and abs(after / share - 1) < STABLE_CHANGE:
        status = UNCHANGED
    else:
        status = GREW if after > share else SHRANK
    return PersonaFate(persona, status, clusters, float(share), after)
