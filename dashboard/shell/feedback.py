"""How errors reach the user: a clear alert on the page, never a traceback or a spinner.

Input problems (``SegmentaError``) are shown as they are worded: they say what to change. A
database outage says so (and that nothing saved is lost).
Anything else is logged with its traceback for the operator and shown as a short apology that
names the view, so one failing panel never takes the page down.
"""

import logging

import dash_bootstrap_components as dbc
from sqlalchemy.exc import SQLAlchemyError

from algorithms.errors import SegmentaError
from dashboard.storage.db import StorageUnavailable, outage_description

log = logging.getLogger("segmenta")


def error_alert(error: Exception, what: str = "this view") -> dbc.Alert:
    if isinstance(error, SegmentaError):
        return dbc.Alert(str(error), color="warning", className="mb-2")
    if isinstance(error, SQLAlchemyError | StorageUnavailable):
        log.warning("database unavailable while computing %s: %s", what, error)
        return dbc.Alert(outage_description(error), color="danger", className="mb-2")
    log.exception("unexpected error while computing %s", what, exc_info=error)
    return dbc.Alert(
        f"Segmenta could not compute {what} ({type(error).__name__}). The error was logged; "
        "try other settings or reload the page.",
        color="danger",
        className="mb-2",
    )


def info_alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="info", className="mb-2 small")
