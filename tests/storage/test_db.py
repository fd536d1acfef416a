"""Engine and schema: URLs, SQLite settings, idempotent schema, health check."""

import threading

import pytest
from sqlalchemy import inspect

from algorithms.errors import SegmentaError
from dashboard.storage import (
    PersonaStore,
    StorageUnavailable,
    check_database,
    make_engine,
    prepare_schema,
)
from dashboard.storage.db import normalize_url


@pytest.mark.parametrize(
    ("given", "driver", "database"),
    [
        ("postgres://ana:secret@db.example:5432/segmenta", "postgresql+psycopg", "segmenta"),
        ("postgresql://ana:secret@db.example:5432/segmenta", "postgresql+psycopg", "segmenta"),
        ("postgresql+psycopg://ana@db.example/segmenta", "postgresql+psycopg", "segmenta"),
        ("sqlite:///instance/segmenta.db", "sqlite", "instance/segmenta.db"),
    ],
)
def test_urls_are_sent_to_the_installed_drivers(given, driver, database):
    url = normalize_url(given)
    assert (url.drivername, url.database) == (driver, database)


def test_postgres_url_keeps_credentials_and_options():
    url = normalize_url("postgres://ana:s3cret@db.example:6543/segmenta?sslmode=require")
    assert (url.username, url.password, url.host, url.port) == ("ana", "s3cret", "db.example", 6543)
    assert url.query == {"sslmode": "require"}


def test_an_invalid_url_is_a_clear_error():
    with pytest.raises(SegmentaError, match="database URL 'not a url' is not valid"):
        make_engine("not a url")


def test_sqlite_engine_creates_its_folder_and_sets_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "deep" / "er" / "segmenta.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        assert path.parent.is_dir()
        assert (journal, foreign_keys) == ("wal", 1)
    finally:
        engine.dispose()


def test_schema_creation_is_idempotent_and_keeps_data(engine):
    store = PersonaStore(engine)
    store.create(
        name="Kept",
        dataset_name="d",
        dataset_hash="h",
        segmentation={},
        personas=[],
        labels=[0, 1],
        author="Ana",
    )
    prepare_schema(engine)
    prepare_schema(engine)
    assert {"persona_sets", "persona_set_versions"} <= set(inspect(engine).get_table_names())
    assert [s.name for s in store.list()] == ["Kept"]


def test_check_database_passes_on_a_ready_database(engine):
    check_database(engine)


def test_check_database_reports_missing_tables(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(StorageUnavailable, match="no such table"):
            check_database(engine)
    finally:
        engine.dispose()


def test_check_database_reports_an_unreachable_server_without_its_password():
    engine = make_engine("postgresql://ana:s3cret@127.0.0.1:1/segmenta?connect_timeout=3")
    try:
        with pytest.raises(StorageUnavailable) as caught:
            check_database(engine)
        assert "127.0.0.1:1/segmenta" in str(caught.value)
        assert "s3cret" not in str(caught.value)
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_for_every_thread():
    engine = make_engine("sqlite://")
    try:
        prepare_schema(engine)
        store = PersonaStore(engine)
        created = store.create(
            name="Shared",
            dataset_name="d",
            dataset_hash="h",
            segmentation={},
            personas=[],
            labels=[0],
            author="Ana",
        )
        seen = []
        reader = threading.Thread(target=lambda: seen.append(store.get(created.set_id).name))
        reader.start()
        reader.join()
        assert seen == ["Shared"]
    finally:
        engine.dispose()
