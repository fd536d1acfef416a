"""Diagnostics page: how many segments (elbow, scores against k, a recommended k), how well
each customer fits (silhouette plot) and which segments survive resampling (stability),
DBSCAN's eps (k-distance curve) and the hierarchical tree's cut (dendrogram), all on the
current view.

The elbow sweep and the stability check fit a method up to twenty times, so they run as
background callbacks with a progress bar and a cancel button: on a large table the page stays
usable meanwhile. A link
such as ``/diagnostics?method=dbscan&eps=0.4&min_samples=8`` (from Compare) preselects the
silhouette panel; every setting is in the URL (``diagnostics_link``), so a shared link opens
the same panels.
"""

import flask
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from algorithms.methods import METHODS, with_capability
from algorithms.stability import STABILITY_RESAMPLES
from dashboard import ids as shared_ids
from dashboard.ids import diagnostics as ids
from dashboard.pages import diagnostics_layout
from dashboard.pages.diagnostics_layout import HIDDEN, SHOWN
from dashboard.pages.diagnostics_link import named_settings, published, restore
from dashboard.pages.diagnostics_panels import (
    SWEEP_METHOD,
    criteria_outputs,
    dendrogram_outputs,
    k_distance_outputs,
    silhouette_outputs,
    sweep_outputs,
)
from dashboard.pages.diagnostics_result import chosen_params, controls, group_styles
from dashboard.pages.diagnostics_stability import resample_label, stability_outputs, staleness
from dashboard.view import url_settings

PAGE = {
    "path": "/diagnostics",
    "name": "Diagnostics",
    "title": "Segmenta · Diagnostics",
    "order": 2,
}
__all__ = ["PAGE", "layout", "named_settings", "register_callbacks"]


def layout(**query):
    link = url_settings.page_link(PAGE["path"], query, named_settings)
    if link.unchanged:
        return no_update  # the URL caught up with the page: keep it as it is
    values, problems = restore(link.query)
    return diagnostics_layout.page(values, url_settings.link_note(problems))


def inspect_k(n_clicks, k) -> tuple:
    """The silhouette plot (as the sweep's method) and the dendrogram switched to the
    recommended k."""
    if not n_clicks:
        raise PreventUpdate
    return SWEEP_METHOD, k, k


def serving_app_services(fallback):
    """The services of the app that received the request.

    Dash registers background callbacks process-wide, keyed by their source code, so when a
    process holds two apps (tests do) the closure registered last runs for both. The job is
    forked from the request, so the request's Flask app is still current there; a Celery
    worker has no request and a single app, whose closure (``fallback``) is the right one.
    """
    if flask.has_app_context():
        return flask.current_app.extensions["segmenta"]
    return fallback


def chosen_result_controls() -> list[str]:
    """The controls of the result the silhouette plot and the stability check look at: the
    method, then every method's parameters (``diagnostics_result.controls``)."""
    return [ids.SIL_METHOD, *[ids.sil_control(m, param.name) for m, param in controls()]]


def in_background(
    bar: str,
    label: str,
    status: str,
    cancel: str,
    disabled_meanwhile: str | None = None,
    hidden_meanwhile: str | None = None,
    first_label: str = "",
) -> dict:
    """A background callback's keywords for a card's progress bar (``bar``, ``label``), its
    status row shown while it runs and its Cancel button; ``disabled_meanwhile`` is the button
    that started it, off until the run ends, ``hidden_meanwhile`` what the run replaces (a
    placeholder asking to start it). ``first_label`` is what the label says until the first
    step is reported (the bar is reset to it after each run, ready for the next)."""
    running = [
        (Output(status, "style"), SHOWN, HIDDEN),
        (Output(cancel, "disabled"), False, True),
    ]
    if disabled_meanwhile:
        running.append((Output(disabled_meanwhile, "disabled"), True, False))
    if hidden_meanwhile:
        running.append((Output(hidden_meanwhile, "style"), HIDDEN, SHOWN))
    return {
        "background": True,
        "progress": [Output(bar, "value"), Output(label, "children")],
        "progress_default": [0, first_label],
        "running": running,
        "cancel": [Input(cancel, "n_clicks")],
    }


def published_controls() -> list[str]:
    """The controls after the k range, in the order of ``diagnostics_link.fields``."""
    return [
        *chosen_result_controls(),
        ids.KDIST_MIN_SAMPLES,
        ids.TREE_LINKAGE,
        ids.TREE_K,
        ids.TREE_HEIGHT,
    ]


