"""``segmenta personas list|export`` and ``segmenta segment --personas``, against a persona set
saved the way the app saves one (SQLite, and PostgreSQL when a server is reachable).

The saved names are checked customer by customer: a fresh run must give every customer the
persona the saved set gave them, even when the new run numbers its segments differently.
"""

import html
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask

from algorithms.loading import load_table
from algorithms.model_io import load_model
from algorithms.model_signing import ModelKey
from dashboard.cli.personas import FORMATS
from dashboard.config import Config
from dashboard.services.container import build_services
from dashboard.services.persona_export import EXPORT_FORMATS
from dashboard.storage import PersonaStore, make_engine
from tests.cli.conftest import INCOME, NAMES, SCORE, SET_NAME, assert_one_error_line

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shuffled(sample_path, tmp_path) -> Path:
    path = tmp_path / "shuffled.csv"
    load_table(sample_path).sample(frac=1, random_state=7).to_csv(path, index=False)
    return path


def segment(segmenta, source, out, *extra):
    run = segmenta(
        "segment", source, "--features", INCOME, SCORE, "--algorithm", "kmeans", "--out", out,
        *extra,
    )  # fmt: skip
    assert run.code == 0, run.err
    return run


def personas_by_customer(path: Path) -> dict[str, str]:
    table = load_table(path)
    return dict(zip(table["CustomerID"], table["Persona"], strict=True))


# list ----------------------------------------------------------------------------------------


def test_list_shows_the_set_in_an_aligned_table(segmenta, app_env):
    run = segmenta("personas", "list")
    assert run.code == 0, run.err
    header, *rows = run.out.splitlines()
    assert header.split() == ["id", "name", "dataset", "version", "personas", "author", "updated"]
    row = next(line for line in rows if SET_NAME in line)
    assert row.index(SET_NAME) == header.index("name")
    assert row.index("Mall customers (sample)") == header.index("dataset")
    assert row.split()[0] == str(app_env.version.set_id)
    assert row[: header.index("personas") + len("personas")].split()[-2:] == ["1", "5"]
    assert row.index("ann") == header.index("author")
    assert row.endswith(f"{app_env.version.saved_at:%Y-%m-%d %H:%M} UTC")


def test_list_as_json_and_searched(segmenta, app_env):
    run = segmenta("personas", "list", "--json")
    assert run.code == 0, run.err
    record = next(r for r in json.loads(run.out) if r["name"] == SET_NAME)
    assert record["id"] == app_env.version.set_id
    assert (record["latest_version"], record["latest_author"], record["n_personas"]) == (
        1,
        "ann",
        5,
    )
    assert record["dataset"]["name"] == "Mall customers (sample)"
    for query in ("spring", "MALL", "Ann"):
        found = json.loads(segmenta("personas", "list", "--json", "--search", query).out)
        assert SET_NAME in [r["name"] for r in found], query
    assert json.loads(segmenta("personas", "list", "--json", "--search", "zzz").out) == []
    missed = segmenta("personas", "list", "--search", "zzz")
    assert missed.code == 0 and missed.out.startswith("No persona set matches ‘zzz’ in ")


