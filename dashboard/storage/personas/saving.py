"""Writing persona sets: every save appends a version in one transaction, with conflict checks.

A save names the version it started from: if someone else saved in between, the save is refused
with a ``VersionConflict`` instead of silently discarding their work. Names are unique among
sets (case and spacing ignored); a name taken by a concurrent save is refused the same way as
one taken before. A crash leaves either the whole new version or nothing.
"""

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from algorithms.errors import SegmentaError
from dashboard.storage.db import PersonaSetRow
from dashboard.storage.personas import queries
from dashboard.storage.personas.model import PersonaSetContent, PersonaSetVersion
from dashboard.storage.personas.rows import from_rows, name_key, stored_version, to_rows


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


def create_set(
    sessions: sessionmaker, content: PersonaSetContent, *, name: str, author: str, note: str
) -> PersonaSetVersion:
    """Write a new set with ``content`` as its version 1."""
    first = stored_version(
        content,
        set_id=None,
        version=1,
        name=name,
        author=author,
        saved_at=datetime.now(UTC),
        note=note,
    )
    set_row, row = to_rows(first)
    with sessions() as session:
        check_name_free(session, name)
        session.add(set_row)
        try:
            session.flush()
            row.set_id = set_row.id
            session.add(row)
            session.commit()
        except IntegrityError:
            session.rollback()
            check_name_free(session, name)
            raise
        return from_rows(set_row, row)


def append_version(
    sessions: sessionmaker,
    set_id: int,
    base_version: int,
    content: PersonaSetContent,
    *,
    author: str,
    note: str,
    name: str | None,
) -> PersonaSetVersion:
    """Compare-and-set the latest version, then insert the new version, in one transaction."""
    now = datetime.now(UTC)
    new_version = base_version + 1
    changes = {"latest_version": new_version, "updated_at": now}
    if name is not None:
        changes |= {"name": name, "name_key": name_key(name)}
    with sessions() as session:
        if name is not None:
            check_name_free(session, name, set_id=set_id)
        try:
            swapped = session.execute(
                update(PersonaSetRow)
                .where(PersonaSetRow.id == set_id)
                .where(PersonaSetRow.latest_version == base_version)
                .values(**changes)
            )
            if swapped.rowcount == 1:
                version = stored_version(
                    content,
                    set_id=set_id,
                    version=new_version,
                    name=name or "",
                    author=author,
                    saved_at=now,
                    note=note,
                )
                _, row = to_rows(version)  # the set's row was updated in place above
                session.add(row)
                session.flush()
                session.commit()
                set_row = session.get(PersonaSetRow, set_id, populate_existing=True)
                return from_rows(set_row, row)
        except IntegrityError:
            session.rollback()
            if name is not None:
                check_name_free(session, name, set_id=set_id)
        session.rollback()
        raise _conflict(session, set_id, base_version)


def check_name_free(session: Session, name: str, *, set_id: int | None = None) -> None:
    taken = queries.set_named(session, name)
    if taken is not None and taken.id != set_id:
        raise SegmentaError(
            f"a persona set named ‘{taken.name}’ already exists: choose another name"
        )


def _conflict(session: Session, set_id: int, base_version: int) -> VersionConflict:
    set_row = queries.set_row(session, set_id)
    latest = queries.latest_version_info(session, set_id)
    return VersionConflict(
        set_id=set_id,
        name=set_row.name,
        expected_version=base_version,
        latest_version=latest.version,
        latest_author=latest.author,
        latest_saved_at=latest.saved_at,
    )


def _when(moment: datetime) -> str:
    if moment.date() == datetime.now(UTC).date():
        return f"at {moment:%H:%M} UTC"
    return f"on {moment:%Y-%m-%d} at {moment:%H:%M} UTC"
