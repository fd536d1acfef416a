"""Compare page: K-Means, DBSCAN and hierarchical clustering side by side on the current view,
each with its own parameters, then their metrics and agreement, to choose a segmentation.

Each panel has its own callbacks (changing k never refits DBSCAN); corresponding segments
share a colour across panels; ``/compare?method=dbscan&eps=0.42`` opens with that panel set.
Every setting is in the URL (``compare_link``), so a shared link opens the same panels.
The callback bodies live in ``compare_panels`` and ``compare_metrics``.
"""

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from algorithms.methods import METHODS
from dashboard import feedback, url_settings
from dashboard import ids as shared_ids
from dashboard.figures.scatter import empty_figure, graph_config
from dashboard.ids import compare as ids
from dashboard.pages.compare_controls import (
    CONTROLS,
    CUT_BY_HEIGHT,
    PANEL_TEXT,
    initial_values,
    panel_controls,
)
from dashboard.pages.compare_link import (
    CROSSTAB_DEFAULTS,
    CROSSTAB_KEYS,
    cut_by,
    named_settings,
    panel_values,
    published,
    restore,
)
from dashboard.pages.compare_metrics import crosstab_output, metrics_outputs
from dashboard.pages.compare_panels import (
    REFERENCE_METHOD,
    cut_height_default,
    eps_defaults,
    fit_in_background,
    panel_request,
    panel_view,
)

PAGE = {"path": "/compare", "name": "Compare", "title": "Segmenta · Compare", "order": 1}
__all__ = ["PAGE", "layout", "named_settings", "register_callbacks"]

RUNNING = {"display": "flex"}
IDLE = {"display": "none"}


def layout(**query):
    link = url_settings.page_link(PAGE["path"], query, named_settings)
    if link.unchanged:
        return no_update  # the URL caught up with the page: keep it as it is
    values, problems, result_link = restore(link.query)
    return html.Div(
        [
            html.H3("Compare segmentations"),
            html.P(
                "Three methods on the same customers. Tune each panel, check the metrics and "
                "how far the methods agree, then use the segmentation you can act on.",
                className="text-muted",
            ),
            _link_note(result_link, problems),
            dbc.Row(
                [dbc.Col(_panel(method, values), lg=4, className="mb-3") for method in METHODS],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_metrics_panel(), lg=6, className="mb-3"),
                    dbc.Col(_agreement_panel(values), lg=6, className="mb-3"),
                ],
                className="g-3",
            ),
        ],
        className="compare-page",
    )


def _link_note(link, problems: list[str]):
    notes = [url_settings.link_note(problems)]
    if link is not None:
        method, params = link
        settings = ", ".join(f"{name} {params[name]}" for name in CONTROLS[method] if params[name])
        notes.append(feedback.info_alert(f"{METHODS[method].label} set from the link: {settings}."))
    return html.Div(notes, id=ids.LINK_NOTE)


