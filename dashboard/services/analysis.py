"""What the pages ask for, computed once and cached: segmentations, k sweeps, k-distances,
silhouettes, bootstrap stability. Pages call these with a dataset id and a spec, never with
data, so tables stay on the server and every page reads the same cached result.
"""

import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from algorithms.diagnostics import (
    ClusterScores,
    KRecommendation,
    KSweep,
    k_distances,
    recommend_k,
    score_labels,
    suggest_eps,
    sweep_k,
)
from algorithms.eps_check import EpsCheck, check_eps
from algorithms.methods import get_method
from algorithms.methods.base import SEED_PARAM
from algorithms.preprocessing import FeaturePreprocessor, PreparedFeatures
from algorithms.segmentation import Segmentation, SegmentationSpec, fit_prepared
from algorithms.stability import Stability, segmentation_stability
from dashboard.services.results import ResultCache, result_key
from dashboard.storage.datasets import DatasetStore
from dashboard.view.state import View

PREPARED_VIEWS_KEPT = 4


@dataclass(frozen=True)
class SegmentationResult:
    """The cacheable part of a Segmentation: what the pages draw, without the matrix."""

    spec: dict
    method_label: str
    row_mask: np.ndarray
    labels: np.ndarray
    scores: dict
    profile: pd.DataFrame
    centroids: pd.DataFrame
    sizes: dict
    note: str
    fit_seconds: float
    core_mask: np.ndarray | None = None
    linkage_matrix: np.ndarray | None = None
    cut_height: float | None = None
    summary: dict | None = None
    probabilities: np.ndarray | None = None
    """Each clustered row's probability of its segment, for methods that give one."""
    silhouette_rows: np.ndarray | None = None
    """The rows of ``labels`` with a silhouette (all clustered rows, a stratified sample above
    the cap), and their values: computed once with the scores, drawn by Diagnostics."""
    silhouette_values: np.ndarray | None = None

    @classmethod
    def of(cls, segmentation: Segmentation) -> "SegmentationResult":
        model = segmentation.model
        return cls(
            spec=segmentation.spec.as_dict(),
            method_label=model.label,
            row_mask=segmentation.prepared.row_mask,
            labels=segmentation.labels,
            scores=segmentation.scores.as_dict(),
            profile=segmentation.profile,
            centroids=segmentation.centroids(),
            sizes=segmentation.sizes(),
            note=model.note_,
            fit_seconds=segmentation.fit_seconds,
            core_mask=getattr(model, "core_sample_mask_", None),
            linkage_matrix=getattr(model, "linkage_matrix_", None),
            cut_height=getattr(model, "cut_height_", None),
            summary=segmentation.summary(),
            probabilities=model.probabilities_,
            silhouette_rows=segmentation.scores.sample_rows,
            silhouette_values=segmentation.scores.sample_silhouettes,
        )

    def scored(self, scores: ClusterScores) -> "SegmentationResult":
        """This result with ``scores`` (of its labels), for a result fitted unscored."""
        return replace(
            self,
            scores=scores.as_dict(),
            summary=(self.summary or {}) | {"metrics": scores.as_dict()},
            silhouette_rows=scores.sample_rows,
            silhouette_values=scores.sample_silhouettes,
        )


@dataclass(frozen=True)
class SweepResult:
    sweep: KSweep
    recommendation: KRecommendation | None


@dataclass(frozen=True)
class KDistanceResult:
    distances: np.ndarray
    suggested_eps: float | None
    min_samples: int


