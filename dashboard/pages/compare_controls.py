"""Each Compare panel's parameter controls, built from the method's ``Param`` declarations
(labels, ranges, choices, help text as tooltips, control kind), and the parameters they stand
for; nothing here names a method.

The settings live in the page's URL (``compare_link``), so a link or back/forward reopens
them; distances (``control="distance"``: eps, a cut height) are in the view's scaled units, so
they are suggested afresh for each view unless the URL names them. A method declaring
``cut_params`` gets a radio choosing which of the two says where to cut.
"""

import dash_bootstrap_components as dbc
from dash import dcc, html

from algorithms.errors import ParameterError
from algorithms.methods import Param, get_method
from dashboard.ids import compare as ids

K_RANGE = (2, 15)
CUT_BY_COUNT = "count"
CUT_BY_HEIGHT = "height"
DEFAULT_EPS = 0.3
# "any": a typed or linked eps such as 0.3007 is a valid number, not an off-step blank
DISTANCE_STEP = "any"
DISTANCE_FORMAT = "a positive number, such as 0.35"


def control_names(method: str) -> tuple[str, ...]:
    """The parameters the method's panel offers, in order."""
    return tuple(param.name for param in get_method(method).control_params())


def is_distance(param: Param) -> bool:
    return param.control_kind == "distance"


def initial_values(method: str, linked: dict) -> dict:
    """The values the panel opens with: the URL's, else the declared defaults; distances
    stay empty until a callback suggests them for the view."""
    values = {}
    for param in get_method(method).control_params():
        default = None if is_distance(param) else param.default
        values[param.name] = default if linked.get(param.name) is None else linked[param.name]
    return values


def initial_cut_by(method: str, values: dict, cut_by: str | None = None) -> str | None:
    """How a cut method's panel opens: as asked, else by height when a height is given."""
    cut = get_method(method).cut_params
    if cut is None:
        return None
    if cut_by is None:
        cut_by = CUT_BY_HEIGHT if values.get(cut[1]) is not None else CUT_BY_COUNT
    return cut_by


def panel_controls(method: str, values: dict, cut_by: str | None = None) -> html.Div:
    """The panel's control row; for a method cut by count or height also the cut-by radio
    (by height when not given and a height is)."""
    panel = ids.panel(method)
    cut_by = initial_cut_by(method, values, cut_by)
    unused = cut_param_unused(method, cut_by)
    fields = [
        _field(panel, param, _widget(panel, param, values[param.name], param.name == unused))
        for param in get_method(method).control_params()
    ]
    if cut_by is not None:
        fields.insert(1, _cut_by_radio(panel, cut_by))
    return html.Div(dbc.Row(fields, className="g-2 align-items-end"), className="mb-2")


def cut_param_unused(method: str, cut_by: str | None) -> str | None:
    """The control a cut method's panel greys out: the height when cut by count, the count
    when cut by height; None for other methods."""
    cut = get_method(method).cut_params
    if cut is None:
        return None
    count, height = cut
    return count if cut_by == CUT_BY_HEIGHT else height


def params_from_controls(method: str, values: dict, cut_by: str | None = None) -> dict:
    """The method's parameters from its controls; ParameterError naming an empty or bad field.

    Only the controlled parameters are returned: the seed comes from the run, as on every page.
    A method cut by count or by height leaves the other parameter out.
    """
    values = dict(values)
    method_class = get_method(method)
    if method_class.cut_params:
        count, height = method_class.cut_params
        values.pop(count if cut_by == CUT_BY_HEIGHT else height)
    params = {p.name: p for p in method_class.params}
    for name, value in values.items():
        param = params[name]
        if value is None and (is_distance(param) or not param.optional):
            wanted = DISTANCE_FORMAT if is_distance(param) else param.allowed()
            raise ParameterError(f"Enter {param.title}: {wanted}.")
    return {name: params[name].check(value) for name, value in values.items()}


def _field(panel, param, widget) -> dbc.Col:
    label = html.Label(
        [param.title, html.Span("?", className="help-mark")],
        id=panel.help(param.name),
        htmlFor=panel.control(param.name),
        className="form-label small mb-1",
    )
    tooltip = dbc.Tooltip(f"{param.help} Allowed: {param.allowed()}.", target=label.id)
    width = 12 if param.control_kind == "segments" else 6
    return dbc.Col([label, tooltip, widget], xs=width, className="compare-field")


def _widget(panel, param, value, disabled: bool = False):
    if param.control_kind == "segments":
        low, high = K_RANGE
        return dcc.Slider(
            id=panel.control(param.name),
            min=low,
            max=max(high, value or high),
            step=1,
            value=value,
            marks={k: str(k) for k in (2, 5, 10, 15)},
            disabled=disabled,
        )
    if param.choices:
        return dbc.Select(
            id=panel.control(param.name),
            options=[{"label": choice, "value": choice} for choice in param.choices],
            value=value,
            size="sm",
        )
    return dbc.Input(
        id=panel.control(param.name),
        type="number",
        value=value,
        min=param.low if param.kind is int else 0,
        max=param.high,
        step=1 if param.kind is int else DISTANCE_STEP,
        placeholder="auto" if param.optional and not is_distance(param) else None,
        size="sm",
        debounce=True,
        disabled=disabled,
    )


def _cut_by_radio(panel, value: str) -> dbc.Col:
    return dbc.Col(
        [
            html.Label("Cut the tree by", className="form-label small mb-1"),
            dbc.RadioItems(
                id=panel.cut_by,
                options=[
                    {"label": "number of segments", "value": CUT_BY_COUNT},
                    {"label": "cut height", "value": CUT_BY_HEIGHT},
                ],
                value=value,
                inline=True,
                className="small",
            ),
        ],
        xs=6,
    )
