"""The Compare page's settings in its URL: every panel's parameters, the tree's cut and the
cross-tab's methods, ``km_n_clusters=4&db_eps=0.42&hc_cut=count&xtab_rows=kmeans...``.

A result link from another page (``?method=dbscan&eps=0.42&min_samples=5``, see
``dashboard.links``) still opens with that panel set; keys of this page win where both are
given.
"""

from typing import Any

from algorithms.methods import METHODS, get_method
from dashboard import url_settings
from dashboard.links import parse_result_query
from dashboard.pages.compare_controls import (
    CONTROLS,
    CUT_BY_COUNT,
    CUT_BY_HEIGHT,
    SCALED_DISTANCES,
)

PATH = "/compare"
PREFIXES = {"kmeans": "km", "dbscan": "db", "hierarchical": "hc"}
CUT_KEY = "hc_cut"
CROSSTAB_KEYS = ("xtab_rows", "xtab_cols")
CROSSTAB_DEFAULTS = ("kmeans", "hierarchical")


def control_key(method: str, name: str) -> str:
    return f"{PREFIXES[method]}_{name}"


def _control_fields(method: str) -> list[url_settings.Field]:
    params = {param.name: param for param in get_method(method).params}
    fields = [
        url_settings.Field(control_key(method, name), params[name], scaled=name in SCALED_DISTANCES)
        for name in CONTROLS[method]
    ]
    if method == "hierarchical":
        fields.insert(1, url_settings.choice(CUT_KEY, CUT_BY_COUNT, (CUT_BY_COUNT, CUT_BY_HEIGHT)))
    return fields


FIELDS = (
    *[field for method in METHODS for field in _control_fields(method)],
    *[
        url_settings.choice(key, default, METHODS)
        for key, default in zip(CROSSTAB_KEYS, CROSSTAB_DEFAULTS, strict=True)
    ],
)


def restore(query: dict) -> tuple[dict[str, Any], list[str], tuple[str, dict] | None]:
    """(values by URL key, problems, result link): what the query sets, values left out
    taking the controls' defaults."""
    values, problems = url_settings.read_fields(FIELDS, query)
    link = parse_result_query(query)
    if link is not None:
        method, params = link
        legacy = {control_key(method, name): params.get(name) for name in CONTROLS[method]}
        if method == "hierarchical" and params.get("distance_threshold") is not None:
            legacy[CUT_KEY] = CUT_BY_HEIGHT
        values = legacy | values
    return values, problems, link


def panel_values(values: dict[str, Any], method: str) -> dict:
    """The values a panel's controls open with from the URL (None: the control's default)."""
    return {name: values.get(control_key(method, name)) for name in CONTROLS[method]}


def cut_by(values: dict[str, Any]) -> str:
    if values.get(CUT_KEY):
        return values[CUT_KEY]
    by_height = values.get(control_key("hierarchical", "distance_threshold")) is not None
    return CUT_BY_HEIGHT if by_height else CUT_BY_COUNT


def named_settings(query: dict) -> dict[str, str]:
    """The settings the URL names, as ``published`` writes them (``url_settings.page_link``)."""
    return url_settings.settings_text(FIELDS, restore(query)[0])


def published(controls: dict[str, dict], cut: str, rows: str, columns: str) -> dict:
    """The page's state for ``ids.PAGE_QUERY`` from its controls (by method, then name)."""
    values = {
        control_key(method, name): value
        for method, by_name in controls.items()
        for name, value in by_name.items()
    }
    values |= {CUT_KEY: cut, CROSSTAB_KEYS[0]: rows, CROSSTAB_KEYS[1]: columns}
    return url_settings.fields_state(PATH, FIELDS, values)
