"""A stored persona set applied to its stored dataset: the labelled customer table, the
report's figure, and every export format, for the API and ``segmenta personas export``."""

import pandas as pd
import plotly.graph_objects as go

from algorithms.errors import DataError, SegmentaError
from algorithms.preprocessing import FeaturePreprocessor
from dashboard.exports import customer_table, persona_html, persona_json, persona_markdown
from dashboard.figures.personas import centroid_figure, persona_scatter
from dashboard.persona_sets.records import find_persona_set, persona_set_record
from dashboard.spreadsheets import csv_bytes, excel_bytes
from dashboard.storage.datasets import DatasetStore
from dashboard.storage.personas import PersonaSetVersion, PersonaStore


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


def report_figure(datasets: DatasetStore, version: PersonaSetVersion, record: dict) -> go.Figure:
    """The customers coloured by persona, or the saved centroids when the data is gone."""
    if not datasets.exists(version.dataset_hash):
        return centroid_figure(record["segmentation"], record["personas"])
    _, prepared = saved_rows(datasets, version)
    return persona_scatter(prepared.original, version.labels, record["personas"])


EXPORT_FORMATS = ("json", "md", "html", "csv", "xlsx")


def export_persona_set(
    store: PersonaStore,
    datasets: DatasetStore,
    name_or_id: str,
    fmt: str,
    version: int | None = None,
    raw_csv: bool = False,
) -> bytes:
    """A stored persona set as a file's bytes: ``json``, ``md``, ``html`` (the report),
    ``csv`` or ``xlsx`` (the customer table with Cluster and Persona; the CSV's text written
    untouched with ``raw_csv``, else made inert for spreadsheets)."""
    saved = find_persona_set(store, name_or_id, version)
    record = persona_set_record(saved)
    if fmt == "json":
        return persona_json(record).encode("utf-8")
    if fmt == "md":
        return persona_markdown(record).encode("utf-8")
    if fmt == "html":
        return persona_html(record, report_figure(datasets, saved, record)).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(saved_customer_table(datasets, saved), raw=raw_csv)
    if fmt == "xlsx":
        return excel_bytes(saved_customer_table(datasets, saved))
    raise SegmentaError(
        f"Unknown export format ‘{fmt}’: choose one of {', '.join(EXPORT_FORMATS)}."
    )
