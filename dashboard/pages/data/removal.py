"""The Data page's Delete button: it asks before a table is removed for everyone, or says at
once why the table stays (the view callback deletes it once confirmed, see ``view``)."""

import dash
from dash import Input, Output

from algorithms.errors import SegmentaError
from dashboard.ids import data as ids
from dashboard.services.dataset_removal import removal_problem
from dashboard.shell.feedback import error_alert


def delete_question(services, dataset_id: str | None) -> tuple:
    """(show the confirmation, its question, the note under the table list)."""
    try:
        problem = removal_problem(services, dataset_id)
        if problem is not None:
            return False, dash.no_update, error_alert(problem)
        info = services.datasets.info(dataset_id)
    except SegmentaError as error:
        return False, dash.no_update, error_alert(error)
    question = (
        f"Delete ‘{info.name}’ ({info.n_rows:,} rows × {info.n_columns} columns) from the "
        "server? It disappears for everyone using Segmenta here; this cannot be undone."
    )
    return True, question, None


def register_removal_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.DELETE_CONFIRM, "displayed"),
        Output(ids.DELETE_CONFIRM, "message"),
        Output(ids.DELETE_NOTE, "children"),
        Input(ids.DELETE, "n_clicks"),
        Input(ids.DATASET, "value"),
        prevent_initial_call=True,
    )
    def ask_delete(_clicks, dataset_id):
        if dash.ctx.triggered_id != ids.DELETE:
            return False, dash.no_update, None  # another table: an old refusal no longer holds
        return delete_question(services, dataset_id)
