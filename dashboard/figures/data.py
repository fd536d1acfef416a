"""What the Data page draws: a per-column summary, histograms, a scatter matrix, box plots.

Every figure is shaped on the server so that its size does not grow with the table: histogram
bins and box quartiles are computed here (a million values become a few dozen bars), and the
scatter matrix draws a display sample that keeps small groups visible. The numbers themselves
(counts, quartiles, missing values) always come from the whole table.
"""

import math

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from algorithms.sampling import stratified_sample

MAX_SUMMARY_COLUMNS = 50
MAX_MATRIX_FEATURES = 6
MAX_BINS = 60
HISTOGRAMS_PER_ROW = 3
GROUP_COLORS = plotly.colors.qualitative.Set2
BAR_COLOR = "#4c78a8"
MISSING_GROUP = "(missing)"
SUMMARY_HEADER = (
    "Column", "Type", "Missing", "Count", "Mean", "Std", "Min", "25%", "Median", "75%", "Max",
    "Distinct", "Most common",
)  # fmt: skip


def graph_config(filename: str) -> dict:
    """Plotly's own PNG download, named after the panel."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": f"segmenta-{filename}", "scale": 2},
    }


def empty_figure(message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6c757d"})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(template="plotly_white", height=260, margin=dict(l=10, r=10, t=10, b=10))
    return figure


def numeric_values(table: pd.DataFrame, column: str) -> np.ndarray:
    """The column as floats, NaN where a cell is missing or not a number."""
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def is_number_column(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def column_summary(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One row per column: type, missing count and the statistics that fit its type.

    Numbers get count, mean, std, min, quartiles and max; other columns the number of distinct
    values and the most common one. An infinite number counts as missing, as in the fit,
    which leaves such customers out: the statistics describe the finite values.
    """
    numeric = [column for column in columns if is_number_column(table[column])]
    block = table[numeric].astype("float64").replace([np.inf, -np.inf], np.nan)
    stats = pd.DataFrame(
        {
            "Count": block.count(),
            "Mean": block.mean(),
            "Std": block.std(),
            "Min": block.min(),
            "25%": block.quantile(0.25),
            "Median": block.median(),
            "75%": block.quantile(0.75),
            "Max": block.max(),
        }
    )
    rows = []
    for column in columns:
        values = table[column]
        row = {"Column": column, "Type": _type_name(values), "Missing": int(values.isna().sum())}
        if column in stats.index:
            row["Missing"] = int(block[column].isna().sum())
            row |= stats.loc[column].to_dict() | {"Distinct": values.nunique()}
        else:
            counts = values.value_counts()
            row |= {
                "Count": int(values.notna().sum()),
                "Distinct": len(counts),
                "Most common": f"{counts.index[0]} ({counts.iloc[0]:,})" if len(counts) else "",
            }
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SUMMARY_HEADER)).set_index("Column")


