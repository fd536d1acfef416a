"""Seeded synthetic customer tables of any size, shaped like the bundled mall sample.

The five segments are the sample's own (``data/make_sample.py``: sizes, income, spending and
age ranges), drawn with numpy's triangular distribution so a million rows take a second.
Values stay unrounded: a million customers on the sample's whole-number grid would be mostly
duplicates, which no real table of that size is.
"""

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

MAKE_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "make_sample.py"
INCOME, SCORE, AGE = "Annual Income (k$)", "Spending Score (1-100)", "Age"
FEATURES = {2: [INCOME, SCORE], 3: [INCOME, SCORE, AGE]}


@cache
def _sample_generator():
    spec = importlib.util.spec_from_file_location("make_sample", MAKE_SAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mall_customers(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """``n_rows`` customers in the sample's five segments, with the sample's columns."""
    generator = _sample_generator()
    rng = np.random.default_rng(seed)
    shares = np.array([segment.size for segment in generator.SEGMENTS], dtype=float)
    segment = rng.choice(len(shares), size=n_rows, p=shares / shares.sum())
    columns = {INCOME: np.empty(n_rows), SCORE: np.empty(n_rows), AGE: np.empty(n_rows)}
    for index, spec in enumerate(generator.SEGMENTS):
        members = segment == index
        for column, spread in ((INCOME, spec.income), (SCORE, spec.score), (AGE, spec.age)):
            draws = rng.triangular(spread.low, spread.peak, spread.high, members.sum())
            columns[column][members] = draws
    return pd.DataFrame(
        {
            "CustomerID": [f"{number:07d}" for number in range(1, n_rows + 1)],
            "Gender": np.where(rng.random(n_rows) < generator.FEMALE_SHARE, "Female", "Male"),
            AGE: columns[AGE].round(1),
            INCOME: columns[INCOME].round(2),
            SCORE: columns[SCORE].round(2),
        }
    )
