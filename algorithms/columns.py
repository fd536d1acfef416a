"""Column names and cell values, made the same whichever file format a table came from.

Headers are cleaned (BOM, stray and doubled whitespace) and the classic mall-customer columns
are recognised under their common spellings (``Genre``, ``annual_income``...), so every page,
the CLI and saved personas can refer to ``Gender`` or ``Annual Income (k$)`` whatever the file
said. Cells arrive as text and become numbers only when the whole column is clearly numeric:
an ID written ``0001`` stays ``"0001"``, and a numeric column with a stray ``12k`` stays text,
every value intact, so preprocessing can name the bad value and its row when the column is
chosen as a feature.
"""

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from algorithms.errors import DataError

_CANONICAL_SPELLINGS = {
    "CustomerID": ["CustomerID", "Customer ID"],
    "Gender": ["Gender", "Genre", "Sex"],
    "Age": ["Age"],
    "Annual Income (k$)": ["Annual Income (k$)", "Annual Income", "Income", "Income (k$)"],
    "Spending Score (1-100)": ["Spending Score (1-100)", "Spending Score", "Score"],
}
MISSING_TOKENS = frozenset({"", "na", "n/a", "#n/a", "null", "nan"})
# Plain numbers without a leading zero (``0012`` is an identifier): the integer part is 0 or
# starts with 1-9.
_NUMBER = r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DECIMAL_COMMA_NUMBER = r"[+-]?(?:0|[1-9]\d*)(?:,\d+)?"
_WHOLE_NUMBER = r"[+-]?\d+"


def clean_header(name: object) -> str:
    """A header cell as text without BOM, surrounding whitespace or runs of inner whitespace."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    return " ".join(str(name).replace("\ufeff", "").split())


def _spelling_key(name: str) -> str:
    """What two spellings of one column share: case, ``_``/``-``/space runs, space before ``(``."""
    key = re.sub(r"[\s_-]+", " ", name.lower()).strip()
    return re.sub(r"\s*([()])\s*", r"\1", key)


_ALIASES = {
    _spelling_key(spelling): canonical
    for canonical, spellings in _CANONICAL_SPELLINGS.items()
    for spelling in spellings
}


def canonical_column_name(name: str) -> str:
    """The cleaned header, or the classic mall column it spells (``" genre"`` -> ``"Gender"``)."""
    cleaned = clean_header(name)
    return _ALIASES.get(_spelling_key(cleaned), cleaned)


def name_columns(table: pd.DataFrame, header: list, source: str) -> pd.DataFrame:
    """``table`` with canonical column names from ``header`` (one cell per column).

    A column without a name is dropped when it is empty too (a trailing delimiter, a spreadsheet's
    unused columns) and refused when it holds values, since nothing could refer to it.
    """
    names = [clean_header(cell) for cell in header]
    keep = []
    for position, name in enumerate(names):
        values = table.iloc[:, position]
        if name:
            keep.append(position)
        elif values.notna().any():
            row = int(values.notna().to_numpy().argmax())
            raise DataError(
                f"{source} has values but no header in column {position + 1} (e.g. "
                f"{str(values.iloc[row])!r} in data row {row + 1}): give that column a name."
            )
    named = table.iloc[:, keep].copy()
    named.columns = [canonical_column_name(names[position]) for position in keep]
    _reject_duplicates([names[position] for position in keep], list(named.columns), source)
    return named


def _reject_duplicates(originals: list[str], canonical: list[str], source: str) -> None:
    spellings: dict[str, list[str]] = {}
    for original, name in zip(originals, canonical, strict=True):
        spellings.setdefault(name, []).append(original)
    clashes = {name: found for name, found in spellings.items() if len(found) > 1}
    if clashes:
        described = "; ".join(_describe_clash(name, found) for name, found in clashes.items())
        raise DataError(
            f"{source} has duplicate column names ({described}): rename or remove the extra "
            "columns so each name is used once."
        )


def _describe_clash(name: str, spellings: list[str]) -> str:
    if len(set(spellings)) == 1:
        return f"{name!r} appears {len(spellings)} times"
    return f"{', '.join(repr(spelling) for spelling in spellings)} all mean {name!r}"


def type_text_cells(table: pd.DataFrame, decimal_comma: bool = False) -> pd.DataFrame:
    """Missing-value tokens become NaN, and each wholly numeric column becomes numbers.

    ``decimal_comma`` also accepts ``12,5`` as 12.5: right for ``;``-separated files, the CSV of
    spreadsheets set to a decimal-comma locale, and wrong where ``,`` separates thousands.
    """
    return table.apply(lambda column: _numeric_or_text(column, decimal_comma))


def _numeric_or_text(column: pd.Series, decimal_comma: bool) -> pd.Series:
    """Missing tokens as NaN; numbers when every present value is a plain finite number
    without a leading zero. Each value is stripped once and tested by one pattern per question:
    a million cells take a few passes, not one per rule.

    Integers beyond 64 bits stay text too: they are identifiers, and floats would round them.
    """
    stripped = column.str.strip()
    missing = stripped.str.lower().isin(MISSING_TOKENS)
    column = column.mask(missing)
    present = stripped[~missing & column.notna()]
    if present.empty:
        return column
    if not present.str.fullmatch(_NUMBER).all():
        if not (decimal_comma and present.str.fullmatch(_DECIMAL_COMMA_NUMBER).all()):
            return column
        present = present.str.replace(",", ".", regex=False)
    numbers = _to_numbers(present)
    if numbers.dtype.kind not in "if" or not np.isfinite(numbers.to_numpy()).all():
        return column
    return numbers.reindex(column.index)


def _to_numbers(present: pd.Series) -> pd.Series:
    """``pd.to_numeric`` of plain number texts by pyarrow's cast, several times faster and
    parsed exactly alike: int64 when every text is a whole number, float64 otherwise. Whole
    numbers the int64 cast refuses (a ``+`` sign, beyond 64 bits) go to ``pd.to_numeric``,
    whose choice of type the caller judges."""
    texts = pa.array(present, type=pa.string())
    numbers = pc.cast(texts, pa.float64()).to_numpy()
    if (
        np.all(np.isfinite(numbers) & (np.round(numbers) == numbers))
        and present.str.fullmatch(_WHOLE_NUMBER).all()
    ):
        try:
            numbers = pc.cast(texts, pa.int64()).to_numpy()
        except pa.ArrowInvalid:
            return pd.to_numeric(present)
    return pd.Series(numbers, index=present.index)
