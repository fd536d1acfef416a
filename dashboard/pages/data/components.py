"""The Data page's layout: controls only, no data (the callbacks fill everything in)."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from algorithms.preprocessing import SCALING_LABELS
from dashboard.figures import data as figures
from dashboard.ids import data as ids

ACCEPTED_FILES = ".csv,.txt,.tsv,.xlsx,.parquet"
PRESET_STYLE = {"size": "sm", "outline": True, "color": "primary"}


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1 mt-2")


def _panel(title: str, *children, **column) -> dbc.Col:
    return dbc.Col(html.Div([html.H5(title), *children], className="segmenta-panel"), **column)


def _graph(graph_id: str, name: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, config=figures.graph_config(name)), type="circle")


def _table_controls() -> list:
    return [
        _label("Stored tables", ids.DATASET),
        html.Div(
            [
                dcc.Dropdown(
                    id=ids.DATASET,
                    clearable=False,
                    placeholder="Loading the tables...",
                    className="flex-grow-1",
                ),
                dbc.Button(
                    "Delete",
                    id=ids.DELETE,
                    size="sm",
                    outline=True,
                    color="danger",
                    title="Remove the chosen table from the server",
                ),
            ],
            className="d-flex gap-2 align-items-center",
        ),
        dcc.ConfirmDialog(id=ids.DELETE_CONFIRM),
        html.Div(id=ids.DELETE_NOTE, className="mt-2"),
        dcc.Upload(
            id=ids.UPLOAD,
            children=html.Div(
                [
                    html.Div(
                        ["Drag and drop or ", html.Span("choose a file", className="link-primary")]
                    ),
                    html.Div(id=ids.UPLOAD_HINT, className="small-note"),
                ]
            ),
            accept=ACCEPTED_FILES,
            multiple=False,
            className="data-upload mt-3",
            className_active="data-upload-active",
            className_reject="data-upload-reject",
        ),
        dcc.Store(id=ids.UPLOAD_REJECTED),
        dcc.Store(id=ids.SHOWN_VIEW),
        dcc.Loading(html.Div(id=ids.ALERT, className="mt-2"), type="dot"),
    ]


def _feature_controls() -> list:
    return [
        html.Div(
            [
                dbc.Button("Income × Spending", id=ids.PRESET_TWO, **PRESET_STYLE),
                dbc.Button("Age × Income × Spending", id=ids.PRESET_THREE, **PRESET_STYLE),
            ],
            className="d-flex gap-2 flex-wrap",
        ),
        _label("Numeric features (2–3 are drawn)", ids.FEATURES),
        dcc.Dropdown(id=ids.FEATURES, multi=True, placeholder="Choose two or three columns"),
        _label("Include a category (one-hot)", ids.CATEGORICAL),
        dcc.Dropdown(id=ids.CATEGORICAL, placeholder="none"),
        _label("Scaling", ids.SCALING),
        dbc.RadioItems(
            id=ids.SCALING,
            options=[{"label": label, "value": value} for value, label in SCALING_LABELS.items()],
            value="standard",
            inline=True,
        ),
        html.Div(id=ids.SCALING_NOTE, className="small-note"),
        html.Div(id=ids.FEATURE_NOTE, className="small mt-2"),
        html.Div(
            [
                html.Div(id=ids.SKEW_NOTE, className="text-warning-emphasis mb-1"),
                dbc.Button(id=ids.SKEW_APPLY, style={"display": "none"}, **PRESET_STYLE),
            ],
            className="small mt-1",
        ),
    ]


def layout(linked_view: dict | None = None):
    """The page; ``linked_view`` is the view its URL names (the view callback opens it)."""
    return html.Div(
        [
            dcc.Store(id=ids.LINKED_VIEW, data=linked_view),
            html.H3("Data"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Stack(
                            [
                                html.Div(
                                    [html.H5("Customer table"), *_table_controls()],
                                    className="segmenta-panel",
                                ),
                                html.Div(
                                    [html.H5("Features"), *_feature_controls()],
                                    className="segmenta-panel",
                                ),
                            ],
                            gap=3,
                        ),
                        lg=4,
                    ),
                    _panel(
                        "Overview",
                        html.Div(id=ids.PANEL_ALERT),
                        dcc.Loading(
                            [html.Div(id=ids.COUNTS), html.Div(id=ids.COLUMN_TABLE)], type="dot"
                        ),
                        lg=8,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                _panel(
                    "Distributions of the chosen features", _graph(ids.HISTOGRAMS, "histograms")
                ),
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    _panel(
                        "Scatter matrix",
                        html.Div(id=ids.SCATTER_NOTE, className="small-note"),
                        _graph(ids.SCATTER_MATRIX, "scatter-matrix"),
                        lg=7,
                    ),
                    _panel(
                        "Compare groups",
                        dbc.Row(
                            [
                                dbc.Col(dcc.Dropdown(id=ids.BOX_VALUE, clearable=False), md=7),
                                dbc.Col(
                                    dcc.Dropdown(id=ids.BOX_GROUP, placeholder="no grouping"), md=5
                                ),
                            ],
                            className="g-2",
                        ),
                        html.Div(id=ids.BOX_ALERT),
                        _graph(ids.BOX_PLOT, "box-plot"),
                        lg=5,
                    ),
                ],
                className="g-3",
            ),
        ],
        className="data-page",
    )
