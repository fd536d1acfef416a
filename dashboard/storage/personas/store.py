"""``PersonaStore``: the persona sets of a team in one SQL database, checked on the way in."""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from numpy.typing import ArrayLike
from sqlalchemy import Engine, delete
from sqlalchemy.orm import sessionmaker

from algorithms.errors import SegmentaError
from dashboard.storage.db import PersonaSetRow
from dashboard.storage.personas import queries
from dashboard.storage.personas.limits import (
    checked_author,
    checked_dataset_hash,
    checked_name,
    checked_personas,
    checked_segmentation,
    storable_text,
)
from dashboard.storage.personas.model import (
    PersonaSetContent,
    PersonaSetSummary,
    PersonaSetVersion,
    VersionInfo,
)
from dashboard.storage.personas.queries import PersonaSetNotFound
from dashboard.storage.personas.rows import checked_labels, checked_row_ids, from_rows
from dashboard.storage.personas.saving import append_version, create_set


class PersonaStore:
    """Create, version, list and delete persona sets in one SQL database.

    Sessions are short (one per call) so the store can be shared by the threads of a worker;
    several workers and processes may use the same database at once.
    """

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def create(
        self,
        *,
        name: str,
        dataset_name: str,
        dataset_hash: str,
        segmentation: Mapping,
        personas: Iterable[Mapping],
        labels: ArrayLike,
        author: str,
        row_ids: Iterable[str] | None = None,
        note: str = "",
    ) -> PersonaSetVersion:
        """Save a new persona set as version 1; names are unique among existing sets."""
        labels = checked_labels(labels)
        segmentation = checked_segmentation(segmentation)
        personas = checked_personas(personas)
        row_ids = checked_row_ids(row_ids, labels.size)
        name = checked_name(name)
        content = PersonaSetContent(
            dataset_name=storable_text(dataset_name, "dataset name"),
            dataset_hash=checked_dataset_hash(dataset_hash),
            segmentation=segmentation,
            personas=personas,
            labels=labels,
            row_ids=row_ids,
        )
        return create_set(
            self._sessions,
            content,
            name=name,
            author=checked_author(author),
            note=storable_text(note, "note"),
        )

    def save(
        self,
        set_id: int,
        *,
        base_version: int,
        personas: Iterable[Mapping],
        author: str,
        segmentation: Mapping | None = None,
        labels: ArrayLike | None = None,
        row_ids: Iterable[str] | None = None,
        name: str | None = None,
        note: str = "",
    ) -> PersonaSetVersion:
        """Append version ``base_version + 1``; content not given is carried over from the base.

        Raises ``VersionConflict`` when the latest version is no longer ``base_version``.
        """
        personas = checked_personas(personas)
        segmentation = None if segmentation is None else checked_segmentation(segmentation)
        author, note = checked_author(author), storable_text(note, "note")
        name = None if name is None else checked_name(name)
        base = self.get(set_id, base_version)
        changes = {"personas": personas}
        if segmentation is not None:
            changes["segmentation"] = segmentation
        if labels is not None:
            changes["labels"] = labels = checked_labels(labels)
            _check_same_rows(labels.size, base.labels.size)
        if row_ids is not None:
            changes["row_ids"] = checked_row_ids(row_ids, changes.get("labels", base.labels).size)
        content = replace(base.as_content(), **changes)
        return append_version(
            self._sessions, set_id, base_version, content, author=author, note=note, name=name
        )

    def get(self, set_id: int, version: int | None = None) -> PersonaSetVersion:
        """The given version of a set, or its latest version when ``version`` is None."""
        with self._sessions() as session:
            return from_rows(*queries.version_rows(session, set_id, version))

    def get_by_name(self, name: str, version: int | None = None) -> PersonaSetVersion:
        """Like ``get``, finding the set by its name (case and spacing ignored)."""
        with self._sessions() as session:
            set_id = queries.set_id_named(session, name)
        if set_id is None:
            raise PersonaSetNotFound(f"there is no persona set named ‘{name}’")
        return self.get(set_id, version)

    def versions(self, set_id: int) -> list[VersionInfo]:
        """The history of a set, newest version first."""
        with self._sessions() as session:
            return queries.history(session, set_id)

    def restore(
        self, set_id: int, version: int, *, base_version: int, author: str
    ) -> PersonaSetVersion:
        """Append a new version whose content is that of ``version``."""
        author = checked_author(author)
        old = self.get(set_id, version).as_content()
        note = f"restored from version {version}"
        return append_version(
            self._sessions, set_id, base_version, old, author=author, note=note, name=None
        )

    def list(
        self,
        search: str | None = None,
        *,
        author: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PersonaSetSummary]:
        """Persona sets, most recently saved first.

        ``search`` matches, ignoring case, part of the name, the dataset name or the name of
        anyone who saved a version; ``author`` keeps sets with a version by that person;
        ``since``/``until`` bound the time of the latest save (inclusive).
        """
        with self._sessions() as session:
            return queries.summaries(session, search, author, since, until)

    def duplicate(
        self, set_id: int, *, new_name: str, author: str, version: int | None = None
    ) -> PersonaSetVersion:
        """Copy a version (the latest by default) into a new set named ``new_name``."""
        source = self.get(set_id, version)
        return create_set(
            self._sessions,
            source.as_content(),
            name=checked_name(new_name),
            author=checked_author(author),
            note=f"duplicated from ‘{source.name}’ version {source.version}",
        )

    def delete(self, set_id: int) -> None:
        """Delete a set and all its versions for good."""
        with self._sessions.begin() as session:
            deleted = session.execute(delete(PersonaSetRow).where(PersonaSetRow.id == set_id))
            if deleted.rowcount == 0:
                raise PersonaSetNotFound(f"there is no persona set with id {set_id}")


def _check_same_rows(n_rows: int, base_rows: int) -> None:
    if n_rows != base_rows:
        raise SegmentaError(
            f"the new labels cover {n_rows} rows but this persona set's dataset has {base_rows}: "
            "a segmentation of another table must be saved as a new persona set"
        )
