"""Database engine and schema of the persona store.

One module owns the connection rules and the tables so that the app, the CLI and the tests open
the database the same way: SQLite for a single machine (WAL so readers never wait for a writer,
foreign keys on so deleting a set deletes its versions) and PostgreSQL for a team deployment.
Deliberately free of dash and flask: the CLI uses it without the web stack.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import DateTime, TypeDecorator

from algorithms.errors import SegmentaError

# Driver names in the URLs hosting platforms hand out; psycopg 3 is the driver installed.
_POSTGRES_ALIASES = {"postgres", "postgresql"}
_SQLITE_BUSY_TIMEOUT_S = 30


class StorageUnavailable(RuntimeError):
    """The database cannot be reached or lacks its tables: an operator problem, not bad input."""


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend.

    SQLite has no timezone type and drops the offset, so values are stored as naive UTC and the
    UTC zone is put back on load; PostgreSQL's timestamptz returns the session zone, so results
    are converted to UTC too. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must carry a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JSONText(TypeDecorator):
    """JSON kept as text so that content round-trips exactly on every backend.

    Native JSON types do not: PostgreSQL's jsonb reorders keys and rejects ``\\u0000``, its json
    type and SQLite reject NaN (a normal value for an undefined metric). ASCII-escaped text
    avoids all of that; nothing queries inside these documents.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=True, allow_nan=True)

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else json.loads(value)


class Base(DeclarativeBase):
    """Declarative base whose constraint names are predictable across backends."""

    metadata = MetaData(
        naming_convention={
            "pk": "pk_%(table_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        }
    )


class PersonaSetRow(Base):
    """A named persona set; its content lives in its versions.

    ``latest_version`` is the compare-and-set target of a save, and ``name_key`` (the name
    casefolded, whitespace collapsed) makes names unique among sets without relying on the
    collation of each backend.
    """

    __tablename__ = "persona_sets"
    # AUTOINCREMENT: SQLite must not reuse a deleted set's id, which an open editor may still hold.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, unique=True)
    dataset_name: Mapped[str] = mapped_column(Text)
    dataset_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    latest_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PersonaSetVersionRow(Base):
    """One saved state of a persona set; rows are only ever inserted, never updated.

    The unique (set_id, version) pair is the last line of defence against two concurrent saves
    from the same base version: the second insert fails instead of silently forking history.
    """

    __tablename__ = "persona_set_versions"
    __table_args__ = (UniqueConstraint("set_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("persona_sets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
    segmentation: Mapped[dict] = mapped_column(JSONText)
    personas: Mapped[list] = mapped_column(JSONText)
    n_personas: Mapped[int] = mapped_column(Integer)
    n_rows: Mapped[int] = mapped_column(Integer)
    labels: Mapped[bytes] = mapped_column(LargeBinary)
    row_ids: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


def normalize_url(url: str) -> URL:
    """Parse a database URL, sending plain ``postgres://``/``postgresql://`` to psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise SegmentaError(
            f"database URL {url!r} is not valid: use sqlite:///path/to/segmenta.db "
            "or postgresql://user@host:5432/dbname"
        ) from exc
    if parsed.drivername in _POSTGRES_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """Open a pooled engine for SQLite or PostgreSQL with the settings the stores rely on."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Without a timeout an unreachable server hangs every request (and /healthz) for minutes.
        timeout = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        return create_engine(parsed, pool_pre_ping=True, connect_args=timeout)
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"check_same_thread": False, "timeout": _SQLITE_BUSY_TIMEOUT_S},
        # One shared connection, or each thread would see its own empty in-memory database.
        poolclass=StaticPool if in_memory else None,
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def outage_description(error: Exception) -> str:
    """What a user is told when the database cannot be reached mid-request."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = f" ({reason[0][:200]})" if reason else ""
    return (
        f"The persona database is unreachable{detail}. Nothing already saved is lost; "
        "try again when it is back."
    )
