"""Removing a stored table, for the Data page and ``DELETE /api/datasets/<id>``.

Test uploads would otherwise sit in everyone's list for good. A table stays while a saved
persona set was made on it (its labels and exports read the table), and the bundled sample
always stays: every page falls back on it.
"""

from algorithms.errors import SegmentaError
from dashboard.storage.datasets import DatasetInfo


class TableKept(SegmentaError):
    """The table may not be removed now: the message says why and what to do."""


def removal_problem(services, dataset_id: str) -> TableKept | None:
    """Why the stored table ``dataset_id`` may not be removed, or None when it may (the id
    itself is checked by the store: DataError for an unknown one)."""
    info = services.datasets.info(dataset_id)
    if dataset_id == services.sample.dataset_id:
        return TableKept(
            f"‘{info.name}’ is the bundled sample: it cannot be deleted (every page falls back "
            "on it)."
        )
    users = [s.name for s in services.personas.list() if s.dataset_hash == dataset_id]
    if users:
        named = ", ".join(f"‘{name}’" for name in users)
        sets = "persona set" if len(users) == 1 else "persona sets"
        return TableKept(
            f"‘{info.name}’ is used by the saved {sets} {named}: it is kept while they use it. "
            "Delete those sets on the Personas page first."
        )
    return None


def remove_table(services, dataset_id: str) -> DatasetInfo:
    """Delete the stored table and return what it was; TableKept when it must stay."""
    problem = removal_problem(services, dataset_id)
    if problem is not None:
        raise problem
    return services.datasets.delete(dataset_id)
