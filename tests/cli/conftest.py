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


@pytest.fixture
def sample_path():
    return SAMPLE_PATH
