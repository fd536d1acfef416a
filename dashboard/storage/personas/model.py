"""The persona set model: what a persona set holds, as the store, the pages, the API and the CLI
see it.

One shape for a persona set's content (``PersonaSetContent``: what a save writes besides who
saved it), extended with who, when and which version once stored (``PersonaSetVersion``). The
database rows (``dashboard.storage.db``) are only its storage schema, mapped to and from it in
``rows``; the JSON record the API serves is written from it in ``dashboard.persona_sets``.
"""

from dataclasses import dataclass, fields
from datetime import datetime

import numpy as np


@dataclass(frozen=True, eq=False)
class PersonaSetContent:
    """A segmentation of one dataset and the personas written for its clusters.

    ``segmentation`` holds the method, its parameters and the profiles; ``personas`` one dict per
    cluster (name, description, recommendation, colour, tags); ``labels`` one cluster per
    clustered row (read-only once stored) and ``row_ids`` those rows' customer ids, if any.
    """

    dataset_hash: str
    dataset_name: str
    segmentation: dict
    personas: list[dict]
    labels: np.ndarray
    row_ids: list[str] | None

    def as_content(self) -> "PersonaSetContent":
        """Only the content (of a stored version too), to carry into another version or set."""
        return PersonaSetContent(
            **{field.name: getattr(self, field.name) for field in fields(PersonaSetContent)}
        )


@dataclass(frozen=True, eq=False)
class PersonaSetVersion(PersonaSetContent):
    """One stored version of a persona set: its content, its set's name, who saved it and when."""

    set_id: int
    version: int
    name: str
    author: str
    saved_at: datetime
    note: str


@dataclass(frozen=True)
class PersonaSetSummary:
    """What a list of persona sets shows, read without loading any labels."""

    set_id: int
    name: str
    dataset_name: str
    dataset_hash: str
    latest_version: int
    latest_author: str
    updated_at: datetime
    created_at: datetime
    created_by: str
    n_personas: int


@dataclass(frozen=True)
class VersionInfo:
    """One line of a persona set's history."""

    version: int
    author: str
    saved_at: datetime
    note: str
    n_personas: int
