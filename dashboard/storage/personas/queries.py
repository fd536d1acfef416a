"""Reading persona sets: one set and one of its versions, a set's history, the library list.

Functions of an open session, so a save can read and write in one transaction; ids and
versions past what an Integer column holds are "not found", not a database error.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from algorithms.errors import SegmentaError
from dashboard.storage.db import PersonaSetRow, PersonaSetVersionRow
from dashboard.storage.personas.limits import aware, storable_number
from dashboard.storage.personas.model import PersonaSetSummary, VersionInfo
from dashboard.storage.personas.rows import name_key, summary


class PersonaSetNotFound(SegmentaError):
    """The persona set (or the version of it) asked for does not exist, or was deleted."""


def set_row(session: Session, set_id: int) -> PersonaSetRow:
    found = session.get(PersonaSetRow, set_id) if storable_number(set_id) else None
    if found is None:
        raise PersonaSetNotFound(
            f"there is no persona set with id {set_id}: it may have been deleted"
        )
    return found


def set_id_named(session: Session, name: str) -> int | None:
    return session.scalar(select(PersonaSetRow.id).where(PersonaSetRow.name_key == name_key(name)))


def set_named(session: Session, name: str) -> PersonaSetRow | None:
    return session.scalars(
        select(PersonaSetRow).where(PersonaSetRow.name_key == name_key(name))
    ).one_or_none()


def version_rows(
    session: Session, set_id: int, version: int | None
) -> tuple[PersonaSetRow, PersonaSetVersionRow]:
    """A set and one of its versions (the latest when ``version`` is None)."""
    found = set_row(session, set_id)
    if version is None:
        version = found.latest_version
    row = None
    if storable_number(version):
        row = session.scalars(
            select(PersonaSetVersionRow).where(
                PersonaSetVersionRow.set_id == set_id, PersonaSetVersionRow.version == version
            )
        ).one_or_none()
    if row is None:
        raise PersonaSetNotFound(
            f"persona set ‘{found.name}’ has no version {version} "
            f"(its versions are 1 to {found.latest_version})"
        )
    return found, row


def history(session: Session, set_id: int) -> list[VersionInfo]:
    """The versions of a set, newest first."""
    set_row(session, set_id)
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


def latest_version_info(session: Session, set_id: int):
    """(version, author, saved_at) of a set's newest version."""
    return session.execute(
        select(
            PersonaSetVersionRow.version,
            PersonaSetVersionRow.author,
            PersonaSetVersionRow.saved_at,
        )
        .where(PersonaSetVersionRow.set_id == set_id)
        .order_by(PersonaSetVersionRow.version.desc())
        .limit(1)
    ).one()


def summaries(
    session: Session,
    search: str | None,
    author: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[PersonaSetSummary]:
    """The library list; see ``PersonaStore.list``."""
    latest = PersonaSetVersionRow
    query = (
        select(PersonaSetRow, latest.author, latest.n_personas)
        .join(
            latest,
            (latest.set_id == PersonaSetRow.id) & (latest.version == PersonaSetRow.latest_version),
        )
        .order_by(PersonaSetRow.updated_at.desc(), PersonaSetRow.id.desc())
    )
    if since is not None:
        query = query.where(PersonaSetRow.updated_at >= aware(since, "since"))
    if until is not None:
        query = query.where(PersonaSetRow.updated_at <= aware(until, "until"))
    rows = session.execute(query).all()
    authors = _authors_by_set(session) if search or author else {}
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
    return [summary(found, author, n_personas) for found, author, n_personas in rows]


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