def register_callbacks(app, services) -> None:
    chosen = chosen_result_controls()

    @app.callback(
        Output(shared_ids.PAGE_QUERY, "data", allow_duplicate=True),
        Input(ids.K_RANGE, "value"),
        *[Input(control, "value") for control in published_controls()],
        prevent_initial_call="initial_duplicate",
    )
    def publish(k_range, *values):
        return url_settings.changed_on_page(published(k_range, *values))

    @app.callback(
        Output(ids.SWEEP_ALERT, "children"),
        Output(ids.ELBOW_GRAPH, "figure"),
        Output(ids.SCORES_GRAPH, "figure"),
        Output(ids.RECOMMENDATION, "children"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.K_RANGE, "value"),
        **in_background(
            ids.SWEEP_PROGRESS, ids.SWEEP_PROGRESS_LABEL, ids.SWEEP_STATUS, ids.SWEEP_CANCEL
        ),
    )
    def run_sweep(set_progress, view_data, k_range):
        return sweep_outputs(serving_app_services(services), view_data, k_range, set_progress)

    for method in with_capability("criteria"):
        _register_criteria(app, services, method)

    @app.callback(
        Output(ids.SIL_METHOD, "value"),
        Output(ids.sil_control(SWEEP_METHOD, METHODS[SWEEP_METHOD].k_param), "value"),
        Output(ids.TREE_K, "value"),
        Input(ids.INSPECT_RECOMMENDED, "n_clicks"),
        State(ids.INSPECT_RECOMMENDED, "value"),
        prevent_initial_call=True,
    )
    def inspect_recommended(n_clicks, k):
        return inspect_k(n_clicks, k)

    @app.callback(
        *[Output(ids.sil_group(method), "style") for method in METHODS],
        Input(ids.SIL_METHOD, "value"),
    )
    def show_method_inputs(method):
        return group_styles(method)

    @app.callback(
        Output(ids.SIL_ALERT, "children"),
        Output(ids.SIL_GRAPH, "figure"),
        Output(ids.SIL_SUMMARY, "children"),
        Input(shared_ids.VIEW, "data"),
        *[Input(control, "value") for control in chosen],
    )
    def show_silhouettes(view_data, method, *values):
        return silhouette_outputs(services, view_data, method, chosen_params(method, values))

    @app.callback(
        Output(ids.STAB_ALERT, "children"),
        Output(ids.STAB_GRAPH, "figure"),
        Output(ids.STAB_VERDICT, "children"),
        Output(ids.STAB_CHECKED, "data"),
        Input(ids.STAB_RUN, "n_clicks"),
        State(shared_ids.VIEW, "data"),
        *[State(control, "value") for control in chosen],
        **in_background(
            ids.STAB_PROGRESS,
            ids.STAB_PROGRESS_LABEL,
            ids.STAB_STATUS,
            ids.STAB_CANCEL,
            disabled_meanwhile=ids.STAB_RUN,
            hidden_meanwhile=ids.STAB_SHOWN,
            first_label=resample_label(0, STABILITY_RESAMPLES),
        ),
        prevent_initial_call=True,
    )
    def run_stability(set_progress, n_clicks, view_data, method, *values):
        return stability_outputs(
            serving_app_services(services),
            view_data,
            method,
            chosen_params(method, values),
            set_progress,
        )

    @app.callback(
        Output(ids.STAB_STALE, "children"),
        Output(ids.STAB_RESULT, "style"),
        Input(shared_ids.VIEW, "data"),
        *[Input(control, "value") for control in chosen],
        Input(ids.STAB_CHECKED, "data"),
    )
    def mark_stale_stability(view_data, method, *values):
        *values, checked = values
        return staleness(view_data, method, chosen_params(method, values), checked)

    @app.callback(
        Output(ids.KDIST_ALERT, "children"),
        Output(ids.KDIST_GRAPH, "figure"),
        Output(ids.KDIST_USE_EPS, "children"),
        Output(ids.KDIST_USE_EPS, "href"),
        Output(ids.KDIST_USE_EPS, "disabled"),
        Output(ids.KDIST_NOTE, "children"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.KDIST_MIN_SAMPLES, "value"),
        Input(ids.KDIST_LOG, "value"),
    )
    def show_k_distances(view_data, min_samples, log_axis):
        return k_distance_outputs(services, view_data, min_samples, bool(log_axis))

    @app.callback(
        Output(ids.TREE_ALERT, "children"),
        Output(ids.TREE_GRAPH, "figure"),
        Output(ids.TREE_NOTE, "children"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.TREE_LINKAGE, "value"),
        Input(ids.TREE_K, "value"),
        Input(ids.TREE_HEIGHT, "value"),
    )
    def show_dendrogram(view_data, linkage, k, height):
        return dendrogram_outputs(services, view_data, linkage, k, height)


def _register_criteria(app, services, method: str) -> None:
    """The per-k criteria ``method`` declares, beside the elbow, over the sweep's k range."""

    @app.callback(
        Output(ids.criteria_alert(method), "children"),
        Output(ids.criteria_graph(method), "figure"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.K_RANGE, "value"),
    )
    def show_criteria(view_data, k_range):
        return criteria_outputs(services, view_data, method, k_range)
