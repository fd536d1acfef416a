"""One segmentation run end to end: preprocess, fit, score, profile.

This is what the CLI, the app's callbacks and the benchmarks call, so that one preprocessing
result feeds the fit, every metric and every profile, and all three agree.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from algorithms.diagnostics import ClusterScores, count_labels, score_labels
from algorithms.explain import explain_segments
from algorithms.methods import ClusteringMethod, make_method
from algorithms.preprocessing import FeaturePreprocessor, PreparedFeatures
from algorithms.profiling import profile_clusters

PROFILE_CATEGORY = "Gender"


@dataclass(frozen=True)
class SegmentationSpec:
    """Everything that determines a segmentation: the cache key and the saved record."""

    features: tuple[str, ...]
    method: str
    params: dict = field(default_factory=dict)
    scaling: str = "standard"
    categorical: str | None = None
    seed: int = 0

    def method_params(self) -> dict:
        """The method's parameters, with the run's seed where the method takes one."""
        params = dict(self.params)
        method = make_method(self.method, **params)
        if "random_state" in method.params_in and "random_state" not in params:
            params["random_state"] = self.seed
        return make_method(self.method, **params).get_params()

    def as_dict(self) -> dict:
        return {
            "features": list(self.features),
            "method": self.method,
            "params": self.method_params(),
            "scaling": self.scaling,
            "categorical": self.categorical,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Segmentation:
    spec: SegmentationSpec
    prepared: PreparedFeatures
    model: ClusteringMethod
    scores: ClusterScores
    profile: pd.DataFrame
    fit_seconds: float

    @property
    def labels(self) -> np.ndarray:
        """Cluster of each clustered row (rows with missing values left out)."""
        return self.model.labels_

    def table_labels(self) -> pd.Series:
        """Cluster of every row of the input table; <NA> where a value was missing."""
        labels = pd.Series(pd.NA, index=self.prepared.table_index, dtype="Int64")
        labels[self.prepared.row_mask] = self.labels
        return labels

    def table_probabilities(self) -> pd.Series | None:
        """Each row's probability of its segment (<NA> where a value was missing); None when
        the method gives no probabilities."""
        if self.model.probabilities_ is None:
            return None
        probabilities = pd.Series(pd.NA, index=self.prepared.table_index, dtype="Float64")
        probabilities[self.prepared.row_mask] = self.model.probabilities_
        return probabilities

    def centroids(self) -> pd.DataFrame:
        """Cluster centres in the table's units (K-Means centroids, else member means)."""
        centres = self.prepared.preprocessor.to_original_units(self.model.cluster_centers_)
        return pd.DataFrame(centres, columns=self.prepared.columns).rename_axis("cluster")

    def sizes(self) -> dict[int, int]:
        clusters, counts = np.unique(self.labels, return_counts=True)
        return {int(c): int(n) for c, n in zip(clusters, counts, strict=True)}

    def explained_profiles(self) -> list[dict]:
        """The profile records, each segment with its ``top_features`` and ``rule`` (see
        ``algorithms.explain``; none for noise, nor beyond 20 segments)."""
        explained = explain_segments(self.prepared.original, self.labels, self.spec.seed)
        records = self.profile.round(6).to_dict(orient="records")
        for record in records:
            record.update(explained.get(int(record["cluster"]), {}))
        return records

    def summary(self) -> dict:
        """A JSON-ready record: parameters, metrics, sizes, centroids and profiles."""
        return {
            **self.spec.as_dict(),
            "method_label": self.model.label,
            "n_rows": int(len(self.prepared.row_mask)),
            "n_dropped_missing": self.prepared.n_dropped,
            "metrics": self.scores.as_dict(),
            "sizes": {str(k): v for k, v in self.sizes().items()},
            "centroids": self.centroids().round(6).to_dict(orient="index"),
            "profiles": self.explained_profiles(),
            "note": self.model.note_,
            "fit_seconds": round(self.fit_seconds, 4),
        }


def run_segmentation(table: pd.DataFrame, spec: SegmentationSpec) -> Segmentation:
    prepared = FeaturePreprocessor(
        list(spec.features), spec.scaling, spec.categorical
    ).fit_transform(table)
    return fit_prepared(table, prepared, spec)


def fit_prepared(
    table: pd.DataFrame, prepared: PreparedFeatures, spec: SegmentationSpec, scored: bool = True
) -> Segmentation:
    """Fit one method on an already prepared matrix (the Compare page shares one).
    ``scored=False`` leaves the quality scores out (``count_labels``): a page can draw the
    segments first and score them after (``score_labels`` on the same matrix and labels)."""
    model = make_method(spec.method, **spec.method_params())
    started = time.perf_counter()
    model.fit(prepared.matrix)
    fit_seconds = time.perf_counter() - started
    if scored:
        scores = score_labels(prepared.matrix, model.labels_, seed=spec.seed)
    else:
        scores = count_labels(model.labels_)
    category = table.loc[prepared.row_mask, PROFILE_CATEGORY] if PROFILE_CATEGORY in table else None
    profile = profile_clusters(prepared.original, model.labels_, category)
    return Segmentation(spec, prepared, model, scores, profile, fit_seconds)
