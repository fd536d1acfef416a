"""Data page: choose or upload the customer table, look at it, and choose the feature set.

The page writes the shared view (``ids.VIEW``: dataset, features, scaling, one-hot column);
every other page reads it. ``view`` holds the callback that owns the view and its controls,
``overview`` the panels that follow it, ``components`` the layout's building blocks. A URL
naming a view (``/data?dataset=<id>&features=Age&features=...``) opens it, see
``dashboard.view``.
"""

import dash
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from algorithms.preprocessing import SCALING_NOTES
from dashboard import ids as shared_ids
from dashboard.ids import data as ids
from dashboard.pages.data import components
from dashboard.pages.data.overview import OVERVIEW_OUTPUTS, box_outputs, overview_outputs
from dashboard.pages.data.removal import register_removal_callbacks
from dashboard.pages.data.skew import register_skew_callbacks
from dashboard.pages.data.view import VIEW_OUTPUTS, view_controls
from dashboard.view import url, url_settings

__all__ = ["PAGE", "layout", "named_settings", "register_callbacks"]

PAGE = {"path": "/data", "name": "Data", "title": "Segmenta · Data", "order": 0}


def named_settings(query: dict) -> dict:
    """The page's settings are the view it shows: the view the URL names, as URL values."""
    return url.view_query(url.view_from_query(query))


def published(shown_view: dict | None) -> dict:
    """The page's state for ``ids.PAGE_QUERY``: the view it shows (not carried by the navbar,
    which opens the page on the current view)."""
    query = url.view_query(shown_view)
    return url_settings.page_state(PAGE["path"], query, view_bound=query)


def layout(**query):
    link = url_settings.page_link(PAGE["path"], query, named_settings)
    if link.unchanged:
        return no_update  # the URL caught up with the page: keep it as it is
    return components.layout(url.view_from_query(link.query))


def upload_hint(services) -> tuple[str, int]:
    """(the text under the upload area, the size the browser refuses above, in bytes)."""
    limit = services.config.upload_max_mb
    return f"CSV, Excel (.xlsx) or Parquet, up to {limit} MB", limit * 1024 * 1024


UPLOAD_GUARD = """
function (maxSize, uploadId, rejectedId, accepted) {
    const root = document.getElementById(uploadId);
    if (!root || !maxSize) { return window.dash_clientside.no_update; }
    root.dataset.maxSize = maxSize;
    if (!root.dataset.uploadGuard) {
        root.dataset.uploadGuard = "on";
        const suffixes = (accepted || "").split(",");
        const readable = (f) => suffixes.some((s) => f.name.toLowerCase().endsWith(s));
        const check = (files) => {
            const refused = Array.from(files || []).find(
                (f) => !readable(f) || f.size > Number(root.dataset.maxSize)
            );
            if (refused) {
                window.dash_clientside.set_props(rejectedId, {
                    data: {filename: refused.name, size: refused.size, at: Date.now()}
                });
            }
        };
        root.addEventListener("drop", (e) => check(e.dataTransfer && e.dataTransfer.files), true);
        root.addEventListener("change", (e) => check(e.target.files), true);
    }
    return window.dash_clientside.no_update;
}
"""
"""The browser sends neither a file over the size limit nor one of another format
(``dcc.Upload``'s ``accept`` drops it without a word): the page is told its name and size,
and the view callback says why it was refused."""


def register_callbacks(app, services) -> None:
    @app.callback(
        *VIEW_OUTPUTS,
        Input(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD_REJECTED, "data"),
        Input(ids.DATASET, "value"),
        Input(ids.FEATURES, "value"),
        Input(ids.SCALING, "value"),
        Input(ids.CATEGORICAL, "value"),
        Input(ids.PRESET_TWO, "n_clicks"),
        Input(ids.PRESET_THREE, "n_clicks"),
        Input(ids.DELETE_CONFIRM, "submit_n_clicks"),
        State(ids.UPLOAD, "filename"),
        State(shared_ids.VIEW, "data"),
        State(ids.LINKED_VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def update_view(
        contents,
        rejected,
        dataset,
        features,
        scaling,
        categorical,
        _two,
        _three,
        _delete,
        filename,
        view,
        linked,
    ):
        return view_controls(
            services,
            dash.ctx.triggered_id,
            view,
            linked=linked,
            contents=contents,
            filename=filename,
            rejected=rejected,
            dataset=dataset,
            features=features,
            scaling=scaling,
            categorical=categorical,
        ).outputs()

    @app.callback(
        Output(shared_ids.PAGE_QUERY, "data", allow_duplicate=True),
        Input(ids.SHOWN_VIEW, "data"),
        State(ids.LINKED_VIEW, "data"),
        State(shared_ids.VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def publish(shown_view, linked, view):
        # before the view callback has run, the view it is about to show
        return url_settings.changed_on_page(published(shown_view or linked or view))

    register_removal_callbacks(app, services)
    register_skew_callbacks(app, services)

    @app.callback(Output(ids.SCALING_NOTE, "children"), Input(ids.SCALING, "value"))
    def explain_scaling(scaling):
        return SCALING_NOTES.get(scaling, "")

    @app.callback(
        Output(ids.UPLOAD_HINT, "children"),
        Output(ids.UPLOAD, "max_size"),
        Input(ids.UPLOAD_HINT, "id"),
    )
    def show_upload_limit(_):
        return upload_hint(services)

    app.clientside_callback(
        UPLOAD_GUARD,
        Output(ids.UPLOAD_HINT, "title"),
        Input(ids.UPLOAD, "max_size"),
        State(ids.UPLOAD, "id"),
        State(ids.UPLOAD_REJECTED, "id"),
        State(ids.UPLOAD, "accept"),
    )

    @app.callback(
        *OVERVIEW_OUTPUTS,
        Input(ids.SHOWN_VIEW, "data"),
        State(ids.BOX_VALUE, "value"),
        State(ids.BOX_GROUP, "value"),
    )
    def show_overview(view, box_value, box_group):
        if not view:
            raise PreventUpdate  # the page has just opened: update_view fills the copy
        return overview_outputs(services, view, box_value, box_group).outputs()

    @app.callback(
        Output(ids.BOX_PLOT, "figure"),
        Output(ids.BOX_ALERT, "children"),
        Input(ids.SHOWN_VIEW, "data"),
        Input(ids.BOX_VALUE, "value"),
        Input(ids.BOX_GROUP, "value"),
    )
    def show_box(view, value, group):
        if not view:
            raise PreventUpdate
        return box_outputs(services, view, value, group)
