"""Compare page: the methods the user chooses (K-Means, DBSCAN and hierarchical clustering
until then) side by side on the current view, each with its own parameters, then their metrics
and agreement, to choose a segmentation.

Every method of the registry has a panel, built from its declarations; the panels of the
methods not chosen are hidden and fit nothing. Each panel has its own callbacks (changing k
never refits DBSCAN); corresponding segments share a colour across panels, and a panel keeps
its colours while its result stands; ``/compare?method=dbscan&eps=0.42`` opens with that panel
set. What a refitting panel still shows is marked stale (``compare_staleness``).
Every setting is in the URL (``compare_link``), so a shared link opens the same panels.
The callback bodies live in ``compare_panels`` and ``compare_metrics``.
"""

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from algorithms.methods import METHODS, with_capability
from dashboard import ids as shared_ids
from dashboard.figures.scatter import empty_figure, graph_config
from dashboard.ids import compare as ids
from dashboard.pages.compare_controls import (
    CUT_BY_HEIGHT,
    control_names,
    initial_values,
    panel_controls,
)
from dashboard.pages.compare_link import (
    CROSSTAB_DEFAULTS,
    CROSSTAB_KEYS,
    compared,
    cut_by,
    named_settings,
    panel_values,
    published,
    restore,
)
from dashboard.pages.compare_metrics import crosstab_output, metrics_outputs
from dashboard.pages.compare_panels import (
    colour_reference,
    cut_height_default,
    fit_in_background,
    fitted_requests,
    panel_request,
    panel_view,
    radius_hint,
    suggested_control_names,
    suggested_controls,
)
from dashboard.pages.compare_staleness import register_staleness
from dashboard.shell import feedback
from dashboard.view import url_settings

PAGE = {"path": "/compare", "name": "Compare", "title": "Segmenta · Compare", "order": 1}
__all__ = ["PAGE", "layout", "named_settings", "register_callbacks"]

RUNNING = {"display": "flex"}
IDLE = {"display": "none"}
VISIBLE = {}


