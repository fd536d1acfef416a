"""The Data page's word on skewed features: which chosen feature is heavily skewed
(|skewness| above ``algorithms.preprocessing.SKEWED``), the scaling that spreads it, and a
button that applies that scaling.

On spend columns (CC GENERAL's BALANCE and PURCHASES) most customers sit near 0 with a long
tail; standard scaling leaves them as one crowded segment plus specks, whatever the method.
The note follows the view the page shows; the button sets the page's scaling control, which
the view callback then validates and stores like any other choice.
"""

import dash
from dash import Input, Output, State

from algorithms.preprocessing import (
    SCALING_LABELS,
    skew_advice,
    skew_remedy,
    skewed_features,
)
from dashboard.ids import data as ids
from dashboard.services.analysis import View

SPREADING_SCALINGS = ("log", "power")
HIDDEN = {"display": "none"}


def skew_outputs(services, view_data: dict | None) -> tuple:
    """(note, button label, button value, button style) for the shown view."""
    if not view_data:
        return None, "", None, HIDDEN
    view = View.from_store(view_data)
    table = services.analysis.table(view.dataset_id)
    skewed = skewed_features(table, list(view.features))
    if not skewed:
        return None, "", None, HIDDEN
    if view.scaling in SPREADING_SCALINGS:
        named = ", ".join(f"'{column}'" for column in skewed)
        return (
            f"{named} {'is' if len(skewed) == 1 else 'are'} heavily skewed: "
            f"{SCALING_LABELS[view.scaling].lower()} scaling spreads "
            f"{'it' if len(skewed) == 1 else 'them'}.",
            "",
            None,
            HIDDEN,
        )
    remedy = suggested_scaling(table, skewed)
    label = f"Apply {SCALING_LABELS[remedy].lower()} scaling"
    return skew_advice(table, list(view.features)), label, remedy, {}


def suggested_scaling(table, skewed: dict[str, float]) -> str:
    """'log' when every skewed feature takes it (a right tail of values of 0 or more), else
    'power' (Yeo-Johnson takes any sign and either tail)."""
    remedies = {skew_remedy(table[column], value) for column, value in skewed.items()}
    return "power" if "power" in remedies else "log"


def register_skew_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.SKEW_NOTE, "children"),
        Output(ids.SKEW_APPLY, "children"),
        Output(ids.SKEW_APPLY, "value"),
        Output(ids.SKEW_APPLY, "style"),
        Input(ids.SHOWN_VIEW, "data"),
    )
    def show_skew(view_data):
        try:
            return skew_outputs(services, view_data)
        except Exception:  # noqa: BLE001  (the view callback reports a broken view)
            return None, "", None, HIDDEN

    @app.callback(
        Output(ids.SCALING, "value", allow_duplicate=True),
        Input(ids.SKEW_APPLY, "n_clicks"),
        State(ids.SKEW_APPLY, "value"),
        prevent_initial_call=True,
    )
    def apply_scaling(clicks, scaling):
        if not clicks or scaling not in SPREADING_SCALINGS:
            return dash.no_update
        return scaling
