"""The whole bad-input corpus through ``segmenta segment``: a valid result, or exit code 2 with
exactly one line on stderr that says what is wrong, where, and what to do; never a traceback,
never a warning, never a half-written output file.

Every case runs in-process (``dashboard.cli.main``, warnings recorded as a terminal would show
them); a few run as real ``segmenta`` processes. The 200 MB file is refused by its size without
being read: the run allocates a few MB, not 200.
"""

import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from algorithms.loading import load_table
from dashboard.cli import canonical_columns, main
from tests.data.bad.corpus import CASES, Case, K
from tests.data.bad.make_corpus import UNPICKLED_MARKER

SEGMENTA = Path(sys.executable).parent / "segmenta"  # the installed console script
ERROR_PREFIX = "segmenta: error: "
# what Python's default warning filters keep off a user's terminal
TERMINAL_HIDES = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)
SUBPROCESS_CASES = (
    "random_bytes.csv",
    "over_200_mb.csv",
    "huge_values.csv",
    "bom_crlf_trailing_space.csv",
)


def segment_args(path, case: Case, out) -> list[str]:
    return [
        "segment",
        str(path),
        "--features",
        *case.features,
        "--algorithm",
        "kmeans",
        "--k",
        str(K),
        "--out",
        str(out),
    ]


def expected_error(case: Case) -> tuple[str, ...] | None:
    return case.refused if not case.loads else case.cli


def check_outcome(case: Case, code: int, out: str, err: str, out_path, source_path) -> None:
    fragments = expected_error(case)
    assert "Traceback" not in err + out
    if fragments is None:
        assert code == 0, err
        assert err == ""
        clusters = check_labelled_output(case, source_path, out_path)
        assert clusters == K or "note: " in out, "fewer segments than asked, and no word why"
        return
    assert code == 2, (code, err)
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr must be one line, not:\n{err}"
    assert lines[0].startswith(ERROR_PREFIX)
    for fragment in fragments:
        assert fragment in lines[0]
    if not case.loads:
        assert f"'{case.file}'" in lines[0], "the message names the file"
    assert out == ""
    assert not out_path.exists(), "a failed run must not leave an output file"


def check_labelled_output(case: Case, source_path, out_path) -> int:
    """One output row per input row, in the same order; rows with a finite value in every
    feature (counted here with pandas) in one of at most k segments, the others empty.
    Returns the number of segments."""
    table = load_table(source_path)
    labelled = pd.read_csv(out_path, dtype={"Cluster": "Int64"})
    assert len(labelled) == len(table)
    features = table[canonical_columns(list(case.features))].apply(pd.to_numeric, errors="coerce")
    complete = np.isfinite(features.to_numpy(dtype=float)).all(axis=1)
    assert labelled["Cluster"].notna().to_numpy().tolist() == complete.tolist()
    clusters = sorted(labelled["Cluster"].dropna().unique())
    assert clusters == list(range(len(clusters))) and len(clusters) <= K
    return len(clusters)


def with_known_issues(cases):
    return [
        pytest.param(case, marks=pytest.mark.xfail(reason=case.cli_issue, strict=True))
        if case.cli_issue
        else case
        for case in cases
    ]


@pytest.mark.parametrize("case", with_known_issues(CASES), ids=str)
def test_every_corpus_file_through_the_cli(case, path_of, tmp_path, capsys):
    source = path_of(case)
    out_path = tmp_path / "labelled.csv"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for hidden in TERMINAL_HIDES:
            warnings.simplefilter("ignore", hidden)
        code = main(segment_args(source, case, out_path))
    captured = capsys.readouterr()
    assert [str(w.message) for w in caught] == [], "a terminal would show these warnings"
    check_outcome(case, code, captured.out, captured.err, out_path, source)
    assert not (source.parent / UNPICKLED_MARKER).exists()


@pytest.mark.parametrize("file", SUBPROCESS_CASES)
def test_a_real_segmenta_process(file, path_of, tmp_path):
    case = next(c for c in CASES if c.file == file)
    source = path_of(case)
    out_path = tmp_path / "labelled.csv"
    command = [str(SEGMENTA), *segment_args(source, case, out_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    check_outcome(case, done.returncode, done.stdout, done.stderr, out_path, source)
    if done.returncode == 0:
        assert f"Wrote {out_path}" in done.stdout


def test_the_200_mb_file_is_refused_without_being_read(path_of, tmp_path, capsys):
    source = path_of("over_200_mb.csv")
    assert source.stat().st_size == 200 * 1024 * 1024
    case = next(c for c in CASES if c.file == "over_200_mb.csv")
    tracemalloc.start()
    try:
        code = main(segment_args(source, case, tmp_path / "out.csv"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 2
    assert "over the 100.0 MB limit" in capsys.readouterr().err
    assert peak < 20 * 1024 * 1024, f"{peak / 1024**2:.0f} MB allocated to refuse the file"