class Analysis:
    def __init__(self, datasets: DatasetStore, results: ResultCache):
        self.datasets = datasets
        self.results = results
        self._prepared: dict[View, PreparedFeatures] = {}
        self._prepared_lock = threading.Lock()

    def table(self, dataset_id: str) -> pd.DataFrame:
        return self.datasets.get(dataset_id)

    def prepare(self, view: View) -> PreparedFeatures:
        """The scaled matrix of a view, kept for the last few views in this process: every
        panel, sweep and export of a page asks for it, and it is cheap to rebuild elsewhere."""
        with self._prepared_lock:
            prepared = self._prepared.pop(view, None)
        if prepared is None:
            preprocessor = FeaturePreprocessor(list(view.features), view.scaling, view.categorical)
            prepared = preprocessor.fit_transform(self.table(view.dataset_id))
        with self._prepared_lock:
            self._prepared[view] = prepared
            while len(self._prepared) > PREPARED_VIEWS_KEPT:
                self._prepared.pop(next(iter(self._prepared)))
        return prepared

    def segmentation(self, view: View, method: str, params: dict, seed: int = 0):
        """The result with its quality scores: the fit (``fitted``), then the scores."""
        spec = view.spec(method, params, seed)

        def compute() -> SegmentationResult:
            fitted = self.fitted(view, method, params, seed)
            matrix = self.prepare(view).matrix
            return fitted.scored(score_labels(matrix, fitted.labels, seed=spec.seed))

        return self.results.get_or_compute(_segmentation_key(view, spec), compute)

    def fitted(self, view: View, method: str, params: dict, seed: int = 0):
        """The result before its quality scores (``scores`` holds the counts only): what a
        Compare panel draws, without waiting for a silhouette that only the metrics show.
        The scored result when that is cached already."""
        scored = self.cached_segmentation(view, method, params, seed)
        if scored is not None:
            return scored
        spec = view.spec(method, params, seed)
        key = result_key("fitted", view.dataset_id, **spec.as_dict())
        return self.results.get_or_compute(key, lambda: self._segment(view, spec))

    def cached_segmentation(self, view: View, method: str, params: dict, seed: int = 0):
        """The result ``segmentation`` would return, if it was already computed; else None."""
        spec = view.spec(method, params, seed)
        return self.results.cached(_segmentation_key(view, spec))

    def _segment(self, view: View, spec: SegmentationSpec) -> SegmentationResult:
        table = self.table(view.dataset_id)
        prepared = self.prepare(view)
        return SegmentationResult.of(fit_prepared(table, prepared, spec, scored=False))

    def sweep(
        self, view: View, k_min: int = 1, k_max: int = 10, seed: int = 0, progress=None
    ) -> SweepResult:
        key = result_key(
            "sweep", view.dataset_id, view=view.as_store(), k=(k_min, k_max), seed=seed
        )

        def compute() -> SweepResult:
            sweep = sweep_k(self.prepare(view).matrix, k_min, k_max, seed=seed, progress=progress)
            return SweepResult(sweep, recommend_k(sweep))

        return self.results.get_or_compute(key, compute)

    def k_distance(self, view: View, min_samples: int, seed: int = 0) -> KDistanceResult:
        key = result_key("kdist", view.dataset_id, view=view.as_store(), m=min_samples, seed=seed)

        def compute() -> KDistanceResult:
            distances = k_distances(self.prepare(view).matrix, min_samples, seed)
            return KDistanceResult(distances, suggest_eps(distances), min_samples)

        return self.results.get_or_compute(key, compute)

    def eps_check(self, view: View, eps: float, min_samples: int, seed: int = 0) -> EpsCheck | None:
        """What DBSCAN makes of ``eps`` on the view, with what to try when that is one
        segment or mostly noise (``algorithms.eps_check``); None above its ``MAX_ROWS``
        customers (not checked)."""
        matrix = self.prepare(view).matrix
        key = result_key(
            "epscheck", view.dataset_id, view=view.as_store(), eps=float(eps), m=min_samples,
            seed=seed,
        )  # fmt: skip
        return self.results.get_or_compute(
            key, lambda: check_eps(matrix, float(eps), int(min_samples), seed)
        )

    def criteria(
        self, view: View, method: str, k_min: int, k_max: int, seed: int = 0
    ) -> dict[str, list[float]]:
        """The per-k criteria ``method`` declares (``criteria_by_k``) at its default
        parameters, for k_min..k_max."""
        key = result_key(
            "criteria", view.dataset_id, view=view.as_store(), method=method, k=(k_min, k_max),
            seed=seed,
        )  # fmt: skip

        def compute() -> dict[str, list[float]]:
            ks = list(range(k_min, k_max + 1))
            return get_method(method).criteria_by_k(
                self.prepare(view).matrix, ks, {SEED_PARAM: seed}
            )

        return self.results.get_or_compute(key, compute)

    def silhouettes(
        self, view: View, method: str, params: dict, seed: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(clustered-row positions, their labels, silhouette values), sampled above the cap:
        the ones the segmentation's score was computed from, cached with it."""
        result = self.segmentation(view, method, params, seed)
        rows = result.silhouette_rows
        return rows, result.labels[rows], result.silhouette_values

    def stability(
        self, view: View, method: str, params: dict, seed: int = 0, progress=None
    ) -> Stability:
        """Bootstrap stability of a segmentation (see ``algorithms.stability``); ``progress``
        receives (resample, of) while it is computed, not when it comes from the cache."""
        spec = view.spec(method, params, seed)
        key = _stability_key(view, spec)

        def compute() -> Stability:
            result = self.segmentation(view, method, params, seed)
            matrix = self.prepare(view).matrix
            return segmentation_stability(matrix, result.labels, spec, progress=progress)

        return self.results.get_or_compute(key, compute)

    def cached_stability(
        self, view: View, method: str, params: dict, seed: int = 0
    ) -> Stability | None:
        """The stability ``stability`` would return, if it was already computed; None
        otherwise. Never computes: twenty refits are only run when someone asks for them."""
        return self.results.cached(_stability_key(view, view.spec(method, params, seed)))


def _segmentation_key(view: View, spec: SegmentationSpec) -> str:
    return result_key("segmentation", view.dataset_id, **spec.as_dict())


def _stability_key(view: View, spec: SegmentationSpec) -> str:
    return result_key("stability", view.dataset_id, **spec.as_dict())
