"""Run ``segmenta`` in-process and capture what it prints."""

from dataclasses import dataclass

import pytest

from algorithms.loading import SAMPLE_PATH
from dashboard.cli import main

INCOME = "Annual Income (k$)"
SCORE = "Spending Score (1-100)"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def segmenta(capsys):
    """``segmenta(*args)`` runs the command line in this process and returns code and output."""

    def run(*args) -> Run:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_one_error_line(run: Run, *expected: str) -> None:
    """Exit code 2, nothing on stdout, one ``segmenta: error:`` line holding each expected text."""
    assert run.code == 2
    assert "Traceback" not in run.err and run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("segmenta: error: "), run.err
    for text in expected:
        assert text in lines[0]


@pytest.fixture
def sample_path():
    return SAMPLE_PATH
