"""What the view holds, the view a browser tab starts on, and how a view is checked.

The view is the table and the feature set every page works on (the Data page chooses it); the
shell keeps it in ``ids.VIEW`` as ``View.as_store()`` and a URL names it (``dashboard.view.url``).
"""

from dataclasses import dataclass

import pandas as pd

from algorithms.errors import FeatureError, SegmentaError
from algorithms.preprocessing import SCALERS, FeaturePreprocessor, PreparedFeatures
from algorithms.segmentation import SegmentationSpec

MIN_FEATURES = 2
"""Segments are found and drawn in two or more dimensions."""
DEFAULT_SCALING = "standard"
SAMPLE_FEATURES = ("Annual Income (k$)", "Spending Score (1-100)")
"""The sample's features a new browser tab opens on, where its segments show at once."""


@dataclass(frozen=True)
class View:
    """The feature set every page works on; the Data page chooses it."""

    dataset_id: str
    features: tuple[str, ...]
    scaling: str = DEFAULT_SCALING
    categorical: str | None = None

    @classmethod
    def from_store(cls, data: dict) -> "View":
        return cls(
            dataset_id=data["dataset_id"],
            features=tuple(data["features"]),
            scaling=data.get("scaling", DEFAULT_SCALING),
            categorical=data.get("categorical") or None,
        )

    def as_store(self) -> dict:
        return {
            "dataset_id": self.dataset_id,
            "features": list(self.features),
            "scaling": self.scaling,
            "categorical": self.categorical,
        }

    def spec(self, method: str, params: dict, seed: int = 0) -> SegmentationSpec:
        return SegmentationSpec(
            features=self.features,
            method=method,
            params=params,
            scaling=self.scaling,
            categorical=self.categorical,
            seed=seed,
        )


def default_view(services) -> View:
    """The view a new browser tab opens on: the sample's income × spending."""
    return View(dataset_id=services.sample.dataset_id, features=SAMPLE_FEATURES)


def check_view(table: pd.DataFrame, view: View) -> PreparedFeatures:
    """The view's prepared features; a SegmentaError saying what to change when it is unusable."""
    if len(view.features) < MIN_FEATURES:
        raise FeatureError(
            "Choose at least two numeric features: segments are found and drawn in two or more "
            "dimensions."
        )
    preprocessor = FeaturePreprocessor(list(view.features), view.scaling, view.categorical)
    return preprocessor.fit_transform(table)


def view_problem(services, view: dict) -> str | None:
    """Why a linked view cannot be opened on this server, in words; None when it can."""
    dataset = view["dataset_id"]
    try:
        stored = services.datasets.exists(dataset)
    except SegmentaError:
        stored = False
    if not stored:
        return (
            f"This link names a table that is not stored on this server (id {dataset}): the "
            "current view is kept. Ask the sender to upload the table here, or upload it "
            "yourself on the Data page and choose the features again."
        )
    info = services.datasets.info(dataset)
    named = [*view["features"], *([view["categorical"]] if view["categorical"] else [])]
    missing = [column for column in named if column not in info.columns]
    if missing:
        return (
            f"This link names columns that the table ‘{info.name}’ does not have "
            f"({', '.join(map(repr, missing))}): the current view is kept."
        )
    if len(view["features"]) < MIN_FEATURES:
        return "This link names fewer than two features: the current view is kept."
    if view["scaling"] not in SCALERS:
        return (
            f"This link names an unknown scaling ‘{view['scaling']}’ (choose one of "
            f"{', '.join(SCALERS)}): the current view is kept."
        )
    return None
