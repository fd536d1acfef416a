"""Saving the persona set: a name, the author (remembered in the browser), a new version per
save, and conflicts.

When someone else saved the set after it was loaded here, the store refuses the save
(``VersionConflict``): the page says who saved what and offers "Reload theirs" (handled by the
library's open callback) or "Save mine as a new persona set". The form is never touched until
the user chooses, so no edit is lost and nothing is silently overwritten.
"""

import uuid

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update

from algorithms.errors import SegmentaError
from dashboard.ids import personas as ids
from dashboard.pages.personas_cards import FORM_STATES, form_personas
from dashboard.persona_sets import (
    VersionConflict,
    resolve,
    save_as_new_set,
    save_persona_set,
    set_content,
)
from dashboard.shell import feedback
from dashboard.shell.access import current_user


def save_panel() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.AUTHOR_STORE, storage_type="local"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Persona set name", html_for=ids.SET_NAME, className="small"),
                            dbc.Input(id=ids.SET_NAME, maxLength=200),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Your name", html_for=ids.AUTHOR, className="small"),
                            dbc.Input(id=ids.AUTHOR, maxLength=200, placeholder="who is saving"),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        dbc.Button("Save", id=ids.SAVE, color="primary", className="w-100"),
                        md=2,
                        className="d-flex align-items-end",
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=ids.LOADED_BADGE, className="small-note mt-1"),
            html.Div(id=ids.SAVE_STATUS, className="mt-2"),
            dbc.Collapse(
                dbc.Alert(
                    [
                        html.Div(id=ids.CONFLICT_MESSAGE, className="mb-2"),
                        html.Div("Your edits are still in the form below.", className="small mb-2"),
                        dbc.Button(
                            "Reload theirs",
                            id=ids.RELOAD_THEIRS,
                            color="secondary",
                            size="sm",
                            className="me-2",
                        ),
                        dbc.Button(
                            "Save mine as a new persona set",
                            id=ids.SAVE_AS_NEW,
                            color="primary",
                            size="sm",
                        ),
                    ],
                    color="warning",
                    className="mt-2 mb-0",
                ),
                id=ids.CONFLICT,
                is_open=False,
            ),
        ],
        className="segmenta-panel mb-3",
    )


def register_save_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.AUTHOR, "value"), Output(ids.AUTHOR, "disabled"), Input(ids.AUTHOR_STORE, "data")
    )
    def remembered_author(author):
        signed_in = current_user(services.config)
        return (signed_in, True) if signed_in else (author or "", False)

    @app.callback(Output(ids.LOADED_BADGE, "children"), Input(ids.LOADED, "data"))
    def loaded_badge(loaded):
        return loaded_text(loaded)

    @app.callback(
        Output(ids.SAVE_STATUS, "children"),
        Output(ids.CONFLICT, "is_open"),
        Output(ids.CONFLICT_MESSAGE, "children"),
        Output(ids.LOADED, "data", allow_duplicate=True),
        Output(ids.REFRESH, "data", allow_duplicate=True),
        Output(ids.AUTHOR_STORE, "data"),
        Input(ids.SAVE, "n_clicks"),
        Input(ids.SAVE_AS_NEW, "n_clicks"),
        State(ids.SOURCE, "data"),
        State(ids.LOADED, "data"),
        State(ids.SET_NAME, "value"),
        State(ids.AUTHOR, "value"),
        *FORM_STATES,
        prevent_initial_call=True,
    )
    def save(_save, _save_as_new, source, loaded, set_name, author, *form):
        as_new = ctx.triggered_id == ids.SAVE_AS_NEW
        personas = form_personas(*form)
        return save_outputs(services, source, loaded, set_name, author, personas, as_new=as_new)


def loaded_text(loaded: dict | None) -> str:
    if not loaded:
        return "Not saved yet: saving creates a new persona set."
    return (
        f"Editing ‘{loaded['name']}’, version {loaded['version']}: "
        "saving adds a new version, earlier ones stay in its history."
    )


def save_outputs(services, source, loaded, set_name, author, personas, *, as_new: bool):
    """(status, conflict open, conflict message, loaded, library refresh, remembered author).
    Behind sign-in the signed-in name is the author, whatever the field says."""
    author = (current_user(services.config) or author or "").strip()
    if not author:
        problem = SegmentaError("Type your name in ‘Your name’ so your team sees who saved.")
        return feedback.error_alert(problem), no_update, no_update, no_update, no_update, no_update
    try:
        if not source:
            raise SegmentaError("There is no segmentation to save yet.")
        content = set_content(services, resolve(services, source), personas)
        name = set_name or ""
        if as_new:
            saved = save_as_new_set(services.personas, content, name=name, author=author)
        else:
            saved = save_persona_set(
                services.personas, content, name=name, author=author, base=loaded
            )
    except VersionConflict as conflict:
        return None, True, str(conflict), no_update, uuid.uuid4().hex, author
    except Exception as error:  # noqa: BLE001  (shown next to the Save button)
        return (
            feedback.error_alert(error, "the save"),
            no_update,
            no_update,
            no_update,
            no_update,
            author,
        )
    status = dbc.Alert(
        f"Saved ‘{saved.name}’ as version {saved.version}.",
        color="success",
        duration=6000,
        className="mb-0 py-2",
    )
    loaded = {"set_id": saved.set_id, "version": saved.version, "name": saved.name}
    return status, False, "", loaded, uuid.uuid4().hex, author
