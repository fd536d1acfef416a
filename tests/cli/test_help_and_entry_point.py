"""``--help`` of every command, ``columns``, and the installed ``segmenta`` script itself."""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from algorithms.loading import load_table
from dashboard.cli import COMMANDS, package_version
from tests.cli.conftest import INCOME, SCORE

SCRIPT = Path(sys.executable).with_name("segmenta")


def every_command():
    for registered in COMMANDS.values():
        yield (registered.name,), registered
        for sub in registered.subcommands:
            yield (registered.name, sub.name), sub


@pytest.mark.parametrize(
    ("words", "registered"), [pytest.param(*case, id=" ".join(case[0])) for case in every_command()]
)
def test_every_command_has_help(segmenta, words, registered):
    run = segmenta(*words, "--help")
    assert run.code == 0 and run.err == ""
    assert run.out.startswith(f"usage: segmenta {' '.join(words)}")
    assert registered.help in run.out
    for sub in registered.subcommands:
        assert sub.name in run.out and sub.help.split(",")[0] in run.out


def test_a_group_without_its_command_says_which_there_are(segmenta):
    run = segmenta("personas")
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines() == [
        "segmenta: error: choose a personas command: list, export (see `segmenta personas --help`)"
    ]


def test_top_level_help_lists_the_commands(segmenta):
    run = segmenta("--help")
    assert run.code == 0
    for name, registered in COMMANDS.items():
        assert name in run.out and registered.help in run.out


def test_segment_help_documents_each_method_parameter(segmenta):
    out = segmenta("segment", "--help").out
    for flag in ("--k", "--eps", "--min-samples", "--linkage", "--distance-threshold", "--init"):
        assert flag in out
    assert "kmeans/hierarchical" in out and "default 5" in out


def test_columns_says_which_columns_can_be_features(segmenta, shared_data):
    run = segmenta("columns", shared_data / "Mall_Customers.csv")
    assert run.code == 0, run.err
    rows = {line.split()[0]: line for line in run.out.splitlines()[3:]}
    assert rows["Age"].split()[1:4] == ["int64", "0", "51"] and rows["Age"].endswith("feature")
    assert "--encode (2 categories)" in rows["Gender"]
    assert "identifier" in rows["CustomerID"]
    assert len(run.out.splitlines()) == 3 + 5


def test_columns_says_where_a_column_of_numbers_holds_stray_values(segmenta):
    """Numbers kept as text because of '12k' or 'inf': the row of the first and how many."""
    bad = Path(__file__).parents[1] / "data" / "bad"
    expected = {
        "non_numeric_values.csv": "data row 5 holds '12k' (2 such values)",
        "missing_and_infinite.csv": "data row 9 holds 'inf' (1 such value)",
    }
    for file, where in expected.items():
        run = segmenta("columns", bad / file)
        assert run.code == 0, run.err
        (income,) = [line for line in run.out.splitlines() if line.startswith(INCOME)]
        assert income.endswith(f"no: not numeric: {where}; clean the column")


def run_script(*args):
    if not SCRIPT.exists():
        pytest.skip(f"the segmenta script is not installed at {SCRIPT} (run make)")
    return subprocess.run(
        [str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_installed_script_segments_a_file(sample_path, tmp_path):
    out = tmp_path / "segments.csv"
    done = run_script(
        "segment", sample_path, "--features", INCOME, SCORE, "--algorithm", "kmeans",
        "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert load_table(out)["Cluster"].nunique() == 5


def test_installed_script_reports_bad_input_on_one_line(tmp_path):
    done = run_script(
        "diagnose", tmp_path / "missing.csv", "--features", INCOME, "--json", tmp_path / "d.json"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"segmenta: error: No file at '{tmp_path / 'missing.csv'}': check the path and the "
        "file name."
    ]


def test_a_closed_pipe_ends_quietly(sample_path):
    """`segmenta ... | head`: no error message when the reader stops early."""
    if not SCRIPT.exists():
        pytest.skip(f"the segmenta script is not installed at {SCRIPT} (run make)")
    process = subprocess.Popen(
        [str(SCRIPT), "columns", str(sample_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == b""
    process.stderr.close()


def test_installed_script_help():
    done = run_script("assign", "--help")
    assert done.returncode == 0 and "usage: segmenta assign" in done.stdout


def test_version_is_the_installed_packages(segmenta):
    run = segmenta("--version")
    assert run.code == 0 and run.out == f"segmenta {package_version()}\n"
    assert package_version() in {"(not installed)", metadata.version("segmenta")}
