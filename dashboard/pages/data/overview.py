"""The read-only panels of the Data page: counts, column summary, distributions, groups.

They follow the page's copy of the view (``ids.SHOWN_VIEW``). What is costly on a large
table (column roles, the summary) is cached per dataset, and every figure is shaped on the
server (``dashboard.figures.data``).
"""

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Output, html

from dashboard.figures import data as figures
from dashboard.ids import data as ids
from dashboard.pages.data.view import (
    CACHE_VERSION,
    GENDER,
    SPENDING,
    CallbackOutputs,
    ColumnRoles,
    column_roles,
)
from dashboard.services.analysis import View
from dashboard.services.results import result_key
from dashboard.shell.feedback import error_alert


@dataclass
class Overview(CallbackOutputs):
    """The read-only panels for one view, in the order of ``OVERVIEW_OUTPUTS``."""

    counts: Any
    column_table: Any
    histograms: Any
    scatter_matrix: Any
    scatter_note: str
    box_value_options: list
    box_value: str | None
    box_group_options: list
    box_group: str | None
    alert: Any = None


OVERVIEW_OUTPUTS = [
    Output(ids.COUNTS, "children"),
    Output(ids.COLUMN_TABLE, "children"),
    Output(ids.HISTOGRAMS, "figure"),
    Output(ids.SCATTER_MATRIX, "figure"),
    Output(ids.SCATTER_NOTE, "children"),
    Output(ids.BOX_VALUE, "options"),
    Output(ids.BOX_VALUE, "value"),
    Output(ids.BOX_GROUP, "options"),
    Output(ids.BOX_GROUP, "value"),
    Output(ids.PANEL_ALERT, "children"),
]


def summary_columns(table: pd.DataFrame, view: View) -> list[str]:
    """The columns the summary shows: the chosen ones first, at most ``MAX_SUMMARY_COLUMNS``."""
    chosen = list(view.features) + ([view.categorical] if view.categorical else [])
    rest = [column for column in table.columns if column not in chosen]
    return (chosen + rest)[: figures.MAX_SUMMARY_COLUMNS]


def column_panel(services, view: View, table: pd.DataFrame, roles: ColumnRoles) -> list:
    shown = summary_columns(table, view)
    summary = services.results.get_or_compute(
        result_key("data-summary", view.dataset_id, columns=shown, version=CACHE_VERSION),
        lambda: figures.column_summary(table, shown),
    )
    panel = [figures.summary_table(summary, list(view.features), len(table))]
    if len(shown) < table.shape[1]:
        hidden = sum(roles.missing[c] for c in table.columns if c not in shown)
        panel.append(
            html.P(
                f"Showing {len(shown)} of {table.shape[1]:,} columns, the chosen features first "
                f"(the hidden columns hold {hidden:,} missing values).",
                className="small-note",
            )
        )
    return panel


def count_cards(table: pd.DataFrame, roles: ColumnRoles) -> dbc.Row:
    counts = (
        ("customers", len(table)),
        ("columns", table.shape[1]),
        ("numeric features", len(roles.numeric)),
        ("rows with a missing value", roles.rows_with_missing),
    )
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [html.Div(f"{value:,}", className="data-count-value"), html.Div(label)],
                    className="data-count",
                ),
                xs=6,
                md=3,
            )
            for label, value in counts
        ],
        className="g-2 mb-3",
    )


def box_choice(view: View, roles: ColumnRoles, value: str | None, group: str | None):
    """The box plot's column and grouping: the user's when still valid, else the defaults
    (Spending Score by Gender for the mall table)."""
    if value not in roles.numeric:
        value = SPENDING if SPENDING in roles.numeric else view.features[0]
    if group not in roles.categorical:
        group = GENDER if GENDER in roles.categorical else next(iter(roles.categorical), None)
    return value, group


def color_column(view: View, roles: ColumnRoles) -> str | None:
    if view.categorical:
        return view.categorical
    return GENDER if GENDER in roles.categorical else None


def overview_outputs(services, view_data: dict, box_value=None, box_group=None) -> Overview:
    """Counts, column summary, histograms and scatter matrix of the view; a message on failure."""
    try:
        view = View.from_store(view_data)
        table = services.analysis.table(view.dataset_id)
        roles = column_roles(services, view.dataset_id)
        features = list(view.features)
        matrix, note = figures.scatter_matrix_figure(
            table, features, color_column(view, roles), services.config.display_points
        )
        value, group = box_choice(view, roles, box_value, box_group)
        return Overview(
            counts=count_cards(table, roles),
            column_table=column_panel(services, view, table, roles),
            histograms=figures.histograms_figure(table, features),
            scatter_matrix=matrix,
            scatter_note=note,
            box_value_options=roles.numeric,
            box_value=value,
            box_group_options=[{"label": c, "value": c} for c in roles.categorical],
            box_group=group,
        )
    except Exception as error:  # noqa: BLE001  (shown on the page, never raised to Dash)
        empty = figures.empty_figure("Nothing to draw for this view.")
        return Overview(
            counts=None,
            column_table=None,
            histograms=empty,
            scatter_matrix=empty,
            scatter_note="",
            box_value_options=[],
            box_value=None,
            box_group_options=[],
            box_group=None,
            alert=error_alert(error, "the data overview"),
        )


def box_outputs(services, view_data: dict, value: str | None, group: str | None):
    """(figure, alert) for the box plot of ``value`` grouped by ``group``."""
    try:
        view = View.from_store(view_data)
        table = services.analysis.table(view.dataset_id)
        roles = column_roles(services, view.dataset_id)
        value, _ = box_choice(view, roles, value, None)
        group = group if group in roles.categorical else None
        return figures.box_figure(table, value, group), None
    except Exception as error:  # noqa: BLE001  (shown on the page, never raised to Dash)
        alert = error_alert(error, "the box plot")
        return figures.empty_figure("No box plot for this choice."), alert
