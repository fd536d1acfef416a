"""The Diagnostics page's controls and empty panels (no data is read here)."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from algorithms.methods import METHODS, with_capability
from algorithms.stability import STABILITY_RESAMPLES
from dashboard.figures.diagnostics import message_figure
from dashboard.ids import diagnostics as ids
from dashboard.pages.diagnostics_panels import K_LIMIT, tree_method
from dashboard.pages.diagnostics_result import HIDDEN, SHOWN, method_controls
from dashboard.pages.diagnostics_stability import resample_label

__all__ = ["HIDDEN", "SHOWN", "page"]


def linkages() -> tuple[str, ...]:
    """The linkages the dendrogram's method offers."""
    return next(p.choices for p in METHODS[tree_method()].params if p.name == "linkage")


def graph(graph_id: str, filename: str, message: str = "Computing…") -> dcc.Graph:
    """A chart whose modebar camera button downloads a PNG named after the panel; until its
    callback answers it shows ``message``."""
    return dcc.Graph(
        id=graph_id,
        figure=message_figure(message),
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        },
    )


def labelled(label: str, control, width: int = 3, **col) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control.id, className="small mb-0"), control], md=width, **col
    )


def number_input(input_id: str, value, low, high=None, step=1) -> dbc.Input:
    return dbc.Input(
        id=input_id,
        type="number",
        value=value,
        min=low,
        max=high,
        step=step,
        debounce=True,
        size="sm",
    )


def card(title: str, subtitle: str, body: list) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [html.Strong(title), html.Span(f" · {subtitle}", className="text-muted")]
            ),
            dbc.CardBody(body),
        ],
        className="mb-3",
    )


def background_status(
    status_id: str, progress_id: str, label_id: str, cancel_id: str, first_label: str = ""
) -> html.Div:
    """Progress bar, label and Cancel of a background computation, hidden until it runs."""
    return html.Div(
        [
            dbc.Progress(id=progress_id, value=0, striped=True, animated=True, className="mb-1"),
            html.Div(
                [
                    html.Small(first_label, id=label_id, className="text-muted me-2"),
                    dbc.Button(
                        "Cancel",
                        id=cancel_id,
                        size="sm",
                        color="secondary",
                        outline=True,
                        disabled=True,
                    ),
                ],
                className="d-flex align-items-center justify-content-between",
            ),
        ],
        id=status_id,
        style=HIDDEN,
    )


def sweep_card(values: dict) -> dbc.Card:
    status = background_status(
        ids.SWEEP_STATUS, ids.SWEEP_PROGRESS, ids.SWEEP_PROGRESS_LABEL, ids.SWEEP_CANCEL
    )
    slider = dcc.RangeSlider(
        id=ids.K_RANGE,
        min=1,
        max=K_LIMIT,
        step=1,
        value=[values["k_min"], values["k_max"]],
        pushable=2,
        allowCross=False,
        marks={k: str(k) for k in (1, *range(5, K_LIMIT + 1, 5))},
        tooltip={"placement": "bottom"},
    )
    return card(
        "How many segments?",
        "K-Means fitted for each k on the current features",
        [
            dbc.Row(
                [
                    dbc.Col([dbc.Label("Range of k", className="small mb-0"), slider], md=8),
                    dbc.Col(status, md=4),
                ],
                className="mb-2",
            ),
            html.Div(id=ids.SWEEP_ALERT),
            dbc.Row(
                [
                    dbc.Col(graph(ids.ELBOW_GRAPH, "segmenta-elbow"), lg=7),
                    dbc.Col(html.Div(id=ids.RECOMMENDATION), lg=5, className="pt-lg-4"),
                ]
            ),
            graph(ids.SCORES_GRAPH, "segmenta-scores-by-k"),
            *[criteria_block(method) for method in with_capability("criteria")],
        ],
    )


def criteria_block(method: str) -> html.Div:
    """The per-k criteria a method declares (a Gaussian mixture's BIC and AIC)."""
    return html.Div(
        [
            html.Div(id=ids.criteria_alert(method)),
            graph(ids.criteria_graph(method), f"segmenta-{method}-criteria-by-k"),
        ]
    )


def silhouette_card(values: dict) -> dbc.Card:
    controls = dbc.Row(method_controls(values), className="mb-2 g-2")
    return card(
        "Silhouette plot",
        "how well each customer fits its segment",
        [
            controls,
            html.Div(id=ids.SIL_ALERT),
            dcc.Loading(graph(ids.SIL_GRAPH, "segmenta-silhouette"), type="default"),
            html.Div(id=ids.SIL_SUMMARY),
        ],
    )