def _panel(method: str, url_values: dict) -> html.Div:
    panel = ids.PANELS[method]
    values = initial_values(method, panel_values(url_values, method))
    cut = cut_by(url_values) if method == "hierarchical" else None
    return html.Div(
        [
            html.H5(METHODS[method].label),
            html.P(PANEL_TEXT[method], className="small-note mb-2"),
            panel_controls(method, values, cut),
            _eps_hint() if method == "dbscan" else None,
            html.Div(id=panel.alert),
            html.Div(
                [
                    dbc.Spinner(size="sm", color="primary"),
                    html.Span("Fitting on the full table…", className="mx-2 small"),
                    dbc.Button(
                        "Cancel", id=panel.cancel, size="sm", color="secondary", outline=True
                    ),
                ],
                id=panel.running,
                style=IDLE,
                className="align-items-center mb-2",
            ),
            html.Div(
                [
                    dcc.Loading(
                        dcc.Graph(
                            id=panel.figure,
                            figure=empty_figure(),
                            config=graph_config(f"segmenta-{method}"),
                        ),
                        delay_show=300,
                    ),
                    html.Div(id=panel.note, className="small-note mb-2"),
                    html.Div(id=panel.profile),
                ],
                id=panel.body,
                className="compare-body",
            ),
            html.Div(
                [
                    dbc.Button(
                        "Use this segmentation →",
                        id=panel.use,
                        href="/personas",
                        disabled=True,
                        color="primary",
                        size="sm",
                    ),
                    dbc.Button(
                        "Silhouettes and stability →",
                        id=panel.diagnose,
                        href="/diagnostics",
                        disabled=True,
                        color="primary",
                        outline=True,
                        size="sm",
                    ),
                ],
                className="d-flex flex-wrap gap-2",
            ),
            dcc.Store(id=panel.request),
            dcc.Store(id=panel.background_request),
            dcc.Store(id=panel.fitted),
            dcc.Store(id=panel.shown),
        ],
        className="segmenta-panel compare-panel",
        id=f"compare-{method}-panel",
    )


def _eps_hint() -> html.Div:
    return html.Div(
        "Suggesting eps from the k-distance curve…", id=ids.EPS_HINT, className="small-note mb-2"
    )


def _metrics_panel() -> html.Div:
    return html.Div(
        [
            html.H5("Which segmentation?"),
            html.Div(id=ids.METRICS),
            html.P(id=ids.METRICS_VERDICT, className="compare-verdict mt-2 mb-0"),
        ],
        className="segmenta-panel",
    )


def _agreement_panel(url_values: dict) -> html.Div:
    options = [{"label": m.label, "value": name} for name, m in METHODS.items()]
    rows, columns = (
        url_values.get(key) or default
        for key, default in zip(CROSSTAB_KEYS, CROSSTAB_DEFAULTS, strict=True)
    )
    return html.Div(
        [
            html.H5("Do they agree?"),
            html.Div(id=ids.AGREEMENT),
            dbc.Row(
                [
                    dbc.Col(dbc.Label("Cross-tab rows", html_for=ids.CROSSTAB_ROWS), width="auto"),
                    dbc.Col(
                        dbc.Select(id=ids.CROSSTAB_ROWS, options=options, value=rows, size="sm")
                    ),
                    dbc.Col(dbc.Label("columns", html_for=ids.CROSSTAB_COLUMNS), width="auto"),
                    dbc.Col(
                        dbc.Select(
                            id=ids.CROSSTAB_COLUMNS, options=options, value=columns, size="sm"
                        )
                    ),
                ],
                className="g-2 align-items-center mt-2",
            ),
            dcc.Graph(
                id=ids.CROSSTAB,
                figure=empty_figure(),
                config=graph_config("segmenta-crosstab"),
            ),
        ],
        className="segmenta-panel",
    )


def register_callbacks(app, services) -> None:
    for method in METHODS:
        _register_panel(app, services, method)
    _register_suggestions(app, services)
    _register_publish(app)
    shown = [Input(panel.shown, "data") for panel in ids.PANELS.values()]

    @app.callback(
        Output(ids.METRICS, "children"),
        Output(ids.METRICS_VERDICT, "children"),
        Output(ids.AGREEMENT, "children"),
        *shown,
    )
    def show_metrics(*requests):
        return metrics_outputs(services, dict(zip(METHODS, requests, strict=True)))

    @app.callback(
        Output(ids.CROSSTAB, "figure"),
        *shown,
        Input(ids.CROSSTAB_ROWS, "value"),
        Input(ids.CROSSTAB_COLUMNS, "value"),
    )
    def show_crosstab(*args):
        requests, rows, columns = args[:-2], args[-2], args[-1]
        return crosstab_output(services, dict(zip(METHODS, requests, strict=True)), rows, columns)


