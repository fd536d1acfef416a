"""The Compare page's settings in its URL: which methods fill the panels, every panel's
parameters, a tree's cut and the cross-tab's methods,
``methods=kmeans,dbscan,gmm&km_n_clusters=4&db_eps=0.42&hc_cut=count&xtab_rows=kmeans...``.

Keys are the method's ``url_key`` (its name when it declares none) and the parameter's name.
A result link from another page (``?method=dbscan&eps=0.42&min_samples=5``, see
``dashboard.view.result_links``) still opens with that panel set, and shown; keys of this page
win where both are given.
"""

from typing import Any

from algorithms.methods import DEFAULT_COMPARED, METHODS, get_method
from dashboard.pages.compare_controls import (
    CUT_BY_COUNT,
    CUT_BY_HEIGHT,
    control_names,
    initial_cut_by,
    is_distance,
)
from dashboard.view import url_settings
from dashboard.view.result_links import parse_result_query

PATH = "/compare"
METHODS_KEY = "methods"
CROSSTAB_KEYS = ("xtab_rows", "xtab_cols")
CROSSTAB_DEFAULTS = (DEFAULT_COMPARED[0], DEFAULT_COMPARED[-1])


def control_key(method: str, name: str) -> str:
    return f"{get_method(method).settings_key()}_{name}"


def cut_key(method: str) -> str:
    return f"{get_method(method).settings_key()}_cut"


def _control_fields(method: str) -> list[url_settings.Field]:
    fields = [
        url_settings.Field(control_key(method, param.name), param, scaled=is_distance(param))
        for param in get_method(method).control_params()
    ]
    if get_method(method).cut_params:
        cut = url_settings.choice(cut_key(method), CUT_BY_COUNT, (CUT_BY_COUNT, CUT_BY_HEIGHT))
        fields.insert(1, cut)
    return fields


def fields(methods=None) -> tuple[url_settings.Field, ...]:
    """The page's settings with those of ``methods`` (every method registered now when not
    given)."""
    return (
        url_settings.choices(METHODS_KEY, DEFAULT_COMPARED, METHODS),
        *[
            field
            for method in (METHODS if methods is None else methods)
            for field in _control_fields(method)
        ],
        *[
            url_settings.choice(key, default, METHODS)
            for key, default in zip(CROSSTAB_KEYS, CROSSTAB_DEFAULTS, strict=True)
        ],
    )


def restore(query: dict) -> tuple[dict[str, Any], list[str], tuple[str, dict] | None]:
    """(values by URL key, problems, result link): what the query sets, values left out
    taking the controls' defaults."""
    values, problems = url_settings.read_fields(fields(), query)
    link = parse_result_query(query)
    if link is not None:
        method, params = link
        legacy = {control_key(method, name): params.get(name) for name in control_names(method)}
        cut = get_method(method).cut_params
        if cut and params.get(cut[1]) is not None:
            legacy[cut_key(method)] = CUT_BY_HEIGHT
        compared = values.get(METHODS_KEY) or DEFAULT_COMPARED
        if method not in compared:
            legacy[METHODS_KEY] = tuple(m for m in METHODS if m in compared or m == method)
        values = legacy | values
    return values, problems, link


def compared(values: dict[str, Any]) -> tuple[str, ...]:
    """The methods whose panels are shown."""
    return tuple(values.get(METHODS_KEY) or DEFAULT_COMPARED)


def panel_values(values: dict[str, Any], method: str) -> dict:
    """The values a panel's controls open with from the URL (None: the control's default)."""
    return {name: values.get(control_key(method, name)) for name in control_names(method)}


def cut_by(values: dict[str, Any], method: str) -> str | None:
    """How a cut method's panel is cut (None for other methods)."""
    return initial_cut_by(method, panel_values(values, method), values.get(cut_key(method)))


def named_settings(query: dict) -> dict[str, str]:
    """The settings the URL names, as ``published`` writes them (``url_settings.page_link``)."""
    return url_settings.settings_text(fields(), restore(query)[0])


def published(
    chosen: list[str], controls: dict[str, dict], cuts: dict[str, str], rows: str, columns: str
) -> dict:
    """The page's state for ``ids.PAGE_QUERY`` from its controls: the methods compared, their
    controls (by method, then name) and cut choices (by method), the cross-tab's pair. The
    settings of methods not compared are left out of the URL."""
    chosen = [method for method in METHODS if method in (chosen or ())]
    values = {
        control_key(method, name): value
        for method, by_name in controls.items()
        if method in chosen
        for name, value in by_name.items()
    }
    values |= {cut_key(method): cut for method, cut in cuts.items() if method in chosen}
    values |= {METHODS_KEY: chosen, CROSSTAB_KEYS[0]: rows, CROSSTAB_KEYS[1]: columns}
    return url_settings.fields_state(PATH, fields(chosen), values)
