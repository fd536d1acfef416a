"""The persona library: the team's saved sets (searchable, newest first) with open, version
history and restore, duplicate, and delete after a confirmation.

Opening (or "Reload theirs" after a conflict, or restoring a version) points the editor at a
saved version; the editor re-runs its segmentation when the table is still stored.
"""

import uuid

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from algorithms.errors import SegmentaError
from dashboard.ids import personas as ids
from dashboard.persona_sets import PersonaSetSummary, VersionInfo, free_name, saved_source
from dashboard.shell import feedback


def library_panel() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.REFRESH, data="start"),
            dcc.Store(id=ids.PENDING_DELETE),
            html.H5("Saved persona sets"),
            dbc.Input(
                id=ids.SEARCH,
                type="search",
                placeholder="Search name, dataset, author",
                debounce=True,
                className="mb-2",
            ),
            html.Div(id=ids.LIBRARY_ALERT),
            dcc.Loading(html.Div(id=ids.LIBRARY)),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle("Version history")),
                    dbc.ModalBody(id=ids.HISTORY_BODY),
                ],
                id=ids.HISTORY_MODAL,
                is_open=False,
                size="lg",
            ),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle("Delete persona set?")),
                    dbc.ModalBody(id=ids.DELETE_MESSAGE),
                    dbc.ModalFooter(
                        [
                            dbc.Button("Cancel", id=ids.DELETE_CANCEL, color="secondary"),
                            dbc.Button("Delete", id=ids.DELETE_CONFIRM, color="danger"),
                        ]
                    ),
                ],
                id=ids.DELETE_MODAL,
                is_open=False,
            ),
        ],
        className="segmenta-panel",
    )


