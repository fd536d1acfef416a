"""The app's persona database and datasets folder, opened for a command.

The CLI reads what the team saved in the app, so it finds the database the way the app does
(``Config.from_env()``: ``DATABASE_URL``, else ``segmenta.db`` in the instance folder), unless
``--database`` names another one. Reading only: a missing SQLite file or an empty database is
reported, never created. Imports SQLAlchemy and the persona code, so the command modules import
this one only when a persona command runs, keeping ``segmenta --help`` and plain runs quick.
"""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from algorithms.errors import DataError
from dashboard.config import Config
from dashboard.persona_sets import load_persona_record
from dashboard.storage import (
    DatasetStore,
    PersonaSetNotFound,
    PersonaStore,
    SchemaOutdated,
    StorageUnavailable,
    check_database,
    make_engine,
)
from dashboard.storage.db import normalize_url

LIST_HINT = "see `segmenta personas list`"
T = TypeVar("T")


def database_url(override: str | None) -> str:
    return override or Config.from_env().database


def datasets_folder() -> Path:
    """Where the app stores uploaded tables (``datasets`` in ``$SEGMENTA_INSTANCE``)."""
    return Config.from_env().datasets_folder


@contextmanager
def datasets_store() -> Iterator[DatasetStore]:
    """The app's stored tables; an empty store when the folder does not exist, so that reading
    never creates folders in an instance the app may not use."""
    folder = datasets_folder()
    if folder.is_dir():
        yield DatasetStore(folder)
        return
    with tempfile.TemporaryDirectory(prefix="segmenta-no-datasets-") as empty:
        yield DatasetStore(Path(empty))


@dataclass(frozen=True)
class PersonaDatabase:
    store: PersonaStore
    where: str
    """The database URL with any password hidden, for messages."""

    def find(self, lookup: Callable[[PersonaStore], T]) -> T:
        """``lookup(store)``, an unknown set reported with the database it was looked for in."""
        try:
            return lookup(self.store)
        except PersonaSetNotFound as error:
            raise PersonaSetNotFound(f"{error} in {self.where} ({LIST_HINT})") from None


@contextmanager
def persona_database(database: str | None) -> Iterator[PersonaDatabase]:
    """The persona store of ``database`` (or the configured one), checked to be reachable and
    to hold the app's tables; its connections are closed when the command is done."""
    given = database_url(database)
    url = normalize_url(given)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database).expanduser()
        if not path.is_file():
            raise DataError(
                f"No persona database at {str(path)!r}: save a persona set in the app first, "
                "or point --database (or DATABASE_URL) at the app's database."
            )
    engine = make_engine(given)
    try:
        try:
            check_database(engine)
        except SchemaOutdated as error:
            raise DataError(str(error)) from None
        except StorageUnavailable as error:
            raise DataError(
                f"{error}: is it the app's database, and is the app set up (it creates the "
                "tables on its first start)?"
            ) from None
        yield PersonaDatabase(PersonaStore(engine), url.render_as_string(hide_password=True))
    finally:
        engine.dispose()


def persona_record(name_or_file: str, database: str | None) -> dict:
    """A saved persona set as the app's JSON export holds it: read from an export file, or
    by name or numeric id from the database."""
    path = Path(name_or_file)
    if path.suffix.lower() == ".json":
        if not path.is_file():
            raise DataError(
                f"No persona set export at {name_or_file!r}: check the path, or write one with "
                "`segmenta personas export NAME --format json`."
            )
        return load_persona_record(None, name_or_file)  # a file: the store is not read
    with persona_database(database) as opened:
        return opened.find(lambda store: load_persona_record(store, name_or_file))
