"""Named, versioned persona sets shared by a team.

A persona set ties a segmentation of one dataset (labels for every row, the method and its
parameters, the profiles) to the personas the team wrote for its clusters. Every save appends a
version instead of overwriting, so history can be browsed and restored, and a save names the
version it started from: if someone else saved in between, the save is refused with a
``VersionConflict`` instead of silently discarding their work. Each save is one transaction, so a
crash leaves either the whole new version or nothing.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import ArrayLike
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from algorithms.errors import SegmentaError
from dashboard.storage.db import (
    PersonaSetRow,
    PersonaSetVersionRow,
    decode_labels,
    decode_row_ids,
    encode_labels,
    encode_row_ids,
    plain_json,
    storable_text,
)

MAX_NAME_LENGTH = 200
# A persona's text: a few paragraphs each, not a pasted book (one save once held 40 MB).
MAX_PERSONA_TEXT = 5_000
MAX_TAGS = 50
PERSONA_TEXT_LIMITS = {
    "name": MAX_NAME_LENGTH,
    "description": MAX_PERSONA_TEXT,
    "recommendation": MAX_PERSONA_TEXT,
}
# Ids and versions are Integer columns: 32-bit on PostgreSQL, which refuses larger numbers
# with an error (and SQLite past 64 bits), so those are looked up as "not found" instead.
MAX_STORED_NUMBER = 2**31 - 1


@dataclass(frozen=True, eq=False)
class PersonaSetVersion:
    """One version of a persona set with its full content (labels are a read-only array)."""

    set_id: int
    version: int
    name: str
    dataset_name: str
    dataset_hash: str
    author: str
    saved_at: datetime
    note: str
    segmentation: dict
    personas: list[dict]
    labels: np.ndarray
    row_ids: list[str] | None


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


class PersonaSetNotFound(SegmentaError):
    """The persona set (or the version of it) asked for does not exist, or was deleted."""


class VersionConflict(SegmentaError):
    """Someone saved the persona set after the version this save started from."""

    def __init__(
        self,
        *,
        set_id: int,
        name: str,
        expected_version: int,
        latest_version: int,
        latest_author: str,
        latest_saved_at: datetime,
    ) -> None:
        self.set_id = set_id
        self.expected_version = expected_version
        self.latest_version = latest_version
        self.latest_author = latest_author
        self.latest_saved_at = latest_saved_at
        super().__init__(
            f"‘{name}’ was saved by {latest_author} as version {latest_version} "
            f"{_when(latest_saved_at)} while you were editing version {expected_version}: "
            "reload it, or save yours as a new persona set."
        )


@dataclass(frozen=True)
class _Content:
    """The part of a version a save may carry over unchanged from its base (labels stay encoded)."""

    segmentation: dict
    personas: list
    n_rows: int
    labels: bytes
    row_ids: bytes | None

    @classmethod
    def of(cls, row: PersonaSetVersionRow) -> "_Content":
        return cls(row.segmentation, row.personas, row.n_rows, row.labels, row.row_ids)


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
        labels_blob, n_rows = encode_labels(labels)
        content = _Content(
            segmentation=_segmentation(segmentation),
            personas=_personas(personas),
            n_rows=n_rows,
            labels=labels_blob,
            row_ids=encode_row_ids(row_ids, n_rows),
        )
        return self._create(
            name=_name(name),
            dataset_name=storable_text(dataset_name, "dataset name"),
            dataset_hash=_dataset_hash(dataset_hash),
            content=content,
            author=_author(author),
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
        personas = _personas(personas)
        segmentation = None if segmentation is None else _segmentation(segmentation)
        author, note = _author(author), storable_text(note, "note")
        name = None if name is None else _name(name)
        with self._sessions() as session:
            base = _Content.of(self._version_row(session, set_id, base_version)[1])
            n_rows, labels_blob = base.n_rows, base.labels
            if labels is not None:
                labels_blob, n_rows = encode_labels(labels)
                _check_same_rows(n_rows, base.n_rows)
            content = _Content(
                segmentation=base.segmentation if segmentation is None else segmentation,
                personas=personas,
                n_rows=n_rows,
                labels=labels_blob,
                row_ids=base.row_ids if row_ids is None else encode_row_ids(row_ids, n_rows),
            )
        return self._append(set_id, base_version, content, author=author, note=note, name=name)

    def get(self, set_id: int, version: int | None = None) -> PersonaSetVersion:
        """The given version of a set, or its latest version when ``version`` is None."""
        with self._sessions() as session:
            return _version(*self._version_row(session, set_id, version))

    def get_by_name(self, name: str, version: int | None = None) -> PersonaSetVersion:
        """Like ``get``, finding the set by its name (case and spacing ignored)."""
        with self._sessions() as session:
            set_id = session.scalar(
                select(PersonaSetRow.id).where(PersonaSetRow.name_key == _name_key(name))
            )
        if set_id is None:
            raise PersonaSetNotFound(f"there is no persona set named ‘{name}’")
        return self.get(set_id, version)

    def versions(self, set_id: int) -> list[VersionInfo]:
        """The history of a set, newest version first."""
        with self._sessions() as session:
            self._set_row(session, set_id)
            rows = session.execute(
                select(
                    PersonaSetVersionRow.version,
                    PersonaSetVersionRow.author,
                    PersonaSetVersionRow.saved_at,
                    PersonaSetVersionRow.note,
                    PersonaSetVersionRow.n_personas,
                )
                .where(PersonaSetVersionRow.set_id == set_id)
                .order_by(PersonaSetVersionRow.version.desc())
            ).all()
        return [VersionInfo(*row) for row in rows]

    def restore(
        self, set_id: int, version: int, *, base_version: int, author: str
    ) -> PersonaSetVersion:
        """Append a new version whose content is that of ``version``."""
        author = _author(author)
        with self._sessions() as session:
            old = _Content.of(self._version_row(session, set_id, version)[1])
        note = f"restored from version {version}"
        return self._append(set_id, base_version, old, author=author, note=note, name=None)

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
        latest = PersonaSetVersionRow
        query = (
            select(PersonaSetRow, latest.author, latest.n_personas)
            .join(
                latest,
                (latest.set_id == PersonaSetRow.id)
                & (latest.version == PersonaSetRow.latest_version),
            )
            .order_by(PersonaSetRow.updated_at.desc(), PersonaSetRow.id.desc())
        )
        if since is not None:
            query = query.where(PersonaSetRow.updated_at >= _aware(since, "since"))
        if until is not None:
            query = query.where(PersonaSetRow.updated_at <= _aware(until, "until"))
        with self._sessions() as session:
            rows = session.execute(query).all()
            authors = self._authors_by_set(session) if search or author else {}
        if search:
            needle = search.strip().casefold()
            rows = [
                r
                for r in rows
                if needle in r[0].name.casefold()
                or needle in r[0].dataset_name.casefold()
                or any(needle in a for a in authors[r[0].id])
            ]
        if author:
            wanted = author.strip().casefold()
            rows = [r for r in rows if wanted in authors[r[0].id]]
        return [_summary(set_row, author, n_personas) for set_row, author, n_personas in rows]

    def duplicate(
        self, set_id: int, *, new_name: str, author: str, version: int | None = None
    ) -> PersonaSetVersion:
        """Copy a version (the latest by default) into a new set named ``new_name``."""
        with self._sessions() as session:
            source, row = self._version_row(session, set_id, version)
        return self._create(
            name=_name(new_name),
            dataset_name=source.dataset_name,
            dataset_hash=source.dataset_hash,
            content=_Content.of(row),
            author=_author(author),
            note=f"duplicated from ‘{source.name}’ version {row.version}",
        )

    def delete(self, set_id: int) -> None:
        """Delete a set and all its versions for good."""
        with self._sessions.begin() as session:
            deleted = session.execute(delete(PersonaSetRow).where(PersonaSetRow.id == set_id))
            if deleted.rowcount == 0:
                raise PersonaSetNotFound(f"there is no persona set with id {set_id}")

    def _create(self, *, name, dataset_name, dataset_hash, content, author, note):
        now = datetime.now(UTC)
        set_row = PersonaSetRow(
            name=name,
            name_key=_name_key(name),
            dataset_name=dataset_name,
            dataset_hash=dataset_hash,
            created_at=now,
            created_by=author,
            latest_version=1,
            updated_at=now,
        )
        with self._sessions() as session:
            self._check_name_free(session, name)
            session.add(set_row)
            try:
                session.flush()
                row = _version_row(set_row.id, 1, content, author=author, note=note, now=now)
                session.add(row)
                session.commit()
            except IntegrityError:
                session.rollback()
                self._check_name_free(session, name)
                raise
            return _version(set_row, row)

    def _append(self, set_id, base_version, content, *, author, note, name):
        """Compare-and-set the latest version, then insert the new version, in one transaction."""
        now = datetime.now(UTC)
        new_version = base_version + 1
        changes = {"latest_version": new_version, "updated_at": now}
        if name is not None:
            changes |= {"name": name, "name_key": _name_key(name)}
        with self._sessions() as session:
            if name is not None:
                self._check_name_free(session, name, set_id=set_id)
            try:
                swapped = session.execute(
                    update(PersonaSetRow)
                    .where(PersonaSetRow.id == set_id)
                    .where(PersonaSetRow.latest_version == base_version)
                    .values(**changes)
                )
                if swapped.rowcount == 1:
                    row = _version_row(set_id, new_version, content, author, note, now=now)
                    session.add(row)
                    session.flush()
                    session.commit()
                    set_row = session.get(PersonaSetRow, set_id, populate_existing=True)
                    return _version(set_row, row)
            except IntegrityError:
                session.rollback()
                if name is not None:
                    self._check_name_free(session, name, set_id=set_id)
            session.rollback()
            raise self._conflict(session, set_id, base_version)

    def _conflict(self, session: Session, set_id: int, base_version: int) -> VersionConflict:
        set_row = self._set_row(session, set_id)
        latest = session.execute(
            select(
                PersonaSetVersionRow.version,
                PersonaSetVersionRow.author,
                PersonaSetVersionRow.saved_at,
            )
            .where(PersonaSetVersionRow.set_id == set_id)
            .order_by(PersonaSetVersionRow.version.desc())
            .limit(1)
        ).one()
        return VersionConflict(
            set_id=set_id,
            name=set_row.name,
            expected_version=base_version,
            latest_version=latest.version,
            latest_author=latest.author,
            latest_saved_at=latest.saved_at,
        )

    @staticmethod
    def _check_name_free(session: Session, name: str, *, set_id: int | None = None) -> None:
        taken = session.scalars(
            select(PersonaSetRow).where(PersonaSetRow.name_key == _name_key(name))
        ).one_or_none()
        if taken is not None and taken.id != set_id:
            raise SegmentaError(
                f"a persona set named ‘{taken.name}’ already exists: choose another name"
            )

    @staticmethod
    def _set_row(session: Session, set_id: int) -> PersonaSetRow:
        set_row = session.get(PersonaSetRow, set_id) if _storable_number(set_id) else None
        if set_row is None:
            raise PersonaSetNotFound(
                f"there is no persona set with id {set_id}: it may have been deleted"
            )
        return set_row

    def _version_row(
        self, session: Session, set_id: int, version: int | None
    ) -> tuple[PersonaSetRow, PersonaSetVersionRow]:
        """A set and one of its versions (the latest when ``version`` is None)."""
        set_row = self._set_row(session, set_id)
        if version is None:
            version = set_row.latest_version
        row = None
        if _storable_number(version):
            row = session.scalars(
                select(PersonaSetVersionRow).where(
                    PersonaSetVersionRow.set_id == set_id, PersonaSetVersionRow.version == version
                )
            ).one_or_none()
        if row is None:
            raise PersonaSetNotFound(
                f"persona set ‘{set_row.name}’ has no version {version} "
                f"(its versions are 1 to {set_row.latest_version})"
            )
        return set_row, row

    @staticmethod
    def _authors_by_set(session: Session) -> dict[int, set[str]]:
        authors: dict[int, set[str]] = {}
        pairs = session.execute(
            select(PersonaSetVersionRow.set_id, PersonaSetVersionRow.author).group_by(
                PersonaSetVersionRow.set_id, PersonaSetVersionRow.author
            )
        )
        for set_id, author in pairs:
            authors.setdefault(set_id, set()).add(author.casefold())
        return authors


def _version_row(set_id, version, content: _Content, author, note, *, now) -> PersonaSetVersionRow:
    return PersonaSetVersionRow(
        set_id=set_id,
        version=version,
        author=author,
        saved_at=now,
        note=note,
        segmentation=content.segmentation,
        personas=content.personas,
        n_personas=len(content.personas),
        n_rows=content.n_rows,
        labels=content.labels,
        row_ids=content.row_ids,
    )


def _version(set_row: PersonaSetRow, row: PersonaSetVersionRow) -> PersonaSetVersion:
    return PersonaSetVersion(
        set_id=set_row.id,
        version=row.version,
        name=set_row.name,
        dataset_name=set_row.dataset_name,
        dataset_hash=set_row.dataset_hash,
        author=row.author,
        saved_at=row.saved_at,
        note=row.note,
        segmentation=row.segmentation,
        personas=row.personas,
        labels=decode_labels(row.labels, row.n_rows),
        row_ids=decode_row_ids(row.row_ids),
    )


def _summary(set_row: PersonaSetRow, latest_author: str, n_personas: int) -> PersonaSetSummary:
    return PersonaSetSummary(
        set_id=set_row.id,
        name=set_row.name,
        dataset_name=set_row.dataset_name,
        dataset_hash=set_row.dataset_hash,
        latest_version=set_row.latest_version,
        latest_author=latest_author,
        updated_at=set_row.updated_at,
        created_at=set_row.created_at,
        created_by=set_row.created_by,
        n_personas=n_personas,
    )


def _when(moment: datetime) -> str:
    if moment.date() == datetime.now(UTC).date():
        return f"at {moment:%H:%M} UTC"
    return f"on {moment:%Y-%m-%d} at {moment:%H:%M} UTC"


def _check_same_rows(n_rows: int, base_rows: int) -> None:
    if n_rows != base_rows:
        raise SegmentaError(
            f"the new labels cover {n_rows} rows but this persona set's dataset has {base_rows}: "
            "a segmentation of another table must be saved as a new persona set"
        )


def _name(value: str) -> str:
    name = storable_text(value, "persona set name").strip()
    if not name:
        raise SegmentaError("the persona set name is empty: give it a name")
    if len(name) > MAX_NAME_LENGTH:
        raise SegmentaError(
            f"the persona set name has {len(name)} characters: keep it under {MAX_NAME_LENGTH}"
        )
    return name


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _author(value: str) -> str:
    author = storable_text(value, "author").strip()
    if not author:
        raise SegmentaError("the author is empty: say who is saving")
    if len(author) > MAX_NAME_LENGTH:
        raise SegmentaError(f"the author name is longer than {MAX_NAME_LENGTH} characters")
    return author


def _dataset_hash(value: str) -> str:
    value = storable_text(value, "dataset hash")
    if not value or len(value) > 64:
        raise SegmentaError(f"dataset hash {value!r} is not a dataset id")
    return value


def _segmentation(value: Mapping) -> dict:
    if not isinstance(value, Mapping):
        raise SegmentaError(f"the segmentation must be a dict, not {type(value).__name__}")
    return plain_json(dict(value), "segmentation")


def _personas(value: Iterable[Mapping]) -> list[dict]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise SegmentaError(f"personas must be a list of dicts, not {type(value).__name__}")
    personas = list(value)
    for position, persona in enumerate(personas):
        if not isinstance(persona, Mapping):
            raise SegmentaError(f"persona {position + 1} is a {type(persona).__name__}, not a dict")
        _check_text_lengths(persona, position)
    return plain_json([dict(p) for p in personas], "personas")


def _check_text_lengths(persona: Mapping, position: int) -> None:
    """Refuse a field over its limit, naming the persona, the field and the limit."""
    name = persona.get("name")
    who = f"persona {position + 1}" + (f" (‘{name[:60]}’)" if isinstance(name, str) else "")
    for field, limit in PERSONA_TEXT_LIMITS.items():
        value = persona.get(field)
        if isinstance(value, str) and len(value) > limit:
            raise SegmentaError(
                f"The {field} of {who} has {len(value):,} characters: shorten it to "
                f"{limit:,} or fewer."
            )
    tags = persona.get("tags")
    tags = [tags] if isinstance(tags, str) else tags if isinstance(tags, list) else []
    if len(tags) > MAX_TAGS:
        raise SegmentaError(f"{who.capitalize()} has {len(tags)} tags: keep {MAX_TAGS} or fewer.")
    for tag in tags:
        if isinstance(tag, str) and len(tag) > MAX_NAME_LENGTH:
            raise SegmentaError(
                f"A tag of {who} has {len(tag):,} characters: shorten it to "
                f"{MAX_NAME_LENGTH} or fewer."
            )


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise SegmentaError(f"‘{what}’ has no timezone: pass an aware datetime (e.g. in UTC)")
    return moment


def _storable_number(number: int) -> bool:
    return 0 < number <= MAX_STORED_NUMBER
