"""While a Compare panel refits, what it still shows belongs to the previous settings: its
scatter, note and profile table, and the metrics, agreement and cross-tab built from it. These
are marked stale (dimmed, the note saying "Refitting…"; a scatter and the cross-tab dim with
the note and the agreement table, ``assets/compare.css``) in the browser the moment a control
changes, with no round trip to the server, and unmarked when the new result arrives
(``assets/stale.js``)."""

from dash import ClientsideFunction, Input, Output, State

from algorithms.methods import METHODS
from dashboard import ids as shared_ids
from dashboard.ids import compare as ids
from dashboard.pages.compare_controls import control_names

STALE = "segmenta-stale"
STALE_MARK = ClientsideFunction(namespace="staleness", function_name="stale")
FRESH_MARK = ClientsideFunction(namespace="staleness", function_name="fresh")


def panel_controls(method: str) -> list[Input]:
    """The inputs whose change refits the method's panel: the view and its controls."""
    panel = ids.panel(method)
    cut_by = [Input(panel.cut_by, "value")] if METHODS[method].cut_params else []
    controls = [Input(panel.control(name), "value") for name in control_names(method)]
    return [Input(shared_ids.VIEW, "data"), *controls, *cut_by]


def register_staleness(app) -> None:
    every_control = list({str(i): i for m in METHODS for i in panel_controls(m)}.values())
    for method in METHODS:
        panel = ids.panel(method)
        marked = [panel.note, panel.profile]
        _mark(app, Input(panel.figure, "figure"), panel_controls(method), marked)
    _mark(
        app,
        Input(ids.METRICS, "children"),
        [*every_control, Input(ids.METHOD_CHOICE, "value")],
        [ids.METRICS, ids.METRICS_VERDICT, ids.AGREEMENT],
    )


def _mark(app, result: Input, controls: list[Input], marked: list[str]) -> None:
    """``marked`` elements stale when one of ``controls`` changes, fresh when ``result`` does."""
    states = [State(element, "className") for element in marked]
    app.clientside_callback(
        STALE_MARK,
        *[Output(element, "className") for element in marked],
        *controls,
        *states,
        prevent_initial_call=True,
    )
    app.clientside_callback(
        FRESH_MARK,
        *[Output(element, "className", allow_duplicate=True) for element in marked],
        result,
        *states,
        prevent_initial_call=True,
    )
