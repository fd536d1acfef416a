"""A stored persona set as a file, in every export format, for ``segmenta personas export``.

Kept beside ``dashboard.services.exports`` rather than in ``dashboard.persona_sets`` because the
HTML report draws a figure: the persona model stays free of the figure builders.
"""

import plotly.graph_objects as go

from algorithms.errors import SegmentaError
from dashboard.figures.personas import centroid_figure, persona_scatter
from dashboard.persona_sets import (
    PersonaSetVersion,
    PersonaStore,
    find_persona_set,
    persona_set_record,
    saved_customer_table,
    saved_rows,
)
from dashboard.services.exports import persona_html, persona_json, persona_markdown
from dashboard.services.spreadsheets import csv_bytes, excel_bytes
from dashboard.storage.datasets import DatasetStore


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