def layout(**query):
    link = url_settings.page_link(PAGE["path"], query, named_settings)
    if link.unchanged:
        return no_update  # the URL caught up with the page: keep it as it is
    values, problems, result_link = restore(link.query)
    return html.Div(
        [
            html.H3("Compare segmentations"),
            html.P(
                "Several methods on the same customers. Tune each panel, check the metrics and "
                "how far the methods agree, then use the segmentation you can act on.",
                className="text-muted",
            ),
            _link_note(result_link, problems),
            _method_choice(compared(values)),
            dbc.Row(
                [
                    dbc.Col(
                        _panel(method, values),
                        lg=4,
                        className="mb-3",
                        id=ids.panel(method).column,
                        style=VISIBLE if method in compared(values) else IDLE,
                    )
                    for method in METHODS
                ],
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
        settings = ", ".join(
            f"{name} {params[name]}" for name in control_names(method) if params[name]
        )
        notes.append(feedback.info_alert(f"{METHODS[method].label} set from the link: {settings}."))
    return html.Div(notes, id=ids.LINK_NOTE)


def _method_choice(chosen: tuple[str, ...]) -> html.Div:
    return html.Div(
        [
            dbc.Label("Methods compared", html_for=ids.METHOD_CHOICE, className="me-3 small"),
            dbc.Checklist(
                id=ids.METHOD_CHOICE,
                options=[{"label": m.label, "value": name} for name, m in METHODS.items()],
                value=list(chosen),
                inline=True,
                className="small",
            ),
        ],
        className="d-flex flex-wrap align-items-center mb-2",
    )


def _panel(method: str, url_values: dict) -> html.Div:
    panel = ids.panel(method)
    values = initial_values(method, panel_values(url_values, method))
    return html.Div(
        [
            html.H5(METHODS[method].label),
            html.P(METHODS[method].summary, className="small-note mb-2"),
            panel_controls(method, values, cut_by(url_values, method)),
            _radius_hint(panel) if METHODS[method].neighbourhood_params else None,
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
            dcc.Store(id=panel.colors),
        ],
        className="segmenta-panel compare-panel",
        id=f"compare-{method}-panel",
    )


def _radius_hint(panel: ids.PanelIds) -> html.Div:
    return html.Div(
        "Suggesting a radius from the k-distance curve…", id=panel.hint, className="small-note mb-2"
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
    methods = list(METHODS)
    for position, method in enumerate(methods):
        _register_panel(app, services, method, methods[:position])
    _register_suggestions(app, services)
    _register_publish(app)
    register_staleness(app)
    # The metrics and the cross-tab are computed from the panels' requests, not from what the
    # panels have drawn, so they arrive with the panels rather than a round after them.
    asked = [
        *[Input(ids.panel(method).request, "data") for method in methods],
        *[Input(ids.panel(method).fitted, "data") for method in methods],
    ]

    @app.callback(
        *[Output(ids.panel(method).column, "style") for method in methods],
        Input(ids.METHOD_CHOICE, "value"),
    )
    def show_chosen(chosen):
        return [VISIBLE if method in (chosen or ()) else IDLE for method in methods]

    @app.callback(
        Output(ids.METRICS, "children"),
        Output(ids.METRICS_VERDICT, "children"),
        Output(ids.AGREEMENT, "children"),
        *asked,
        Input(ids.METHOD_CHOICE, "value"),
    )
    def show_metrics(*args):
        return metrics_outputs(services, fitted_requests(methods, args[:-1]), args[-1])

    @app.callback(
        Output(ids.CROSSTAB, "figure"),
        *asked,
        Input(ids.CROSSTAB_ROWS, "value"),
        Input(ids.CROSSTAB_COLUMNS, "value"),
    )
    def show_crosstab(*args):
        rows, columns = args[-2:]
        return crosstab_output(services, fitted_requests(methods, args[:-2]), rows, columns)


def _register_publish(app) -> None:
    """The page's settings into the shell's ``PAGE_QUERY`` (the address bar follows them);
    also on load, so a link's settings are written back in canonical form."""
    controls = [(method, name) for method in METHODS for name in control_names(method)]
    cut_methods = with_capability("cut_params")

    @app.callback(
        Output(shared_ids.PAGE_QUERY, "data", allow_duplicate=True),
        Input(ids.METHOD_CHOICE, "value"),
        *[Input(ids.panel(method).control(name), "value") for method, name in controls],
        *[Input(ids.panel(method).cut_by, "value") for method in cut_methods],
        Input(ids.CROSSTAB_ROWS, "value"),
        Input(ids.CROSSTAB_COLUMNS, "value"),
        prevent_initial_call="initial_duplicate",
    )
    def publish(chosen, *values):
        by_method = {method: {} for method in METHODS}
        for (method, name), value in zip(controls, values[: len(controls)], strict=True):
            by_method[method][name] = value
        cuts = values[len(controls) : len(controls) + len(cut_methods)]
        rows, columns = values[-2:]
        state = published(
            chosen, by_method, dict(zip(cut_methods, cuts, strict=True)), rows, columns
        )
        return url_settings.changed_on_page(state)


def _register_panel(app, services, method: str, earlier: list[str]) -> None:
    """The three callbacks of one panel: controls → request, (large tables) background fit,
    request → panel. Every panel draws as soon as its own request (or fit) is there, in the
    same round as the others; it takes the colours of the first other panel on the same view
    (while the page opens, of the first ``earlier`` method asked for it: ``colour_reference``),
    and only when its own result changes (another panel's change leaves it as it is)."""
    panel = ids.panel(method)
    names = control_names(method)
    cut_by = [Input(panel.cut_by, "value")] if METHODS[method].cut_params else []

    # A suggestion the panel needs before it can fit (DBSCAN's radius, the tree's cut height)
    # is filled in here, into the request and into its empty field at once: a callback of its
    # own would hold the request back a round on every opening of the page.
    filled = suggested_control_names(method)

    @app.callback(
        Output(panel.request, "data"),
        Output(panel.background_request, "data"),
        *[Output(panel.control(name), "value", allow_duplicate=True) for name in filled],
        Input(shared_ids.VIEW, "data"),
        Input(ids.METHOD_CHOICE, "value"),
        *[Input(panel.control(name), "value") for name in names],
        *cut_by,
        prevent_initial_call="initial_duplicate",
    )
    def make_request(view, chosen, *values):
        if method not in (chosen or ()):
            return None, no_update, *[no_update] * len(filled)
        controls = dict(zip(names, values[: len(names)], strict=True))
        cut = values[len(names)] if cut_by else None
        suggested = suggested_controls(services, method, view, controls, cut)
        request = panel_request(services, view, method, controls | suggested, cut)
        return *request, *[suggested.get(name, no_update) for name in filled]

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

    others = [other for other in METHODS if other != method]

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
        Output(panel.colors, "data"),
        Input(panel.request, "data"),
        Input(panel.fitted, "data"),
        State(panel.shown, "data"),
        *[State(ids.panel(other).shown, "data") for other in others],
        *[State(ids.panel(other).colors, "data") for other in others],
        *[State(ids.panel(other).request, "data") for other in earlier],
    )
    def show_panel(request, fitted, previous, *args):
        if previous == request and ctx.triggered_id == panel.request:
            raise PreventUpdate  # the same request again: the panel keeps what it shows
        if not request and not previous:
            raise PreventUpdate  # a panel not compared stays blank without drawing again
        shown, colors = args[: len(others)], args[len(others) : 2 * len(others)]
        reference = colour_reference(request, shown, colors, args[2 * len(others) :])
        return panel_view(services, request, fitted, *reference).outputs()


def _register_suggestions(app, services) -> None:
    """A radius suggested for the view (methods declaring ``neighbourhood_params``); a cut
    height taken from the current cut (methods declaring ``cut_params``)."""
    for method in with_capability("neighbourhood_params"):
        _register_radius_suggestion(app, services, method)
    for method in with_capability("cut_params"):
        _register_cut_choice(app, services, method)


def _register_radius_suggestion(app, services, method: str) -> None:
    """The hint under the radius field: the suggestion for the view and ``min_samples``, with
    advice when that radius gives one segment or mostly noise (the request fills the field)."""
    panel = ids.panel(method)
    radius, neighbours = METHODS[method].neighbourhood_params

    @app.callback(
        Output(panel.hint, "children"),
        Input(shared_ids.VIEW, "data"),
        Input(panel.control(neighbours), "value"),
        Input(ids.METHOD_CHOICE, "value"),
    )
    def suggest_radius(view, min_samples, chosen):
        if method not in (chosen or ()):
            return no_update
        return radius_hint(services, view, min_samples, (radius, neighbours))


def _register_cut_choice(app, services, method: str) -> None:
    """Cutting by count greys out the height and the other way round; switching to the
    height fills in the one that cuts the current count (the layout greys out the right one
    on opening, so this waits for the switch)."""
    panel = ids.panel(method)
    count, height = METHODS[method].cut_params
    names = control_names(method)

    @app.callback(
        Output(panel.control(height), "value"),
        Output(panel.control(height), "disabled"),
        Output(panel.control(count), "disabled"),
        Input(panel.cut_by, "value"),
        State(shared_ids.VIEW, "data"),
        *[State(panel.control(name), "value") for name in names],
        prevent_initial_call=True,
    )
    def cut_by(choice, view, *values):
        by_height = choice == CUT_BY_HEIGHT
        controls = dict(zip(names, values, strict=True))
        suggested = cut_height_default(services, method, view, choice, controls)
        return suggested, not by_height, by_height
