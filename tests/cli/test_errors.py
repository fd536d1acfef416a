"""Bad input ends with one line ``segmenta: error: ...`` and exit code 2, never a traceback; a
crash with one line and exit code 1 (the traceback only with ``--debug``)."""

import pandas as pd
import pytest

import dashboard.cli.segment
from tests.cli.conftest import INCOME, SCORE, assert_one_error_line


@pytest.fixture
def tiny_csv(tmp_path):
    path = tmp_path / "tiny.csv"
    pd.DataFrame({"CustomerID": ["a", "b", "c"], INCOME: [1, 2, 3], SCORE: [3, 1, 2]}).to_csv(
        path, index=False
    )
    return path


def segment_args(source, out, *extra):
    return ("segment", source, "--features", INCOME, SCORE, "--out", out, *extra)


def test_missing_input_file(segmenta, tmp_path):
    run = segmenta(
        *segment_args(tmp_path / "nope.csv", tmp_path / "o.csv", "--algorithm", "kmeans")
    )
    assert_one_error_line(run, "No file at", "nope.csv")


def test_unknown_column_lists_the_available_ones(segmenta, sample_path, tmp_path):
    run = segmenta(
        "segment", sample_path, "--features", "Incme", "--algorithm", "kmeans",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    assert_one_error_line(run, "'Incme'", f"available columns: CustomerID, Gender, Age, {INCOME}")


def test_too_few_rows_for_k(segmenta, tiny_csv, tmp_path):
    run = segmenta(*segment_args(tiny_csv, tmp_path / "o.csv", "--algorithm", "kmeans"))
    assert_one_error_line(run, "k=5", "at least 5", "has 3")


def test_too_few_rows_for_the_k_sweep(segmenta, tiny_csv):
    run = segmenta("diagnose", tiny_csv, "--features", INCOME, SCORE, "--k-min", "3")
    assert_one_error_line(run, "at least 4 customers", "has 3")


def test_non_numeric_feature(segmenta, sample_path, tmp_path):
    run = segmenta(
        "segment", sample_path, "--features", INCOME, "Gender", "--algorithm", "kmeans",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    assert_one_error_line(run, "'Gender' is not numeric")


@pytest.mark.parametrize("content", ["", "CustomerID,Age\n"])
def test_empty_file_or_header_only(segmenta, tmp_path, content):
    source = tmp_path / "empty.csv"
    source.write_text(content)
    run = segmenta(*segment_args(source, tmp_path / "o.csv", "--algorithm", "kmeans"))
    assert_one_error_line(run, "empty.csv")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--algorithm", "kmeans", "--k", "many"], "argument --k: invalid int value: 'many'"),
        (["--algorithm", "kmeans", "--k", "0"], "--k must be"),
        (["--algorithm", "kmeans", "--eps", "0.5"], "--eps does not apply to kmeans"),
        (["--algorithm", "dbscan", "--eps", "-1"], "--eps must be"),
        (["--algorithm", "dbscan", "--min-samples", "2.5"], "invalid int value"),
        (["--algorithm", "hierarchical", "--linkage", "ward2"], "invalid choice: 'ward2'"),
        (["--algorithm", "hierarchical", "--k", "3", "--distance-threshold", "2"], "give one"),
        (["--algorithm", "kmean"], "argument --algorithm: invalid choice"),
        (["--algorithm", "kmeans", "--scale", "quantile"], "argument --scale: invalid choice"),
        (["--algorithm", "kmeans", "--seed", "-3"], "argument --seed: must be at least 0"),
        (["--algorithm", "kmeans", "--encode", "Nope"], "Unknown column 'Nope'"),
        (["--algorithm", "kmeans", "--database", "sqlite:///p.db"], "only read with --personas"),
        (
            ["--algorithm", "kmeans", "--stability", "-1"],
            "argument --stability: must be at least 0",
        ),
        (["--algorithm", "kmeans", "--stability", "2.5"], "argument --stability: expected a whole"),
        (["--algorithm", "dbscan", "--eps", "1e-6", "--stability", "3"], "Every customer is noise"),
    ],
)
def test_bad_parameters(segmenta, sample_path, tmp_path, extra, expected):
    run = segmenta(*segment_args(sample_path, tmp_path / "o.csv", *extra))
    assert_one_error_line(run, expected)


def test_missing_required_arguments_and_command(segmenta, sample_path):
    assert_one_error_line(segmenta("segment", sample_path), "required: --features")
    assert_one_error_line(segmenta(), "choose a command: segment, diagnose, assign, columns")
    assert_one_error_line(segmenta("segmnt"), "invalid choice: 'segmnt'")


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("missing-folder/o.csv", "the folder"),
        ("o.txt", "one of the extensions .csv, .xlsx, .parquet"),
        ("a-folder.csv", "Cannot write"),
    ],
)
def test_unwritable_output(segmenta, sample_path, tmp_path, out, expected):
    (tmp_path / "a-folder.csv").mkdir()
    run = segmenta(*segment_args(sample_path, tmp_path / out, "--algorithm", "kmeans"))
    assert_one_error_line(run, expected)


def test_output_over_the_input_is_refused(segmenta, sample_path, tmp_path):
    source = tmp_path / "customers.csv"
    source.write_bytes(sample_path.read_bytes())
    run = segmenta(*segment_args(source, source, "--algorithm", "kmeans"))
    assert_one_error_line(run, "is the input file")
    assert source.read_bytes() == sample_path.read_bytes()


def test_unwritable_report_is_refused_before_the_work(segmenta, sample_path, tmp_path):
    out = tmp_path / "o.csv"
    run = segmenta(
        *segment_args(sample_path, out, "--algorithm", "kmeans", "--report", tmp_path / "r.txt")
    )
    assert_one_error_line(run, ".json")
    assert not out.exists()


def test_a_file_that_is_not_a_model(segmenta, sample_path, tmp_path):
    run = segmenta("assign", sample_path, sample_path, "--out", tmp_path / "o.csv")
    assert_one_error_line(run, "is not a model saved by `segmenta segment --model`")


def test_k_max_below_k_min(segmenta, sample_path):
    run = segmenta("diagnose", sample_path, "--features", INCOME, "--k-min", "6", "--k-max", "3")
    assert_one_error_line(run, "--k-max (3) is below --k-min (6)")


def test_a_crash_is_one_line_and_exit_1_unless_debugging(
    segmenta, sample_path, tmp_path, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("something broke\nacross lines")

    monkeypatch.setattr(dashboard.cli.segment, "run_segmentation", crash)
    args = segment_args(sample_path, tmp_path / "o.csv", "--algorithm", "kmeans")
    run = segmenta(*args)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines() == [
        "segmenta: unexpected error: RuntimeError: something broke across lines "
        "(rerun with --debug for the traceback)"
    ]
    debugged = segmenta("--debug", *args)
    assert debugged.code == 1 and "Traceback" in debugged.err and "crash" in debugged.err
    assert "Traceback" in segmenta(*args, "--debug").err
