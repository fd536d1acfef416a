"""Schema migrations of the persona store (Alembic), and the rule a start-up follows.

Each change of the tables in ``dashboard.storage.db`` comes with a revision in ``versions/``
(``make migration MESSAGE=...`` drafts it from the models). A deployment applies them with
``segmenta db upgrade``. At start-up (``prepare_schema``):

- an empty database is upgraded to the newest revision, so ``make run`` works on a new machine;
- a database made before migrations existed (the tables of revision ``0001``, no
  ``alembic_version``) is stamped as ``0001``: its tables and rows stay as they are;
- a database at an older revision is refused, naming the command that upgrades it: a server
  never changes a shared schema on its own, which other servers may still be reading.
"""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, literal, select
from sqlalchemy.exc import SQLAlchemyError

from dashboard.storage.db import Base, StorageUnavailable, make_engine

UPGRADE_COMMAND = "segmenta db upgrade"
SCRIPT_LOCATION = Path(__file__).parent
log = logging.getLogger("segmenta")
# Alembic says "Context impl SQLiteImpl" each time a revision is read (every /healthz); what it
# did is said by this module and by `segmenta db upgrade` instead.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
# The revision whose tables ``create_all`` made before migrations existed: frozen, like 0001.
BASELINE_REVISION = "0001"
BASELINE_TABLES = frozenset({"persona_sets", "persona_set_versions"})


class SchemaOutdated(StorageUnavailable):
    """The database's schema is not the one this version of Segmenta works with."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's settings without an ini file: the scripts here, the connection to migrate."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def database_revision(connection: Connection) -> str | None:
    """The revision the database is at: Alembic's record, ``BASELINE_REVISION`` for a database
    made before migrations, None for an empty one. Reads only."""
    recorded = MigrationContext.configure(connection).get_current_revision()
    if recorded is not None:
        return recorded
    present = BASELINE_TABLES & set(inspect(connection).get_table_names())
    if not present:
        return None
    if present != BASELINE_TABLES:
        raise StorageUnavailable(
            f"database {_where(connection)} holds {', '.join(sorted(present))} but not "
            f"{', '.join(sorted(BASELINE_TABLES - present))}, and no record of its schema "
            "revision: it was not made by Segmenta, or was damaged; restore it from a backup"
        )
    return BASELINE_REVISION


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision (``segmenta db upgrade``); returns the
    revisions before and after. A database made before migrations is stamped first."""
    with engine.begin() as connection:
        before = database_revision(connection)
        if before is not None and not _is_known(before):
            raise SchemaOutdated(_unknown_revision(connection, before))
        config = alembic_config(connection)
        if before == BASELINE_REVISION and not _is_recorded(connection):
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")
    return before, head_revision()


def prepare_schema(engine: Engine) -> None:
    """The start-up rule of the module docstring; ``SchemaOutdated`` when the server must not
    start. Safe to call on every start and from several processes at once."""
    with engine.begin() as connection:
        current = database_revision(connection)
        if current is None:
            command.upgrade(alembic_config(connection), "head")
            log.info("created the persona store's tables in %s", _where(connection))
            return
        if current == BASELINE_REVISION and not _is_recorded(connection):
            command.stamp(alembic_config(connection), BASELINE_REVISION)
        check_revision(connection, current)


def check_database(engine: Engine) -> None:
    """Raise ``StorageUnavailable`` unless the database answers and holds every table, and
    ``SchemaOutdated`` unless they are at the newest revision. Reads only."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                connection.execute(select(literal(1)).select_from(table).limit(1)).all()
            current = database_revision(connection)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) is not None else exc).strip()
        raise StorageUnavailable(
            f"database {where} is not usable: {reason.splitlines()[0]}"
        ) from exc
    with engine.connect() as connection:
        check_revision(connection, current)


def check_revision(connection: Connection, current: str | None) -> None:
    """Raise ``SchemaOutdated`` unless ``current`` is the newest revision."""
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutdated(
            f"database {_where(connection)} has no persona tables yet: run `{UPGRADE_COMMAND}` "
            "or start the app once, which creates them"
        )
    if not _is_known(current):
        raise SchemaOutdated(_unknown_revision(connection, current))
    raise SchemaOutdated(
        f"database {_where(connection)} has the persona store's schema at revision {current}, "
        f"this version of Segmenta needs {head}: run `{UPGRADE_COMMAND}` (with the server's "
        "DATABASE_URL, or --database URL), then start again"
    )


def write_revision(message: str) -> Path:
    """Draft the next revision (``make migration``): what the models hold that the newest
    revision lacks, found by autogenerate on a throwaway SQLite database. Read and complete
    it before committing (autogenerate misses renames and data moves)."""
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            number = f"{int(head_revision()) + 1:04d}"
            script = command.revision(config, message, autogenerate=True, rev_id=number)
    finally:
        engine.dispose()
    return Path(script.path)


def _is_known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config())
    return revision in {script.revision for script in scripts.walk_revisions()}


def _is_recorded(connection: Connection) -> bool:
    return MigrationContext.configure(connection).get_current_revision() is not None


def _unknown_revision(connection: Connection, current: str | None) -> str:
    return (
        f"database {_where(connection)} is at schema revision {current}, which this version of "
        "Segmenta does not know: a newer Segmenta upgraded it; run that version"
    )


def _where(connection: Connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)
