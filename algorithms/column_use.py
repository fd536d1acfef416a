"""Why a column of a loaded table cannot be a feature, in words a user can act on.

The loader keeps a column of numbers with a stray value (``12k``, ``inf``, ``N/A?``) as text,
every value intact, so nothing is silently dropped; such a column is then missing from the
features offered. The Data page's upload, ``segmenta columns`` and the preprocessing of a chosen
feature all say the same thing about it: which row holds the first stray value and how many
there are.
"""

import numpy as np
import pandas as pd

MAX_STRAY_SHARE = 0.1
"""A text column with at most this share of non-numbers is numbers with stray values."""
PROBE_ROWS = 1_000
"""Rows looked at first: a column of names is told apart from numbers without parsing it all."""


def not_numeric(column: str, values: pd.Series, bad: pd.Series) -> str:
    """The column's first stray value and how many there are, as one clause: 'Income' is not
    numeric: data row 5 holds '12k' (2 such values)."""
    return f"'{column}' is not numeric: {_where(values, bad)}"


def _where(values: pd.Series, bad: pd.Series) -> str:
    """The first of the ``bad`` values (a boolean mask over ``values``), and how many."""
    position = int(np.flatnonzero(bad.to_numpy())[0])
    return (
        f"data row {position + 1} holds '{values.iloc[position]}' "
        f"({_count(int(bad.sum()), 'such value')})"
    )


def stray_values(values: pd.Series) -> pd.Series | None:
    """The present values that are not finite numbers, when the column is mostly numbers
    (at most ``MAX_STRAY_SHARE`` of its values are not); None otherwise."""
    if not _is_text(values):
        return None
    present = values.dropna()
    if _non_numbers(present.head(PROBE_ROWS)).mean() > 0.5:
        return None
    bad = _non_numbers(values) & values.notna()
    if not bad.any() or bad.sum() > MAX_STRAY_SHARE * len(present):
        return None
    return bad


def nearly_numeric(table: pd.DataFrame) -> list[str]:
    """``not_numeric`` for each column of numbers kept as text because of stray values."""
    found = []
    for column in table.columns:
        bad = stray_values(table[column])
        if bad is not None:
            found.append(not_numeric(column, table[column], bad))
    return found


def why_not_a_feature(values: pd.Series) -> str:
    """Why a column that is not a numeric feature candidate cannot be one."""
    if values.nunique(dropna=True) <= 1:
        return "one value only"
    if pd.api.types.is_bool_dtype(values):
        return "true/false"
    if not _is_text(values):
        return f"{values.dtype} values, not numbers"
    bad = stray_values(values)
    if bad is not None:
        return f"not numeric: {_where(values, bad)}; clean the column"
    present = values.dropna()
    if not _non_numbers(present).any():
        return "numbers written with leading zeros: an identifier?"
    if present.nunique() == len(present):
        return "text, every value differs: an identifier?"
    return f"text with {values.nunique(dropna=True)} distinct values"


MAX_CODE_VALUES = 10
"""Whole numbers with this many distinct values or fewer are codes (Channel 1/2, Region 1-3)."""


def is_category_code(values: pd.Series, max_values: int = MAX_CODE_VALUES) -> bool:
    """Numbers that name categories rather than measure anything: whole numbers with 2 to
    ``max_values`` distinct values. Their mean (Region 2.5) means nothing, so they are offered
    for encoding, not among the default features; they can still be chosen as features."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    present = values.dropna()
    if not 2 <= present.nunique() <= max_values:
        return False
    return bool(pd.api.types.is_integer_dtype(values) or (present % 1 == 0).all())


def category_codes(table: pd.DataFrame, max_values: int = MAX_CODE_VALUES) -> list[str]:
    """The columns of ``table`` that are category codes (``is_category_code``)."""
    return [column for column in table.columns if is_category_code(table[column], max_values)]


def _is_text(values: pd.Series) -> bool:
    """Cells kept as text (or mixed objects), where numbers may hide: not numbers, booleans
    or dates, which ``pd.to_numeric`` would turn into numbers."""
    return pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)


def _non_numbers(values: pd.Series) -> pd.Series:
    """Values whose text is not a finite number ('12k', '1,000', 'inf', True; missing ones
    too)."""
    numbers = pd.to_numeric(values.astype(str), errors="coerce").astype(np.float64)
    return pd.Series(~np.isfinite(numbers.to_numpy()), index=values.index)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