def stability_card() -> dbc.Card:
    """Bootstrap stability of the result chosen in the silhouette card, checked on request."""
    status = background_status(
        ids.STAB_STATUS,
        ids.STAB_PROGRESS,
        ids.STAB_PROGRESS_LABEL,
        ids.STAB_CANCEL,
        first_label=resample_label(0, STABILITY_RESAMPLES),
    )
    return card(
        "Stability",
        "which segments of the result above survive resampling the customers",
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Button(
                                "Check stability", id=ids.STAB_RUN, color="primary", size="sm"
                            ),
                            html.Small(
                                f" refits it on {STABILITY_RESAMPLES} bootstrap resamples",
                                className="text-muted",
                            ),
                        ],
                        md=8,
                    ),
                    dbc.Col(status, md=4),
                ],
                className="mb-2 g-2",
            ),
            html.Div(id=ids.STAB_ALERT),
            html.Div(id=ids.STAB_STALE),
            html.Div(
                html.Div(
                    [
                        graph(
                            ids.STAB_GRAPH,
                            "segmenta-stability",
                            "Press Check stability to see which segments reappear.",
                        ),
                        html.Div(id=ids.STAB_VERDICT),
                    ],
                    id=ids.STAB_RESULT,
                ),
                id=ids.STAB_SHOWN,
            ),
            dcc.Store(id=ids.STAB_CHECKED),
        ],
    )


def linkage_select(select_id: str, value: str) -> dbc.Select:
    return dbc.Select(
        id=select_id,
        options=[{"label": name, "value": name} for name in linkages()],
        value=value,
        size="sm",
    )


def k_distance_card(min_samples: int) -> dbc.Card:
    return card(
        "k-distance curve",
        "where to set DBSCAN's eps",
        [
            dbc.Row(
                [
                    labelled(
                        "min_samples", number_input(ids.KDIST_MIN_SAMPLES, min_samples, 2, 1000)
                    ),
                    dbc.Col(
                        dbc.Button(
                            "Use eps in Compare",
                            id=ids.KDIST_USE_EPS,
                            href="/compare",
                            color="primary",
                            size="sm",
                            disabled=True,
                        ),
                        className="d-flex align-items-end",
                    ),
                    dbc.Col(
                        dbc.Switch(id=ids.KDIST_LOG, label="Log axis", value=False),
                        className="d-flex align-items-end small",
                    ),
                ],
                className="mb-2 g-2",
            ),
            html.Div(id=ids.KDIST_ALERT),
            dcc.Loading(graph(ids.KDIST_GRAPH, "segmenta-k-distance"), type="default"),
            html.Div(id=ids.KDIST_NOTE),
        ],
    )


def dendrogram_card(values: dict) -> dbc.Card:
    return card(
        "Dendrogram",
        "hierarchical clustering and where its tree is cut",
        [
            dbc.Row(
                [
                    labelled(
                        "Linkage",
                        linkage_select(ids.TREE_LINKAGE, values["dendro_linkage"]),
                        width=4,
                    ),
                    labelled(
                        "Segments k",
                        number_input(ids.TREE_K, values["dendro_k"], 1, 50),
                        width=4,
                    ),
                    labelled(
                        "or cut at height",
                        number_input(ids.TREE_HEIGHT, values["dendro_height"], 0, step="any"),
                        width=4,
                    ),
                ],
                className="mb-2 g-2",
            ),
            html.Div(id=ids.TREE_ALERT),
            dcc.Loading(graph(ids.TREE_GRAPH, "segmenta-dendrogram"), type="default"),
            html.Div(id=ids.TREE_NOTE),
        ],
    )


def page(values: dict, note=None) -> html.Div:
    """The whole page, its controls set to ``values`` (by URL key, see ``diagnostics_link``);
    ``note`` names link settings that were reset."""
    return html.Div(
        [
            html.H3("Diagnostics"),
            html.P(
                "How many segments the data supports, how well each customer fits its "
                "segment, and where to set DBSCAN's eps and the tree's cut.",
                className="text-muted",
            ),
            note,
            sweep_card(values),
            # one result's silhouettes beside its stability, then eps beside the tree's cut:
            # side by side, no card leaves half a wide screen empty
            dbc.Row(
                [
                    dbc.Col(silhouette_card(values), xl=6),
                    dbc.Col(stability_card(), xl=6),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(k_distance_card(values["kd_min_samples"]), xl=5),
                    dbc.Col(dendrogram_card(values), xl=7),
                ]
            ),
        ],
        className="diagnostics-page",
    )