def register_library_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.LIBRARY, "children"),
        Output(ids.CARRY_FROM, "options"),
        Input(ids.SEARCH, "value"),
        Input(ids.REFRESH, "data"),
    )
    def show_library(search, _refresh):
        return library_outputs(services, search)

    @app.callback(
        Output(ids.SOURCE, "data", allow_duplicate=True),
        Output(ids.LOADED, "data", allow_duplicate=True),
        Output(ids.CONFLICT, "is_open", allow_duplicate=True),
        Output(ids.CARRY_FROM, "value"),
        Output(ids.LIBRARY_ALERT, "children", allow_duplicate=True),
        Input({"type": ids.OPEN, "set": ALL}, "n_clicks"),
        Input(ids.RELOAD_THEIRS, "n_clicks"),
        State(ids.LOADED, "data"),
        prevent_initial_call=True,
    )
    def open_set(_opens, _reload, loaded):
        if ctx.triggered_id == ids.RELOAD_THEIRS:
            set_id = loaded and loaded.get("set_id")
        elif _clicked():
            set_id = ctx.triggered_id["set"]
        else:
            return (no_update,) * 5
        return open_outputs(services, set_id)

    @app.callback(
        Output(ids.HISTORY_MODAL, "is_open"),
        Output(ids.HISTORY_BODY, "children"),
        Input({"type": ids.HISTORY, "set": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def show_history(_clicks):
        if not _clicked():
            return no_update, no_update
        return True, history_body(services, ctx.triggered_id["set"])

    @app.callback(
        Output(ids.SOURCE, "data", allow_duplicate=True),
        Output(ids.LOADED, "data", allow_duplicate=True),
        Output(ids.HISTORY_MODAL, "is_open", allow_duplicate=True),
        Output(ids.REFRESH, "data", allow_duplicate=True),
        Output(ids.LIBRARY_ALERT, "children", allow_duplicate=True),
        Input({"type": ids.RESTORE, "set": ALL, "version": ALL, "base": ALL}, "n_clicks"),
        State(ids.AUTHOR, "value"),
        prevent_initial_call=True,
    )
    def restore(_clicks, author):
        if not _clicked():
            return (no_update,) * 5
        key = ctx.triggered_id
        return restore_outputs(services, key["set"], key["version"], key["base"], author)

    @app.callback(
        Output(ids.REFRESH, "data", allow_duplicate=True),
        Output(ids.LIBRARY_ALERT, "children", allow_duplicate=True),
        Input({"type": ids.DUPLICATE, "set": ALL}, "n_clicks"),
        State(ids.AUTHOR, "value"),
        prevent_initial_call=True,
    )
    def duplicate(_clicks, author):
        if not _clicked():
            return no_update, no_update
        return duplicate_outputs(services, ctx.triggered_id["set"], author)

    @app.callback(
        Output(ids.PENDING_DELETE, "data"),
        Output(ids.DELETE_MODAL, "is_open"),
        Output(ids.DELETE_MESSAGE, "children"),
        Input({"type": ids.DELETE, "set": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_delete(_clicks):
        if not _clicked():
            return no_update, no_update, no_update
        return delete_question(services, ctx.triggered_id["set"])

    @app.callback(
        Output(ids.DELETE_MODAL, "is_open", allow_duplicate=True),
        Output(ids.REFRESH, "data", allow_duplicate=True),
        Output(ids.LIBRARY_ALERT, "children", allow_duplicate=True),
        Output(ids.LOADED, "data", allow_duplicate=True),
        Input(ids.DELETE_CONFIRM, "n_clicks"),
        Input(ids.DELETE_CANCEL, "n_clicks"),
        State(ids.PENDING_DELETE, "data"),
        State(ids.LOADED, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(_confirm, _cancel, pending, loaded):
        if ctx.triggered_id != ids.DELETE_CONFIRM or pending is None:
            return False, no_update, no_update, no_update
        return delete_outputs(services, pending, loaded)


def _clicked() -> bool:
    """True when a pattern-matching button was really clicked (not merely drawn)."""
    return bool(ctx.triggered_id) and bool(ctx.triggered and ctx.triggered[0]["value"])


def library_outputs(services, search: str | None):
    """(library list, carry-over dropdown options)."""
    try:
        sets = services.personas.list(search or None)
        everything = sets if not search else services.personas.list()
    except Exception as error:  # noqa: BLE001
        return feedback.error_alert(error, "the persona library"), []
    options = [{"label": f"{s.name} ({s.dataset_name})", "value": s.set_id} for s in everything]
    if not sets:
        text = "No persona set matches." if search else "No persona set saved yet."
        return html.P(text, className="small-note"), options
    return dbc.ListGroup([library_item(s) for s in sets], flush=True), options


def library_item(summary: PersonaSetSummary) -> dbc.ListGroupItem:
    def button(kind: str, text: str, color: str) -> dbc.Button:
        return dbc.Button(
            text, id={"type": kind, "set": summary.set_id}, color=color, size="sm", outline=True
        )

    return dbc.ListGroupItem(
        [
            html.Div(summary.name, className="fw-semibold persona-set-name"),
            html.Div(summary.dataset_name, className="small"),
            html.Div(
                f"v{summary.latest_version} · {summary.n_personas} personas · "
                f"{summary.latest_author} · {summary.updated_at:%Y-%m-%d %H:%M} UTC",
                className="small-note",
            ),
            dbc.ButtonGroup(
                [
                    button(ids.OPEN, "Open", "primary"),
                    button(ids.HISTORY, "History", "secondary"),
                    button(ids.DUPLICATE, "Duplicate", "secondary"),
                    button(ids.DELETE, "Delete", "danger"),
                ],
                className="mt-1",
            ),
        ],
        className="px-0",
    )


def open_outputs(services, set_id):
    """(source, loaded, conflict open, carry-over choice, alert) for a set's latest version."""
    try:
        saved = services.personas.get(int(set_id))
    except Exception as error:  # noqa: BLE001
        return no_update, no_update, no_update, no_update, feedback.error_alert(error, "the set")
    loaded = {"set_id": saved.set_id, "version": saved.version, "name": saved.name}
    return saved_source(saved), loaded, False, None, None


def history_body(services, set_id: int):
    try:
        versions = services.personas.versions(int(set_id))
    except Exception as error:  # noqa: BLE001
        return feedback.error_alert(error, "the history")
    latest = versions[0].version
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in ("Version", "Saved by", "When", "Note", "")])),
            html.Tbody([_history_row(set_id, v, latest) for v in versions]),
        ],
        size="sm",
        hover=True,
    )


def _history_row(set_id: int, version: VersionInfo, latest: int) -> html.Tr:
    action = html.Span("latest", className="small-note")
    if version.version != latest:
        action = dbc.Button(
            f"Restore version {version.version}",
            id={"type": ids.RESTORE, "set": set_id, "version": version.version, "base": latest},
            size="sm",
            color="primary",
            outline=True,
        )
    return html.Tr(
        [
            html.Td(version.version),
            html.Td(version.author),
            html.Td(f"{version.saved_at:%Y-%m-%d %H:%M} UTC"),
            html.Td(
                f"{version.n_personas} personas" + (f" · {version.note}" if version.note else "")
            ),
            html.Td(action),
        ]
    )


def restore_outputs(services, set_id, version, base, author):
    """(source, loaded, history open, refresh, alert): version N copied as the newest."""
    try:
        restored = services.personas.restore(
            int(set_id), int(version), base_version=int(base), author=_author(author)
        )
    except Exception as error:  # noqa: BLE001  (a conflict included: its message says what to do)
        return no_update, no_update, False, no_update, feedback.error_alert(error, "the restore")
    loaded = {"set_id": restored.set_id, "version": restored.version, "name": restored.name}
    alert = feedback.info_alert(
        f"Restored version {version} of ‘{restored.name}’ as version {restored.version}."
    )
    return saved_source(restored), loaded, False, uuid.uuid4().hex, alert


def duplicate_outputs(services, set_id, author):
    try:
        source = services.personas.get(int(set_id))
        copy = services.personas.duplicate(
            source.set_id,
            new_name=free_name(services.personas, f"{source.name} (copy)"),
            author=_author(author),
        )
    except Exception as error:  # noqa: BLE001
        return no_update, feedback.error_alert(error, "the copy")
    return uuid.uuid4().hex, feedback.info_alert(f"Saved a copy as ‘{copy.name}’.")


def delete_question(services, set_id):
    try:
        summary = services.personas.get(int(set_id))
    except Exception as error:  # noqa: BLE001
        return None, False, feedback.error_alert(error, "the set")
    message = (
        f"Delete ‘{summary.name}’ and all its {summary.version} versions for everyone? "
        "This cannot be undone."
    )
    return int(set_id), True, message


def delete_outputs(services, set_id, loaded):
    """(modal open, refresh, alert, loaded): the set deleted; an editor on it starts afresh."""
    try:
        services.personas.delete(int(set_id))
    except Exception as error:  # noqa: BLE001
        return False, uuid.uuid4().hex, feedback.error_alert(error, "the delete"), no_update
    still_loaded = None if loaded and loaded.get("set_id") == int(set_id) else no_update
    return False, uuid.uuid4().hex, feedback.info_alert("Persona set deleted."), still_loaded


def _author(author: str | None) -> str:
    if not (author or "").strip():
        raise SegmentaError("Type your name in ‘Your name’ first, so the history says who did it.")
    return author.strip()
