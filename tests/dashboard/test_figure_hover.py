"""The scatter built from plain dicts draws what the table holds: every customer once, at its
values, in its segment's colour, and hovering shows its row as the tables show it (floats with
thousands separators and at most two decimals, gaps as '–', text escaped once)."""

import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.colors import cluster_color
from dashboard.figures.hover import MISSING, hover_columns
from dashboard.figures.scatter import SVG_MAX_POINTS, cluster_scatter
from tests.dashboard.hover_reading import hover_values

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def shown_as(value) -> str:
    """How a cell reads on hover (the rule the tables follow), in plotly's escaped markup."""
    if isinstance(value, float):
        text = MISSING if np.isnan(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return html.escape(text, quote=False)


def assert_drawn_like(table: pd.DataFrame, axes: list[str], labels: np.ndarray) -> None:
    figure = cluster_scatter(table[axes], labels, hover=hover_columns(table, keep=axes))
    drawn = 0
    for trace in figure.data:
        cluster = trace.meta["cluster"]
        members = np.flatnonzero(labels == cluster)
        assert trace.marker.color == cluster_color(cluster)
        assert trace.type == ("scatter" if len(labels) <= SVG_MAX_POINTS else "scattergl")
        np.testing.assert_array_equal(trace.x, table[axes[0]].to_numpy()[members])
        np.testing.assert_array_equal(trace.y, table[axes[1]].to_numpy()[members])
        for point, row in zip(range(len(members)), members, strict=True):
            expected = {html.escape(c, quote=False): shown_as(table[c].iloc[row]) for c in table}
            assert hover_values(trace, point) == expected
        drawn += len(members)
    assert drawn == len(table)


def test_hover_shows_numbers_gaps_and_markup_as_the_table_holds_them():
    table = pd.DataFrame(
        {
            "id": ["<i>a</i>", "b & c", "d", "e"],
            "income": [1234.5, 0.126, -3.0, 1e6],
            "spend": [1.0, 2.0, 3.0, 4.0],
            "visits": [3, 0, 12_000, -1],
            "gap <b>": [np.nan, 2.5, 3.0, 4.0],
            "member": [True, False, True, False],
            "city": ["Köln", "<b>", "x", "y"],
        }
    )
    assert_drawn_like(table, ["income", "spend"], np.array([0, 1, 1, 0]))


def test_cc_general_draws_every_customer_with_its_row():
    path = DATA / "CC GENERAL.csv"
    if not path.exists():
        pytest.skip(f"{path} is not there")
    table = pd.read_csv(path).head(4_000)
    labels = np.random.default_rng(0).integers(0, 4, len(table))
    assert table.isna().any().any(), "the sample must hold gaps for this test"
    assert_drawn_like(table, ["BALANCE", "PURCHASES"], labels)
