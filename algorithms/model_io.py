"""A fitted segmentation that can label new customers, saved to a file and loaded back.

``segmenta segment --model`` saves one and ``segmenta assign`` applies it to next month's
customers: the fitted preprocessing (the training table's scaling, the one-hot categories) and
the fitted method go together, so a new customer is scaled exactly as the training customers
were. K-Means puts a customer in the segment of the nearest centroid, DBSCAN in the segment of
the nearest core point within eps (else noise), hierarchical clustering in the segment of the
nearest customer the tree was built on (each method's ``predict``).

Models are joblib pickles, and unpickling runs code: every model file is signed with the
installation's model key (``algorithms.model_signing``) and ``load_model`` checks the signature
before it unpickles anything, so a hostile or tampered file is refused unread. The web app
offers a model for download (``to_bytes``) but never loads an uploaded one.
"""

import io
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import joblib
import pandas as pd

from algorithms.errors import DataError
from algorithms.methods import NOISE, ClusteringMethod
from algorithms.model_signing import ModelKey, signed, verified_payload
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.segmentation import Segmentation

CLUSTER_COLUMN = "Cluster"
PERSONA_COLUMN = "Persona"
PROBABILITY_COLUMN = "Probability"
NOISE_PERSONA = "Noise"
MODEL_FORMAT = 2  # 2: hierarchical models assign by nearest tree customer


@dataclass
class SegmentModel:
    """The fitted preprocessor and method, the name of each segment and the run's parameters."""

    preprocessor: FeaturePreprocessor
    method: ClusteringMethod
    cluster_names: dict[int, str] = field(default_factory=dict)
    spec: dict = field(default_factory=dict)
    format_version: int = MODEL_FORMAT

    @classmethod
    def from_segmentation(
        cls, segmentation: Segmentation, cluster_names: dict[int, str] | None = None
    ) -> "SegmentModel":
        """The model of one run; segments not named in ``cluster_names`` keep the drafted label."""
        profile = segmentation.profile
        names = {
            int(cluster): str(label)
            for cluster, label in zip(profile["cluster"], profile["label"], strict=True)
            if cluster != NOISE
        }
        names.update({int(cluster): str(name) for cluster, name in (cluster_names or {}).items()})
        return cls(
            preprocessor=segmentation.prepared.preprocessor,
            method=segmentation.model,
            cluster_names=names,
            spec=segmentation.spec.as_dict(),
        )

    @property
    def features(self) -> list[str]:
        """The columns a table needs for ``assign`` (the encoded column included)."""
        encoded = [self.preprocessor.categorical] if self.preprocessor.categorical else []
        return list(self.preprocessor.features) + encoded

    def assign(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with the segment of every customer; <NA> where a feature value is missing."""
        prepared = self.preprocessor.transform(table)
        labels = pd.Series(pd.NA, index=table.index, dtype="Int64")
        labels[prepared.row_mask] = self.method.predict(prepared.matrix)
        probabilities = self.method.membership_probability(prepared.matrix)
        if probabilities is not None:
            probabilities = pd.Series(probabilities, index=table.index[prepared.row_mask])
        return label_table(table, labels, self.cluster_names, probabilities)

    def to_bytes(self, key: ModelKey) -> bytes:
        """The saved model, signed with ``key``, as bytes (a download button's file)."""
        pickled = io.BytesIO()
        joblib.dump(self, pickled, compress=3)
        return signed(pickled.getvalue(), key)


def label_table(
    table: pd.DataFrame,
    labels: pd.Series,
    cluster_names: dict[int, str],
    probabilities: pd.Series | None = None,
) -> pd.DataFrame:
    """``table`` with ``Cluster`` (Int64, -1 for noise) and ``Persona`` columns appended, and
    ``Probability`` (of that segment, <NA> where not computed) for methods that give one.

    Existing ``Cluster``/``Persona``/``Probability`` columns (a table labelled before) are
    replaced; every other column is left as it was.
    """
    labels = pd.Series(pd.array(labels, dtype="Int64"), index=table.index)
    personas = labels.map({c: persona_of(c, cluster_names) for c in labels.dropna().unique()})
    labelled = table.drop(
        columns=[CLUSTER_COLUMN, PERSONA_COLUMN, PROBABILITY_COLUMN], errors="ignore"
    )
    labelled[CLUSTER_COLUMN] = labels
    labelled[PERSONA_COLUMN] = personas.astype("str")
    if probabilities is not None:
        labelled[PROBABILITY_COLUMN] = probabilities.reindex(table.index).astype("Float64")
    return labelled


def persona_of(cluster: int, cluster_names: dict[int, str]) -> str:
    if cluster == NOISE:
        return NOISE_PERSONA
    return cluster_names.get(int(cluster), f"Segment {cluster}")


def save_model(model: SegmentModel, path: str | PathLike, key: ModelKey) -> None:
    """Write ``model`` to ``path``: a compressed joblib pickle, signed with ``key``."""
    Path(path).write_bytes(model.to_bytes(key))


def load_model(path: str | PathLike, key: ModelKey) -> SegmentModel:
    """A model saved by ``save_model`` with ``key``; any other file is refused before it is
    unpickled (``DataError``)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"No model file at {str(path)!r}: save one with `segmenta segment --model`."
        )
    payload = verified_payload(path.read_bytes(), key, str(path))
    try:
        model = joblib.load(io.BytesIO(payload))
    except Exception as error:  # unpickling fails in many ways; all mean "not our model file"
        raise DataError(
            f"{str(path)!r} is not a model saved by `segmenta segment --model` "
            f"({type(error).__name__}): save the model again."
        ) from error
    if not isinstance(model, SegmentModel):
        raise DataError(
            f"{str(path)!r} holds a {type(model).__name__}, not a Segmenta model: "
            "save one with `segmenta segment --model`."
        )
    if model.format_version != MODEL_FORMAT:
        raise DataError(
            f"{str(path)!r} was saved in model format {model.format_version}; this Segmenta "
            f"reads format {MODEL_FORMAT}: run `segmenta segment --model` again."
        )
    return model