def _type_name(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "true/false"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    return "text"


def format_number(value) -> str:
    """Short and readable: 1,234.5 / 0.0012 / 2.5e+07; blank for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    value = float(value)
    if value.is_integer() and abs(value) < 1e9:
        return f"{int(value):,}"
    if abs(value) >= 1e6 or abs(value) < 1e-3:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def summary_table(summary: pd.DataFrame, chosen: list[str], n_rows: int) -> dbc.Table:
    """The summary as a compact table; chosen features highlighted, missing values flagged."""
    header = html.Thead(html.Tr([html.Th(name) for name in SUMMARY_HEADER]))
    body = []
    for column, row in summary.iterrows():
        missing = row["Missing"]
        missing_cell = html.Td(
            f"{missing:,} ({missing / n_rows:.0%})" if missing else "0",
            className="text-danger fw-semibold" if missing else "text-muted",
        )
        cells = [html.Td(column, className="fw-semibold"), html.Td(row["Type"]), missing_cell]
        cells += [html.Td(format_number(row[name])) for name in SUMMARY_HEADER[3:]]
        body.append(html.Tr(cells, className="table-primary" if column in chosen else None))
    return dbc.Table(
        [header, html.Tbody(body)],
        size="sm",
        striped=True,
        hover=True,
        responsive=True,
        className="data-summary-table mb-1",
    )


def histogram_bins(values: np.ndarray) -> np.ndarray:
    """Bin edges chosen by numpy's 'auto' rule, at most ``MAX_BINS``, whole-number widths for
    whole-number data (so an Age bar covers 20-25, not 19.6-24.8)."""
    values = values[np.isfinite(values)]
    edges = np.histogram_bin_edges(values, bins="auto")
    if len(edges) - 1 > MAX_BINS:
        edges = np.histogram_bin_edges(values, bins=MAX_BINS)
    if len(values) and np.all(values == np.round(values)) and len(edges) > 1:
        width = max(1.0, math.ceil(edges[1] - edges[0]))
        low, high = math.floor(values.min()), math.floor(values.max())
        edges = np.arange(low, high + width + 1, width)
        edges = edges[: np.searchsorted(edges, high, side="right") + 1]
    return edges


def histograms_figure(table: pd.DataFrame, features: list[str]) -> go.Figure:
    """One histogram per feature, in rows of three, bins counted here (not in the browser)."""
    columns = min(len(features), HISTOGRAMS_PER_ROW)
    rows = math.ceil(len(features) / HISTOGRAMS_PER_ROW)
    figure = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.07, vertical_spacing=0.2)
    for position, feature in enumerate(features):
        row, column = divmod(position, HISTOGRAMS_PER_ROW)
        values = numeric_values(table, feature)
        present = values[np.isfinite(values)]
        edges = histogram_bins(present)
        counts, _ = np.histogram(present, bins=edges)
        figure.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges),
                customdata=np.column_stack([edges[:-1], edges[1:]]),
                hovertemplate="%{customdata[0]:,.4g} – %{customdata[1]:,.4g}: "
                "%{y:,} customers<extra></extra>",
                marker_color=BAR_COLOR,
                name=feature,
                showlegend=False,
            ),
            row=row + 1,
            col=column + 1,
        )
        figure.update_xaxes(title_text=feature, row=row + 1, col=column + 1)
        figure.update_yaxes(
            title_text="customers" if column == 0 else None, row=row + 1, col=column + 1
        )
    figure.update_layout(
        template="plotly_white",
        height=260 * rows,
        bargap=0.05,
        margin=dict(l=50, r=20, t=20, b=50),
    )
    return figure


def group_labels(table: pd.DataFrame, column: str | None) -> pd.Series | None:
    """The colour group of each row as text, ``(missing)`` where the cell is empty."""
    if not column:
        return None
    return table[column].astype("string").fillna(MISSING_GROUP).astype(str)


def scatter_matrix_figure(
    table: pd.DataFrame,
    features: list[str],
    color_by: str | None,
    max_points: int,
    seed: int = 0,
) -> tuple[go.Figure, str]:
    """A scatter matrix of the features (at most six; two features make one scatter plot),
    coloured by ``color_by``, and a note saying how many customers are drawn when the table
    is larger than ``max_points`` (a display sample that keeps every group)."""
    drawn = features[:MAX_MATRIX_FEATURES]
    matrix = np.column_stack([numeric_values(table, feature) for feature in drawn])
    complete = np.flatnonzero(np.isfinite(matrix).all(axis=1))
    groups = group_labels(table, color_by)
    codes, names = np.zeros(len(complete), dtype=int), np.array(["customers"])
    if groups is not None:
        codes, names = pd.factorize(groups.to_numpy()[complete], sort=True)
    picked = stratified_sample(codes, max_points, seed=seed)
    rows, codes = complete[picked], codes[picked]
    marker = {"size": 5 if len(rows) < 2000 else 3, "opacity": 0.7, "line": {"width": 0}}
    figure = go.Figure()
    for code, name in enumerate(names):
        trace = {
            "name": str(name),
            "showlegend": groups is not None,
            "marker": marker | {"color": GROUP_COLORS[code % len(GROUP_COLORS)]},
        }
        values = matrix[rows[codes == code]]
        figure.add_trace(_points(drawn, values, trace))
    figure.update_layout(
        template="plotly_white",
        height=420 if len(drawn) == 2 else 180 * len(drawn) + 80,
        dragmode="select",
        legend_title_text=color_by or None,
        margin=dict(l=60, r=20, t=20, b=60),
    )
    if len(drawn) == 2:
        figure.update_layout(xaxis_title=drawn[0], yaxis_title=drawn[1])
    return figure, _matrix_note(len(rows), len(complete), features)


def _points(features: list[str], values: np.ndarray, trace: dict) -> go.Scattergl | go.Splom:
    """One group's points: a WebGL scatter for two features, a lower-half matrix for more
    (plotly cannot draw a lower-half matrix of only two dimensions)."""
    if len(features) == 2:
        return go.Scattergl(x=values[:, 0], y=values[:, 1], mode="markers", **trace)
    return go.Splom(
        dimensions=[{"label": f, "values": values[:, i]} for i, f in enumerate(features)],
        diagonal_visible=False,
        showupperhalf=False,
        **trace,
    )


def _matrix_note(n_drawn: int, n_complete: int, features: list[str]) -> str:
    notes = []
    if n_drawn < n_complete:
        notes.append(f"Showing {n_drawn:,} of {n_complete:,} customers (a display sample).")
    if len(features) > MAX_MATRIX_FEATURES:
        notes.append(f"Drawing the first {MAX_MATRIX_FEATURES} of {len(features)} features.")
    return " ".join(notes)


def box_stats(values: np.ndarray) -> dict:
    """Quartiles, mean and Tukey whiskers (the furthest values within 1.5 IQR)."""
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    reach = 1.5 * (q3 - q1)
    inside = values[(values >= q1 - reach) & (values <= q3 + reach)]
    return {
        "q1": [q1],
        "median": [median],
        "q3": [q3],
        "lowerfence": [inside.min()],
        "upperfence": [inside.max()],
        "mean": [values.mean()],
    }


def box_figure(table: pd.DataFrame, value: str, group: str | None) -> go.Figure:
    """Boxes of ``value`` for each category of ``group`` (one box without a group), computed
    here so that a million rows become a handful of numbers."""
    values = numeric_values(table, value)
    groups = group_labels(table, group)
    names = sorted(groups.unique()) if groups is not None else ["all customers"]
    figure = go.Figure()
    for position, name in enumerate(names):
        members = values if groups is None else values[(groups == name).to_numpy()]
        members = members[np.isfinite(members)]
        if not len(members):
            continue
        label = f"{name} (n={len(members):,})"
        figure.add_trace(
            go.Box(
                x=[label],
                name=label,
                marker_color=GROUP_COLORS[position % len(GROUP_COLORS)],
                boxmean=True,
                showlegend=False,
                **box_stats(members),
            )
        )
    figure.update_layout(
        template="plotly_white",
        height=380,
        xaxis_title=group or None,
        yaxis_title=value,
        margin=dict(l=60, r=20, t=20, b=50),
    )
    return figure
