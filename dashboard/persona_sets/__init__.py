"""Persona sets as the page, the API and the CLI see them, between them and the PersonaStore.

What is saved is a *record*: the segmentation (its spec, summary with centroids in the table's
units and profiles, the population's mean and spread, the dataset's id and name), one persona
per cluster (name, description, marketing recommendation, colour, tags) and the labels of the
clustered rows with their customer ids. ``persona_set_record`` turns a stored version into the
JSON-ready dict the API serves and the JSON export writes; the CLI reads the same dict back from
a file, so everything downstream (carry-over, reports) works on that one shape.

Free of dash and flask, so the CLI can use it.
"""

from dashboard.persona_sets.carry import (
    carry_over_personas,
    carry_over_report,
    carry_over_run,
)
from dashboard.persona_sets.records import (
    ROW_ID_COLUMN,
    SetContent,
    clean_personas,
    draft_personas,
    draft_record,
    find_persona_set,
    load_persona_record,
    palette_color,
    persona_set_record,
    population_stats,
    save_as_new_set,
    save_persona_set,
    split_tags,
    summary_record,
)
from dashboard.persona_sets.stored import (
    EXPORT_FORMATS,
    export_persona_set,
    report_figure,
    saved_customer_table,
    saved_rows,
)
from dashboard.persona_sets.workspace import (
    Workspace,
    live_source,
    resolve,
    saved_source,
    segmentation_record,
    set_content,
)

__all__ = [
    "EXPORT_FORMATS",
    "ROW_ID_COLUMN",
    "SetContent",
    "Workspace",
    "carry_over_personas",
    "carry_over_report",
    "clean_personas",
    "draft_personas",
    "draft_record",
    "export_persona_set",
    "find_persona_set",
    "live_source",
    "load_persona_record",
    "palette_color",
    "carry_over_run",
    "persona_set_record",
    "population_stats",
    "report_figure",
    "resolve",
    "save_as_new_set",
    "save_persona_set",
    "saved_customer_table",
    "saved_rows",
    "saved_source",
    "segmentation_record",
    "set_content",
    "split_tags",
    "summary_record",
]
