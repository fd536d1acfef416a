"""Schema migrations on SQLite and PostgreSQL: a fresh database is created at start-up, one made
by the old ``create_all`` is adopted with its rows, an outdated one is refused (naming
``segmenta db upgrade``) until that command upgrades it, and the migrations build exactly the
models' schema.

A second revision (a column added to ``persona_sets``) is written into a copy of the migration
scripts, so that "a newer version of Segmenta" can be tested before a real one exists.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from dashboard import __main__ as entry_point
from dashboard.app import create_app
from dashboard.cli import main as segmenta
from dashboard.config import Config
from dashboard.storage import PersonaStore, SchemaOutdated, check_database, migrations
from dashboard.storage.db import Base, make_engine
from dashboard.storage.migrations import (
    BASELINE_REVISION,
    head_revision,
    prepare_schema,
    upgrade,
    write_revision,
)

NEXT_REVISION = textwrap.dedent(
    '''
    """A test's second revision."""

    import sqlalchemy as sa
    from alembic import op

    revision = "0002"
    down_revision = "0001"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        with op.batch_alter_table("persona_sets") as batch:
            batch.add_column(sa.Column("archived", sa.Integer(), nullable=True))


    def downgrade() -> None:
        with op.batch_alter_table("persona_sets") as batch:
            batch.drop_column("archived")
    '''
)


@pytest.fixture
def empty_engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def newer_segmenta(tmp_path, monkeypatch):
    """The migration scripts of a Segmenta one revision ahead of this one."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        migrations.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    (scripts / "versions" / "0002_archived.py").write_text(NEXT_REVISION)
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", scripts)
    return scripts


def recorded_revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def save_a_set(engine, name: str) -> int:
    created = PersonaStore(engine).create(
        name=name,
        dataset_name="mall",
        dataset_hash="h" * 64,
        segmentation={"algorithm": "kmeans", "params": {"n_clusters": 2}},
        personas=[{"cluster": 0, "name": "Savers"}, {"cluster": 1, "name": "Spenders"}],
        labels=[0, 1, 1, 0],
        author="Ana",
    )
    return created.set_id


def test_a_fresh_database_is_created_at_the_newest_revision(empty_engine):
    prepare_schema(empty_engine)
    assert recorded_revision(empty_engine) == head_revision()
    check_database(empty_engine)
    set_id = save_a_set(empty_engine, "Fresh")
    assert PersonaStore(empty_engine).get(set_id).name == "Fresh"


def test_the_migrations_build_exactly_the_models_schema(empty_engine):
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_the_version_table_lives_beside_the_persona_tables(empty_engine):
    """On PostgreSQL in the schema that ``search_path`` selects, not in ``public``."""
    prepare_schema(empty_engine)
    with empty_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if empty_engine.dialect.name == "postgresql":
            schema = connection.execute(text("SELECT current_schema()")).scalar()
            assert schema != "public"
            # other runs' test schemas may hold a version table at the same time: look at
            # this one and at public (where a search_path-blind migration would have put it)
            located = connection.execute(
                text(
                    "SELECT table_schema FROM information_schema.tables WHERE table_name = :t "
                    "AND table_schema IN (:here, 'public')"
                ),
                {"t": "alembic_version", "here": schema},
            ).scalars()
            assert list(located) == [schema]
    assert {"alembic_version", *Base.metadata.tables} <= tables


def test_a_database_made_by_create_all_is_adopted_with_its_rows(empty_engine):
    Base.metadata.create_all(empty_engine)  # how every database was made before migrations
    set_id = save_a_set(empty_engine, "Kept")
    check_database(empty_engine)  # reading it needs no migration record
    assert recorded_revision(empty_engine) is None

    prepare_schema(empty_engine)
    prepare_schema(empty_engine)

    assert recorded_revision(empty_engine) == BASELINE_REVISION
    assert schema_differences(empty_engine) == []
    kept = PersonaStore(empty_engine).get(set_id)
    assert (kept.name, list(kept.labels)) == ("Kept", [0, 1, 1, 0])


def test_a_partial_database_without_a_record_is_refused(empty_engine):
    Base.metadata.tables["persona_sets"].create(empty_engine)
    with pytest.raises(Exception, match="holds persona_sets but not persona_set_versions"):
        prepare_schema(empty_engine)
    assert recorded_revision(empty_engine) is None


def test_an_outdated_schema_is_refused_until_db_upgrade(empty_engine, newer_segmenta, capsys):
    Base.metadata.create_all(empty_engine)
    set_id = save_a_set(empty_engine, "Before the upgrade")

    with pytest.raises(SchemaOutdated) as refused:
        prepare_schema(empty_engine)
    message = str(refused.value)
    assert "revision 0001" in message and "needs 0002" in message
    assert "`segmenta db upgrade`" in message
    with pytest.raises(SchemaOutdated, match="segmenta db upgrade"):
        check_database(empty_engine)

    url = empty_engine.url.render_as_string(hide_password=False)
    assert segmenta(["db", "upgrade", "--database", url]) == 0
    assert "from revision 0001 to 0002" in capsys.readouterr().out

    prepare_schema(empty_engine)
    assert recorded_revision(empty_engine) == "0002"
    columns = {column["name"] for column in inspect(empty_engine).get_columns("persona_sets")}
    assert "archived" in columns
    assert PersonaStore(empty_engine).get(set_id).name == "Before the upgrade"


def test_a_schema_from_a_newer_segmenta_is_refused(empty_engine, newer_segmenta, monkeypatch):
    upgrade(empty_engine)  # at 0002, with the newer scripts
    monkeypatch.undo()  # back to this version's scripts, which stop at 0001
    with pytest.raises(SchemaOutdated, match="revision 0002, which this version of Segmenta"):
        prepare_schema(empty_engine)
    with pytest.raises(SchemaOutdated, match="does not know"):
        upgrade(empty_engine)


def test_db_upgrade_creates_a_fresh_database_and_then_has_nothing_to_do(db_url, capsys):
    assert segmenta(["db", "upgrade", "--database", db_url]) == 0
    assert "Created the persona store's tables" in capsys.readouterr().out
    assert segmenta(["db", "upgrade", "--database", db_url]) == 0
    assert f"up to date (revision {head_revision()})" in capsys.readouterr().out


def test_db_upgrade_adopts_a_create_all_database(empty_engine, capsys):
    Base.metadata.create_all(empty_engine)
    set_id = save_a_set(empty_engine, "Adopted")
    url = empty_engine.url.render_as_string(hide_password=False)
    assert segmenta(["db", "upgrade", "--database", url]) == 0
    assert recorded_revision(empty_engine) == head_revision()
    assert PersonaStore(empty_engine).get(set_id).name == "Adopted"


def test_db_upgrade_of_an_unreachable_server_is_one_error_line(capsys):
    url = "postgresql://ana:s3cret@127.0.0.1:1/segmenta?connect_timeout=3"
    assert segmenta(["db", "upgrade", "--database", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segmenta: error: database ") and "127.0.0.1:1/segmenta" in err
    assert len(err.splitlines()) == 1 and "s3cret" not in err


def test_the_app_refuses_to_start_on_an_outdated_schema(
    tmp_path, newer_segmenta, monkeypatch, capsys
):
    database = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    engine.dispose()
    with pytest.raises(SchemaOutdated, match="segmenta db upgrade"):
        create_app(Config(instance_path=tmp_path, database_url=f"sqlite:///{database}"))

    monkeypatch.setenv("SEGMENTA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    with pytest.raises(SystemExit) as stopped:
        entry_point.main()
    assert stopped.value.code == 2  # a setting to fix, as the CLI's exit code says
    message = capsys.readouterr().err
    assert message.startswith("segmenta: error: database ") and len(message.splitlines()) == 1
    assert "run `segmenta db upgrade`" in message


def test_a_drafted_revision_follows_the_newest_and_finds_no_change(tmp_path, monkeypatch):
    """``make migration`` with models equal to the migrations drafts an empty next revision."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        migrations.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", scripts)
    written = write_revision("tag personas")
    assert written.parent == scripts / "versions" and written.name == "0002_tag_personas.py"
    source = written.read_text()
    assert 'revision = "0002"' in source and 'down_revision = "0001"' in source
    assert "op." not in source  # nothing to migrate
    assert head_revision() == "0002"


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "wsgi:server",
            ],
            id="make serve",
        ),
        pytest.param([sys.executable, "-m", "dashboard"], id="make run"),
    ],
)
def test_a_server_on_a_newer_schema_stops_saying_why(tmp_path, server):
    """As a real process: a non-zero exit with the reason, no traceback, nothing served
    (``make run`` exits 2 as the CLI does for what the user fixes; gunicorn exits 1)."""
    database = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    repo = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": str(repo),
        "DATABASE_URL": database,
        "SEGMENTA_INSTANCE": str(tmp_path),
        "SEGMENTA_BIND": "127.0.0.1:0",
        "PORT": "0",
    }
    stopped = subprocess.run(server, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == (2 if "dashboard" in server else 1)
    assert "revision 9999, which this version of Segmenta does not know" in stopped.stderr
    assert "Traceback" not in stopped.stderr
