"""Persona sets as the page, the API and the CLI see them, between them and the PersonaStore.

The persona set model (``PersonaSetContent``, ``PersonaSetVersion``) is the store's
(``dashboard.storage.personas``); pages, the API and the CLI reach it, and the store, through
this package only. What is served and exported is its *record*: the segmentation (its spec,
summary with centroids in the table's units and profiles, the population's mean and spread, the
dataset's id and name), one persona per cluster (name, description, marketing recommendation,
colour, tags) and the set's name, version and author. ``persona_set_record`` writes a stored
version as that JSON-ready dict; the CLI reads the same dict back from a file, so everything
downstream (carry-over, reports) works on that one shape.

Free of dash, flask and the figure builders, so the CLI can use it.
"""

from dashboard.persona_sets.carry import (
    carry_over_personas,
    carry_over_report,
    carry_over_run,
)
from dashboard.persona_sets.records import (
    clean_personas,
    draft_personas,
    draft_record,
    find_persona_set,
    free_name,
    load_persona_record,
    persona_set_record,
    save_as_new_set,
    save_persona_set,
    summary_record,
)
from dashboard.persona_sets.stored import saved_customer_table, saved_rows
from dashboard.persona_sets.workspace import (
    Workspace,
    live_source,
    resolve,
    saved_source,
    set_content,
)
from dashboard.storage.personas import (
    PersonaSetContent,
    PersonaSetNotFound,
    PersonaSetSummary,
    PersonaSetVersion,
    PersonaStore,
    VersionConflict,
    VersionInfo,
)

__all__ = [
    "PersonaSetContent",
    "PersonaSetNotFound",
    "PersonaSetSummary",
    "PersonaSetVersion",
    "PersonaStore",
    "VersionConflict",
    "VersionInfo",
    "Workspace",
    "carry_over_personas",
    "carry_over_report",
    "carry_over_run",
    "clean_personas",
    "draft_personas",
    "draft_record",
    "find_persona_set",
    "free_name",
    "live_source",
    "load_persona_record",
    "persona_set_record",
    "resolve",
    "save_as_new_set",
    "save_persona_set",
    "saved_customer_table",
    "saved_rows",
    "saved_source",
    "set_content",
    "summary_record",
]
