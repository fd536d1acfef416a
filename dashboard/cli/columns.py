"""``segmenta columns``: which columns of a table can be features, which can be encoded, and
why the others cannot (an identifier, one value, numbers stored as text...); which features
are heavily skewed, and which whole-number columns are category codes (Channel, Region)."""

import argparse

import pandas as pd

from algorithms.column_use import category_codes, why_not_a_feature
from algorithms.loading import load_table
from algorithms.preprocessing import (
    categorical_candidates,
    numeric_feature_candidates,
    skew_remedy,
    skewed_features,
)
from dashboard.cli.common import INPUT_HELP, aligned
from dashboard.cli.registry import Command


def describe_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Each column's type, gaps and whether it can be a feature or be encoded, and why not;
    heavily skewed features say which scaling to try, category codes say they are codes."""
    numeric = numeric_feature_candidates(table)
    encodable = set(categorical_candidates(table))
    codes = set(category_codes(table))
    skewed = skewed_features(table, [c for c in numeric if c not in codes])
    rows = []
    for column in table.columns:
        values = table[column]
        distinct = values.nunique(dropna=True)
        if column in codes:
            use = f"category (code): --encode ({distinct} categories), or a feature if chosen"
        elif column in numeric:
            unique_ids = pd.api.types.is_integer_dtype(values) and distinct == len(values)
            use = "feature? every value differs: an identifier?" if unique_ids else "feature"
            if column in skewed:
                remedy = skew_remedy(values, skewed[column]).replace(" or ", " or --scale ")
                use += f", heavily skewed (skewness {skewed[column]:.2f}): try --scale {remedy}"
        elif column in encodable:
            use = f"--encode ({distinct} categories)"
        else:
            use = f"no: {why_not_a_feature(values)}"
        rows.append(
            {"column": column, "type": str(values.dtype), "missing": int(values.isna().sum()),
             "distinct": distinct, "use": use}
        )  # fmt: skip
    return pd.DataFrame(rows)


def add_columns_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help=INPUT_HELP)


def run_columns(args: argparse.Namespace) -> int:
    table = load_table(args.input)
    print(f"{args.input}: {len(table):,} rows, {table.shape[1]} columns\n")
    print(aligned(describe_columns(table), left=("column", "type", "use")))
    return 0


COLUMNS = Command(
    "columns",
    "list the columns and which can serve as features",
    add_columns_arguments,
    run_columns,
)
