"""Why a column cannot be a feature: the same words from ``segmenta columns``, the Data page's
upload and the preprocessing of a chosen feature, for tables typed by the real loader."""

import pandas as pd
import pytest

from algorithms.column_use import MAX_STRAY_SHARE, nearly_numeric, why_not_a_feature
from algorithms.errors import FeatureError
from algorithms.loading import load_table
from algorithms.preprocessing import FeaturePreprocessor

N_ROWS = 40
STRAYS = {"Revenue": {4: "12k", 30: "12k"}, "Spend": {2: "inf"}}
"""Stray values by column and 0-based row; every other cell of these columns is a number."""


def loaded(columns: dict[str, list[str]]) -> pd.DataFrame:
    """The table ``load_table`` makes of these columns written as a CSV file."""
    text = pd.DataFrame(columns).to_csv(index=False)
    return load_table(text.encode(), "customers.csv")


@pytest.fixture
def table() -> pd.DataFrame:
    columns = {
        "ID": [f"{i:04d}" for i in range(N_ROWS)],
        "Age": [str(20 + i) for i in range(N_ROWS)],
        "Revenue": [str(10 + 3 * i) for i in range(N_ROWS)],
        "Spend": [str(5 + (7 * i) % 90) for i in range(N_ROWS)],
        "Name": [f"Customer {i}" for i in range(N_ROWS)],
        "City": ["Oslo", "Rome", "Lima", "Kobe"] * (N_ROWS // 4),
        "Half": [str(i) if i % 2 else f"x{i}" for i in range(N_ROWS)],
        "Country": ["NO"] * N_ROWS,
    }
    for column, strays in STRAYS.items():
        for row, value in strays.items():
            columns[column][row] = value
    return loaded(columns)


def test_columns_of_numbers_with_stray_values_are_named_with_the_first_and_their_count(table):
    expected = []
    for column, strays in STRAYS.items():
        first = min(strays)
        n = len(strays)
        expected.append(
            f"'{column}' is not numeric: data row {first + 1} holds '{strays[first]}' "
            f"({n} such value{'s' if n > 1 else ''})"
        )
    assert nearly_numeric(table) == expected


def test_a_column_with_more_than_a_few_non_numbers_is_text():
    n_strays = int(MAX_STRAY_SHARE * N_ROWS) + 1
    values = ["n/a?"] * n_strays + [str(i) for i in range(N_ROWS - n_strays)]
    table = loaded({"Age": [str(i) for i in range(N_ROWS)], "Visits": values})
    assert nearly_numeric(table) == []
    assert (
        why_not_a_feature(table["Visits"]) == f"text with {N_ROWS - n_strays + 1} distinct values"
    )


def test_why_each_other_column_is_not_a_feature(table):
    reasons = {column: why_not_a_feature(table[column]) for column in ("ID", "Name", "City")}
    assert reasons == {
        "ID": "numbers written with leading zeros: an identifier?",
        "Name": "text, every value differs: an identifier?",
        "City": "text with 4 distinct values",
    }
    assert why_not_a_feature(table["Country"]) == "one value only"
    assert why_not_a_feature(table["Revenue"]) == (
        "not numeric: data row 5 holds '12k' (2 such values); clean the column"
    )
    assert why_not_a_feature(pd.Series([True, False, True])) == "true/false"


def test_choosing_such_a_column_as_a_feature_says_the_same(table):
    (revenue,) = [line for line in nearly_numeric(table) if line.startswith("'Revenue'")]
    with pytest.raises(FeatureError) as refused:
        FeaturePreprocessor(["Age", "Revenue"]).fit(table)
    assert str(refused.value) == f"Column {revenue}. Clean the column or choose another feature."
