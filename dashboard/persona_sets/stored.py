"""A stored persona set applied to its stored dataset: the rows it clustered and the labelled
customer table, for the API, the exports (``dashboard.services.persona_export``) and the CLI."""

import pandas as pd

from algorithms.errors import DataError, SegmentaError
from algorithms.preprocessing import FeaturePreprocessor
from dashboard.services.exports import customer_table
from dashboard.storage.datasets import DatasetStore
from dashboard.storage.personas import PersonaSetVersion


def saved_rows(datasets: DatasetStore, version: PersonaSetVersion):
    """(table, prepared features) of a version's dataset, the rows it clustered checked.

    Raises ``DataError`` when the dataset is no longer stored.
    """
    if not datasets.exists(version.dataset_hash):
        raise DataError(
            f"the table ‘{version.dataset_name}’ ({version.dataset_hash}) is no longer stored "
            "on the server: upload it again to work with its customers"
        )
    table = datasets.get(version.dataset_hash)
    segmentation = version.segmentation
    prepared = FeaturePreprocessor(
        list(segmentation["features"]), segmentation["scaling"], segmentation.get("categorical")
    ).fit_transform(table)
    if int(prepared.row_mask.sum()) != len(version.labels):
        raise SegmentaError(
            f"The saved labels cover {len(version.labels)} customers but the stored table "
            f"has {int(prepared.row_mask.sum())} usable rows: the persona set cannot be "
            "applied to it."
        )
    return table, prepared


def saved_customer_table(datasets: DatasetStore, version: PersonaSetVersion) -> pd.DataFrame:
    """The saved dataset with that version's Cluster and Persona columns."""
    table, prepared = saved_rows(datasets, version)
    names = {int(p["cluster"]): p["name"] for p in version.personas}
    return customer_table(table, prepared.row_mask, version.labels, names)