def test_database_option_overrides_database_url(segmenta, saved, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert_one_error_line(segmenta("personas", "list"), "No persona database at", "elsewhere.db")
    assert not (tmp_path / "elsewhere.db").exists()
    run = segmenta("personas", "list", "--json", "--database", saved.database)
    assert run.code == 0, run.err
    assert SET_NAME in [r["name"] for r in json.loads(run.out)]


def test_names_cannot_restyle_the_terminal_or_break_the_table(segmenta, app_env):
    engine = make_engine(app_env.database)
    hostile = f"Red\x1b[31m alert\nsecond line {uuid.uuid4().hex}"
    PersonaStore(engine).duplicate(app_env.version.set_id, new_name=hostile, author="eve")
    engine.dispose()
    run = segmenta("personas", "list", "--search", hostile[-32:])
    assert run.code == 0, run.err
    header, row = run.out.splitlines()
    assert "\x1b" not in run.out and "Red\\x1b[31m alert second line" in row
    assert row.index("Mall customers (sample)") == header.index("dataset")


def test_an_empty_database_lists_nothing(segmenta, tmp_path):
    database = f"sqlite:///{tmp_path / 'empty.db'}"
    build_services(Config(instance_path=tmp_path, database_url=database), Flask(__name__))
    run = segmenta("personas", "list", "--database", database)
    assert run.code == 0 and run.out.startswith("No persona set is saved in sqlite:///")
    assert json.loads(segmenta("personas", "list", "--json", "--database", database).out) == []


# export --------------------------------------------------------------------------------------


def test_export_json_holds_the_set(segmenta, app_env, tmp_path):
    out = tmp_path / "spring.json"
    run = segmenta("personas", "export", SET_NAME.upper(), "--out", out)
    assert run.code == 0, run.err
    assert f"‘{SET_NAME}’ version 1" in run.out
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["id"] == app_env.version.set_id and record["version"] == 1
    assert [p["name"] for p in record["personas"]] == NAMES
    assert sum(p["size"] for p in record["personas"]) == 200


def test_export_a_given_version(segmenta, app_env, tmp_path):
    engine = make_engine(app_env.database)
    store = PersonaStore(engine)
    copy = store.duplicate(
        app_env.version.set_id, new_name=f"Versions {uuid.uuid4().hex}", author="bob"
    )
    renamed = [dict(p, name=f"{p['name']} v2") for p in copy.personas]
    store.save(copy.set_id, base_version=1, personas=renamed, author="bob")
    engine.dispose()
    for version, expected in ((["--version", "1"], NAMES), ([], [p["name"] for p in renamed])):
        out = tmp_path / "set.json"
        run = segmenta("personas", "export", str(copy.set_id), "--format", "json", *version,
                       "--out", out)  # fmt: skip
        assert run.code == 0, run.err
        assert [p["name"] for p in json.loads(out.read_text())["personas"]] == expected
    assert_one_error_line(
        segmenta("personas", "export", copy.name, "--version", "3", "--out", tmp_path / "x.json"),
        "has no version 3",
    )


def test_export_customer_tables(segmenta, app_env, sample_path, tmp_path):
    csv_path, xlsx_path = tmp_path / "customers.csv", tmp_path / "customers.xlsx"
    for path in (csv_path, xlsx_path):
        run = segmenta("personas", "export", str(app_env.version.set_id), "--out", path)
        assert run.code == 0, run.err
    table, sample = load_table(csv_path), load_table(sample_path)
    assert list(table.columns) == [*sample.columns, "Cluster", "Persona"]
    pd.testing.assert_frame_equal(table[sample.columns], sample)
    assert table["CustomerID"].iloc[0] == "0001"
    assert table["Cluster"].tolist() == app_env.version.labels.tolist()
    assert personas_by_customer(csv_path) == app_env.names_by_customer()
    pd.testing.assert_frame_equal(load_table(xlsx_path), table, check_dtype=False)


def test_export_reports_escape_the_names(segmenta, app_env, tmp_path):
    page, markdown = tmp_path / "report.html", tmp_path / "report.md"
    assert segmenta("personas", "export", SET_NAME, "--out", page).code == 0
    assert segmenta("personas", "export", SET_NAME, "--format", "md", "--out", markdown).code == 0
    text = page.read_text(encoding="utf-8")
    for name in NAMES:
        assert f"<h2>{html.escape(name)}</h2>" in text
    assert "<spenders>" not in text
    headings = [line for line in markdown.read_text().splitlines() if line.startswith("## ")]
    assert len(headings) == 5 and "## Careful savers" in headings
    assert "## Big &lt;spenders&gt; &amp; co" in headings


def test_customers_of_a_table_no_longer_stored(segmenta, app_env, monkeypatch, tmp_path):
    elsewhere = tmp_path / "other-instance"
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(elsewhere))
    run = segmenta("personas", "export", SET_NAME, "--out", tmp_path / "c.csv")
    assert_one_error_line(run, "no longer stored", str(elsewhere / "datasets"), "json, md and html")
    assert not elsewhere.exists() and not (tmp_path / "c.csv").exists()
    for suffix in (".json", ".html"):
        run = segmenta("personas", "export", SET_NAME, "--out", tmp_path / f"set{suffix}")
        assert run.code == 0, run.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--out", "set.txt"], "Give --format"),
        (["--format", "csv", "--out", "set.json"], "--format csv but"),
        (["--format", "pdf", "--out", "set.pdf"], "invalid choice: 'pdf'"),
        (["--out", "missing/set.json"], "does not exist"),
    ],
)
def test_export_refuses_unclear_outputs(segmenta, tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    assert_one_error_line(segmenta("personas", "export", SET_NAME, *args), expected)


def test_export_formats_are_the_apps():
    assert FORMATS == EXPORT_FORMATS


# segment --personas --------------------------------------------------------------------------


def test_a_shuffled_copy_takes_the_saved_names(segmenta, app_env, shuffled, tmp_path):
    out, report, model = tmp_path / "out.csv", tmp_path / "report.json", tmp_path / "m.joblib"
    run = segment(segmenta, shuffled, out, "--personas", SET_NAME, "--report", report,
                  "--model", model)  # fmt: skip
    assert personas_by_customer(out) == app_env.names_by_customer()
    assert f"Personas of ‘{SET_NAME}’ version 1: 5 of 5 segments took a saved persona" in run.out
    section = json.loads(report.read_text())["persona_set"]
    assert section["name"] == SET_NAME and section["unmatched"] == []
    assert sorted(s["saved_persona"] for s in section["segments"]) == sorted(NAMES)
    assert all(s["persona"] == s["saved_persona"] for s in section["segments"])
    key = ModelKey.for_instance(app_env.instance)
    assert sorted(load_model(model, key).cluster_names.values()) == sorted(NAMES)


def test_names_follow_the_profiles_not_the_cluster_numbers(
    segmenta, app_env, sample_path, tmp_path
):
    """Thin out the largest saved segment: the new run numbers its segments otherwise."""
    table = load_table(sample_path)
    labels = pd.Series(app_env.version.labels, index=table.index)
    thinned = table[(labels != labels.mode()[0]) | (table.index % 4 == 0)]
    source, out = tmp_path / "thinned.csv", tmp_path / "out.csv"
    thinned.sample(frac=1, random_state=3).to_csv(source, index=False)
    segment(segmenta, source, out, "--personas", SET_NAME)
    result = load_table(out).set_index("CustomerID")
    saved_clusters = dict(zip(app_env.version.row_ids, app_env.version.labels, strict=True))
    assert (result["Cluster"] != result.index.map(saved_clusters)).any()
    expected = app_env.names_by_customer()
    assert result["Persona"].to_dict() == {i: expected[i] for i in result.index}


def test_an_export_file_works_like_the_database(segmenta, app_env, shuffled, tmp_path, monkeypatch):
    export, by_name, by_file = tmp_path / "set.json", tmp_path / "a.csv", tmp_path / "b.csv"
    assert segmenta("personas", "export", SET_NAME, "--out", export).code == 0
    segment(segmenta, shuffled, by_name, "--personas", SET_NAME)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-database-here.db'}")
    segment(segmenta, shuffled, by_file, "--personas", export)
    assert by_file.read_bytes() == by_name.read_bytes()


def test_fewer_segments_leave_saved_personas_unmatched(segmenta, app_env, shuffled, tmp_path):
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    run = segment(segmenta, shuffled, out, "--k", "3", "--personas", SET_NAME, "--report", report)
    section = json.loads(report.read_text())["persona_set"]
    taken = {s["saved_persona"] for s in section["segments"] if s["saved_persona"]}
    unmatched = {u["saved_persona"] for u in section["unmatched"]}
    assert taken | unmatched == set(NAMES) and not taken & unmatched and len(unmatched) >= 2
    for name in unmatched:
        assert any(line.startswith(name) and "disappeared" in line for line in run.out.splitlines())
    written = load_table(out)
    for entry in section["segments"]:
        personas = written.loc[written["Cluster"] == entry["cluster"], "Persona"]
        assert (personas == entry["persona"]).all()


def test_segments_near_no_saved_persona_keep_their_drafted_label(
    segmenta, app_env, shuffled, tmp_path
):
    drafted_report, report = tmp_path / "drafted.json", tmp_path / "carried.json"
    segment(segmenta, shuffled, tmp_path / "a.csv", "--k", "8", "--report", drafted_report)
    segment(segmenta, shuffled, tmp_path / "b.csv", "--k", "8", "--personas", SET_NAME,
            "--report", report)  # fmt: skip
    drafted = json.loads(drafted_report.read_text())["personas"]
    carried = json.loads(report.read_text())
    statuses = {entry["status"] for entry in carried["persona_set"]["segments"]}
    assert statuses - {"matched"}, "8 segments from 5 personas must leave some unmatched"
    for entry in carried["persona_set"]["segments"]:
        name = carried["personas"][str(entry["cluster"])]
        assert name == entry["persona"]
        if entry["status"] == "new":
            assert name == drafted[str(entry["cluster"])] and entry["saved_persona"] is None
        elif name != entry["saved_persona"]:
            assert entry["status"] == "split" and name.startswith(
                f"{entry['saved_persona']} (part "
            )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("No such set", "there is no persona set named ‘No such set’"),
        ("9999", "there is no persona set with id 9999"),
        ("missing.json", "No persona set export at 'missing.json'"),
    ],
)
def test_an_unknown_set_is_one_error_line(segmenta, app_env, shuffled, tmp_path, given, expected):
    out = tmp_path / "out.csv"
    run = segmenta("segment", shuffled, "--features", INCOME, SCORE, "--algorithm", "kmeans",
                   "--out", out, "--personas", given)  # fmt: skip
    assert_one_error_line(run, expected)
    assert not out.exists()
    assert_one_error_line(segmenta("personas", "export", given, "--out", tmp_path / "x.json"))


def test_personas_of_other_features_are_refused(segmenta, app_env, shuffled, tmp_path):
    run = segmenta("segment", shuffled, "--features", "Age", SCORE, "--algorithm", "kmeans",
                   "--out", tmp_path / "o.csv", "--personas", SET_NAME)  # fmt: skip
    assert_one_error_line(run, "made without 'Age'")


def test_the_command_line_never_imports_dash(app_env, shuffled, tmp_path):
    """In a fresh interpreter (this one has dash loaded by pytest's dash plugin)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = {
        "help": ["--help"],
        "personas": ["segment", shuffled, "--features", INCOME, SCORE, "--algorithm", "kmeans",
                     "--out", tmp_path / "o.csv", "--personas", SET_NAME],
    }  # fmt: skip
    for what, args in runs.items():
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dashboard.cli", *map(str, args)],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        top_level = {name.split(".")[0] for name in imported}
        assert not top_level & {"dash", "dash_bootstrap_components"}, what
        if what == "help":
            assert not top_level & {"sqlalchemy", "plotly", "flask"}
