"""The result the Diagnostics page checks (silhouette plot, stability): a method and its
parameters, with one group of controls per method of the registry built from its ``Param``
specs (only the chosen method's group is shown), and their settings in the URL
(``sil_method=gmm&sil_gmm_n_components=4``). A method cut by count or height is checked by
count (``links.checked_params``), so its height control is left out.
"""

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from algorithms.methods import METHODS, Param, get_method
from dashboard.ids import diagnostics as ids
from dashboard.pages.diagnostics_panels import SWEEP_METHOD
from dashboard.view import url_settings

HIDDEN = {"display": "none"}
SHOWN = {"display": "block"}


def result_params(method: str) -> tuple[Param, ...]:
    """The parameters the page offers for ``method``."""
    method_class = get_method(method)
    left_out = method_class.cut_params[1] if method_class.cut_params else None
    return tuple(p for p in method_class.control_params() if p.name != left_out)


def controls() -> list[tuple[str, Param]]:
    """(method, parameter) of every control, in the order the callbacks list them."""
    return [(method, param) for method in METHODS for param in result_params(method)]


def chosen_params(method: str, values) -> dict:
    """The chosen method's parameters from the values of every control (``controls`` order)."""
    return {
        param.name: value
        for (owner, param), value in zip(controls(), values, strict=True)
        if owner == method
    }


def url_key(method: str, name: str) -> str:
    return f"sil_{get_method(method).settings_key()}_{name}"


def fields() -> list[url_settings.Field]:
    return [
        url_settings.choice("sil_method", SWEEP_METHOD, METHODS),
        *[
            url_settings.Field(
                url_key(method, param.name), param, scaled=param.control_kind == "distance"
            )
            for method, param in controls()
        ],
    ]


def values_of(method: str, params: dict) -> dict[str, Any]:
    """The URL values standing for a result (a result link)."""
    values = {"sil_method": method}
    names = {param.name for param in result_params(method)}
    values |= {url_key(method, n): v for n, v in params.items() if n in names and v is not None}
    return values


def result_of(values: dict[str, Any]) -> tuple[str, dict]:
    """(method, parameters) of the result restored URL values name."""
    method = values["sil_method"]
    return method, {p.name: values[url_key(method, p.name)] for p in result_params(method)}


def method_controls(values: dict) -> list:
    """The method select and one group of controls per method (the chosen one shown)."""
    chosen = values["sil_method"]
    select = dbc.Select(
        id=ids.SIL_METHOD,
        options=[{"label": m.label, "value": name} for name, m in METHODS.items()],
        value=chosen,
        size="sm",
    )
    groups = [
        html.Div(
            dbc.Row(
                [_control(method, param, values[url_key(method, param.name)])
                 for param in result_params(method)],
                className="g-2",
            ),
            id=ids.sil_group(method),
            style=SHOWN if method == chosen else HIDDEN,
            className="col",
        )
        for method in METHODS
    ]  # fmt: skip
    method_col = dbc.Col(
        [dbc.Label("Method", html_for=ids.SIL_METHOD, className="small mb-0"), select], md=3
    )
    return [method_col, *groups]


def _control(method: str, param: Param, value) -> dbc.Col:
    control_id = ids.sil_control(method, param.name)
    if param.choices:
        widget = dbc.Select(
            id=control_id,
            options=[{"label": choice, "value": choice} for choice in param.choices],
            value=value,
            size="sm",
        )
    else:
        widget = dbc.Input(
            id=control_id,
            type="number",
            value=value,
            min=param.low if param.kind is int else 0,
            max=param.high,
            step=1 if param.kind is int else "any",
            placeholder="auto" if param.optional else None,
            debounce=True,
            size="sm",
        )
    label = html.Label(
        param.title, htmlFor=control_id, className="form-label small mb-0", title=param.help
    )
    return dbc.Col([label, widget], md=4)


def group_styles(method: str) -> list[dict]:
    """Which method's controls show: the chosen one's."""
    return [SHOWN if name == method else HIDDEN for name in METHODS]
