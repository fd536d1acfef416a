"""Each Compare panel's parameter controls, built from the methods' ``Param`` declarations
(ranges, choices, help text as tooltips), and the parameters they stand for.

The settings live in the page's URL (``compare_link``), so a link or back/forward reopens
them; eps and the cut height are distances in the view's scaled units, so they are suggested
afresh for each view unless the URL names them.
"""

import dash_bootstrap_components as dbc
from dash import dcc, html

from algorithms.errors import ParameterError
from algorithms.methods import get_method
from dashboard.ids import compare as ids

K_RANGE = (2, 15)
CUT_BY_COUNT = "count"
CUT_BY_HEIGHT = "height"
DEFAULT_EPS = 0.3

CONTROLS = {
    "kmeans": ("n_clusters", "init", "n_init"),
    "dbscan": ("eps", "min_samples"),
    "hierarchical": ("linkage", "n_clusters", "distance_threshold"),
}
LABELS = {
    "n_clusters": "Segments (k)",
    "init": "Initialisation",
    "n_init": "Restarts",
    "eps": "eps",
    "min_samples": "min_samples",
    "linkage": "Linkage",
    "distance_threshold": "Cut height",
}
SCALED_DISTANCES = {"eps", "distance_threshold"}
# "any": a typed or linked eps such as 0.3007 is a valid number, not an off-step blank
DISTANCE_STEP = "any"
DISTANCE_FORMAT = "a positive number, such as 0.35"
PANEL_TEXT = {
    "kmeans": "k centres; every customer joins the nearest. Round segments of similar size.",
    "dbscan": "Dense groups of any shape; isolated customers are left out as noise.",
    "hierarchical": "Merges the closest groups step by step; cut the tree into segments.",
}


def initial_values(method: str, linked: dict) -> dict:
    """The values the panel opens with: the URL's, else the declared defaults; eps and the
    cut height stay empty until a callback suggests them for the view."""
    params = {p.name: p for p in get_method(method).params}
    values = {}
    for name in CONTROLS[method]:
        default = None if name in SCALED_DISTANCES else params[name].default
        values[name] = default if linked.get(name) is None else linked[name]
    return values


def panel_controls(method: str, values: dict, cut_by: str | None = None) -> html.Div:
    """The panel's control row; for hierarchical clustering also the cut-by radio (by
    height when not given and a cut height is)."""
    params = {p.name: p for p in get_method(method).params}
    panel = ids.PANELS[method]
    fields = [
        _field(panel, params[name], _widget(panel, params[name], values[name]))
        for name in CONTROLS[method]
    ]
    if method == "hierarchical":
        if cut_by is None:
            by_height = values["distance_threshold"] is not None
            cut_by = CUT_BY_HEIGHT if by_height else CUT_BY_COUNT
        fields.insert(1, _cut_by_radio(cut_by))
    return html.Div(dbc.Row(fields, className="g-2 align-items-end"), className="mb-2")


def params_from_controls(method: str, values: dict, cut_by: str | None = None) -> dict:
    """The method's parameters from its controls; ParameterError naming an empty or bad field.

    Only the controlled parameters are returned: the seed comes from the run, as on every page.
    Hierarchical clustering is cut by count or by height, so the other field is left out.
    """
    values = dict(values)
    if method == "hierarchical":
        values.pop("n_clusters" if cut_by == CUT_BY_HEIGHT else "distance_threshold")
    params = {p.name: p for p in get_method(method).params}
    for name, value in values.items():
        if value is None:
            wanted = DISTANCE_FORMAT if name in SCALED_DISTANCES else params[name].allowed()
            raise ParameterError(f"Enter {LABELS[name]}: {wanted}.")
    return {name: params[name].check(value) for name, value in values.items()}


def _field(panel, param, widget) -> dbc.Col:
    label = html.Label(
        [LABELS[param.name], html.Span("?", className="help-mark")],
        id=panel.help(param.name),
        htmlFor=panel.control(param.name),
        className="form-label small mb-1",
    )
    tooltip = dbc.Tooltip(f"{param.help} Allowed: {param.allowed()}.", target=label.id)
    width = 12 if param.name == "n_clusters" else 6
    return dbc.Col([label, tooltip, widget], xs=width, className="compare-field")


def _widget(panel, param, value):
    if param.name == "n_clusters":
        low, high = K_RANGE
        return dcc.Slider(
            id=panel.control(param.name),
            min=low,
            max=max(high, value or high),
            step=1,
            value=value,
            marks={k: str(k) for k in (2, 5, 10, 15)},
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
        size="sm",
        debounce=True,
    )


def _cut_by_radio(value: str) -> dbc.Col:
    return dbc.Col(
        [
            html.Label("Cut the tree by", className="form-label small mb-1"),
            dbc.RadioItems(
                id=ids.CUT_BY,
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