def _register_publish(app) -> None:
    """The page's settings into the shell's ``PAGE_QUERY`` (the address bar follows them);
    also on load, so a link's settings are written back in canonical form."""
    controls = [(method, name) for method in METHODS for name in CONTROLS[method]]

    @app.callback(
        Output(shared_ids.PAGE_QUERY, "data", allow_duplicate=True),
        *[Input(ids.PANELS[method].control(name), "value") for method, name in controls],
        Input(ids.CUT_BY, "value"),
        Input(ids.CROSSTAB_ROWS, "value"),
        Input(ids.CROSSTAB_COLUMNS, "value"),
        prevent_initial_call="initial_duplicate",
    )
    def publish(*values):
        by_method = {method: {} for method in METHODS}
        for (method, name), value in zip(controls, values[: len(controls)], strict=True):
            by_method[method][name] = value
        return url_settings.changed_on_page(published(by_method, *values[len(controls) :]))


def _register_panel(app, services, method: str) -> None:
    """The three callbacks of one panel: controls → request, (large tables) background fit,
    request → panel."""
    panel = ids.PANELS[method]
    names = CONTROLS[method]
    cut_by = [Input(ids.CUT_BY, "value")] if method == "hierarchical" else []

    @app.callback(
        Output(panel.request, "data"),
        Output(panel.background_request, "data"),
        Input(shared_ids.VIEW, "data"),
        *[Input(panel.control(name), "value") for name in names],
        *cut_by,
    )
    def make_request(view, *values):
        controls = dict(zip(names, values[: len(names)], strict=True))
        cut = values[len(names)] if cut_by else None
        return panel_request(services, view, method, controls, cut)

    @app.callback(
        Output(panel.fitted, "data"),
        Input(panel.background_request, "data"),
        background=True,
        running=[
            (Output(panel.running, "style"), RUNNING, IDLE),
            (Output(panel.body, "className"), "compare-body fitting", "compare-body"),
        ],
        cancel=[Input(panel.cancel, "n_clicks")],
        prevent_initial_call=True,
    )
    def fit(request):
        return fit_in_background(services, request)

    reference = [] if method == REFERENCE_METHOD else [Input(ids.KMEANS.shown, "data")]

    @app.callback(
        Output(panel.figure, "figure"),
        Output(panel.note, "children"),
        Output(panel.alert, "children"),
        Output(panel.profile, "children"),
        Output(panel.use, "href"),
        Output(panel.use, "disabled"),
        Output(panel.diagnose, "href"),
        Output(panel.diagnose, "disabled"),
        Output(panel.shown, "data"),
        Input(panel.request, "data"),
        Input(panel.fitted, "data"),
        *reference,
    )
    def show_panel(request, fitted, reference=None):
        return panel_view(services, request, fitted, reference).outputs()


def _register_suggestions(app, services) -> None:
    """eps suggested for the view (DBSCAN); the cut height that gives the current k (tree)."""
    eps = ids.DBSCAN.control("eps")

    @app.callback(
        Output(eps, "value"),
        Output(ids.EPS_HINT, "children"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.DBSCAN.control("min_samples"), "value"),
        State(eps, "value"),
    )
    def suggest_eps(view, min_samples, current):
        return eps_defaults(services, view, min_samples, current)

    height = ids.HIERARCHICAL.control("distance_threshold")

    @app.callback(
        Output(height, "value"),
        Output(height, "disabled"),
        Output(ids.HIERARCHICAL.control("n_clusters"), "disabled"),
        Input(ids.CUT_BY, "value"),
        Input(shared_ids.VIEW, "data"),
        State(height, "value"),
        State(ids.HIERARCHICAL.control("n_clusters"), "value"),
        State(ids.HIERARCHICAL.control("linkage"), "value"),
    )
    def cut_by(choice, view, current, k, linkage):
        by_height = choice == CUT_BY_HEIGHT
        suggested = cut_height_default(services, view, choice, current, k, linkage)
        return suggested, not by_height, by_height
