"""Server-side storage: uploaded tables (``datasets``) and team persona sets (``personas``).

Free of dash and flask so the CLI and background workers can use it too.
"""

from dashboard.storage.datasets import DatasetInfo, DatasetStore, dataset_hash
from dashboard.storage.db import StorageUnavailable, make_engine
from dashboard.storage.migrations import SchemaOutdated, check_database, prepare_schema
from dashboard.storage.personas import (
    PersonaSetNotFound,
    PersonaSetSummary,
    PersonaSetVersion,
    PersonaStore,
    VersionConflict,
    VersionInfo,
)

__all__ = [
    "DatasetInfo",
    "DatasetStore",
    "PersonaSetNotFound",
    "PersonaSetSummary",
    "PersonaSetVersion",
    "PersonaStore",
    "SchemaOutdated",
    "StorageUnavailable",
    "VersionConflict",
    "VersionInfo",
    "check_database",
    "dataset_hash",
    "make_engine",
    "prepare_schema",
]
