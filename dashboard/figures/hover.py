"""What hovering a customer shows: its row of the table, sent the cheap way.

Numeric columns travel as numbers in each trace's ``customdata`` (one float array, which plotly
sends base64-encoded) and plotly.js formats them: ``,.2~f`` gives thousands separators and at
most two decimals without trailing zeros, as the tables show them. Only the text columns travel
as text, one ``text`` string per point, their cells escaped in one vectorised pass and each
column name once (``figures.labels``), so a cell ``<b>x</b>`` is shown as written. A float
column with missing values goes as text, so a gap reads '–' rather than 'NaN'; so does an
integer column too large for a float to hold exactly. The text block stands where the first
text column is (later text columns join it).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd

from dashboard.figures.labels import label

MAX_HOVER_COLUMNS = 20
MAX_HOVER_CELLS = 200_000  # hover data travels to the browser with every point
MISSING = "–"
FLOAT_FORMAT = ",.2~f"
EXACT_INTEGERS = 2**53
TEXT_BLOCK = "%{text}"
SEPARATOR = "<br>"


@dataclass(frozen=True)
class HoverColumns:
    """Hover data of a set of points: numbers (points × numeric columns), the text block per
    point (None without text columns), and the template's lines in the table's order."""

    numbers: np.ndarray
    text: np.ndarray | None
    lines: tuple[str, ...]

    def trace_fields(self, members: np.ndarray, point_names: np.ndarray | None = None) -> dict:
        """``customdata``, ``text`` and ``hovertemplate`` of the trace drawing ``members``
        (a boolean mask); ``point_names`` (escaped) title each point where a trace holds
        several segments, else the trace's name does."""
        text = None if self.text is None else self.text[members]
        lines = list(self.lines)
        if point_names is None:
            title = "<b>%{fullData.name}</b>"
        else:
            titles = np.array([f"<b>{name}</b>" for name in point_names], dtype=object)
            text = titles if text is None else titles + SEPARATOR + text
            lines = [line for line in lines if line != TEXT_BLOCK]
            title = TEXT_BLOCK
        fields = {
            "hovertemplate": SEPARATOR.join([title, *lines]) + "<extra></extra>",
            "customdata": self.numbers[members],
        }
        if text is not None:
            fields["text"] = text
        return fields


def hover_columns(rows: pd.DataFrame, keep: Sequence[str]) -> HoverColumns:
    """The rows' columns for hovering: ``keep`` columns always, the others while the data stays
    small enough to send (``MAX_HOVER_CELLS``)."""
    budget = max(len(keep), min(MAX_HOVER_COLUMNS, MAX_HOVER_CELLS // max(len(rows), 1)))
    others = [c for c in rows.columns if c not in keep]
    columns = [c for c in rows.columns if c in keep or c in others[: budget - len(keep)]]
    numeric = [c for c in columns if _as_number(rows[c])]
    lines, texts = [], []
    for column in columns:
        if column in numeric:
            lines.append(_number_line(column, rows[column], numeric.index(column)))
            continue
        texts.append(label(column) + ": " + _as_text(rows[column]))
        if len(texts) == 1:
            lines.append(TEXT_BLOCK)
    numbers = rows[numeric].to_numpy(dtype=float) if numeric else np.empty((len(rows), 0))
    text = reduce(lambda a, b: a + SEPARATOR + b, texts).to_numpy(dtype=object) if texts else None
    return HoverColumns(numbers, text, tuple(lines))


def _as_number(values: pd.Series) -> bool:
    """Whether a column travels as numbers: floats without gaps, integers a float holds."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_integer_dtype(values):
        return not len(values) or int(values.abs().max()) < EXACT_INTEGERS
    return pd.api.types.is_float_dtype(values) and not values.isna().any()


def _number_line(column: str, values: pd.Series, position: int) -> str:
    spec = f":{FLOAT_FORMAT}" if pd.api.types.is_float_dtype(values) else ""
    return f"{label(column)}: %{{customdata[{position}]{spec}}}"


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as escaped display text (``figures.labels.label``, vectorised)."""
    if pd.api.types.is_float_dtype(values):
        text = values.map(lambda v: f"{v:,.2f}".rstrip("0").rstrip("."), na_action="ignore")
    else:
        text = values.astype("string")
    text = text.fillna(MISSING).astype(str)
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.str.replace(character, entity, regex=False)
    return text
