"""The Diagnostics page's settings in its URL: the sweep's range of k, the silhouette plot's
result (``diagnostics_result``), the k-distance curve's min_samples and the dendrogram's cut,
``k_min=1&k_max=10&sil_method=kmeans&sil_km_n_clusters=5&...&kd_min_samples=5&dendro_linkage=ward``.

A result link (``?method=dbscan&eps=0.4&min_samples=8``, see
``dashboard.view.result_links``) still preselects the silhouette plot (and, for the method the
dendrogram draws, the dendrogram).
"""

from typing import Any

from algorithms.methods import METHODS
from dashboard.pages import diagnostics_result
from dashboard.pages.diagnostics_layout import linkages
from dashboard.pages.diagnostics_panels import K_LIMIT, tree_method
from dashboard.view import url_settings
from dashboard.view.result_links import parse_result_query

PATH = "/diagnostics"
K_GAP = 2
"""The sweep's range slider keeps its ends at least this far apart."""


def fields() -> tuple[url_settings.Field, ...]:
    """The page's settings, in the order ``published`` takes the controls' values."""
    return (
        url_settings.whole("k_min", 1, 1, K_LIMIT),
        url_settings.whole("k_max", 10, 1, K_LIMIT),
        *diagnostics_result.fields(),
        url_settings.whole("kd_min_samples", 5, 2, 1000),
        url_settings.choice("dendro_linkage", "ward", linkages()),
        url_settings.whole("dendro_k", 5, 1, 50),
        url_settings.distance("dendro_height", low=0),
    )


def defaults() -> dict[str, Any]:
    return {field.key: field.param.default for field in fields()}


def _result_values(method: str, params: dict) -> dict[str, Any]:
    """The settings a result link stands for."""
    values = diagnostics_result.values_of(method, params)
    neighbourhood = METHODS[method].neighbourhood_params
    if neighbourhood:
        values["kd_min_samples"] = params.get(neighbourhood[1])
    if method == tree_method():
        count, height = METHODS[method].cut_params
        values |= {
            "dendro_linkage": params.get("linkage"),
            "dendro_k": params.get(count),
            "dendro_height": params.get(height),
        }
    return {key: value for key, value in values.items() if value is not None}


def named(query: dict) -> tuple[dict[str, Any], list[str]]:
    """(the values the query names, problems with the others)."""
    values, problems = url_settings.read_fields(fields(), query)
    default = defaults()
    low, high = values.get("k_min", default["k_min"]), values.get("k_max", default["k_max"])
    if high - low < K_GAP:
        problems.append(f"the range of k must span at least {K_GAP} (k_min {low}, k_max {high})")
        values.pop("k_min", None)
        values.pop("k_max", None)
    link = parse_result_query(query)
    if link is not None:
        values = _result_values(*link) | values
    return values, problems


def restore(query: dict) -> tuple[dict[str, Any], list[str]]:
    """(every control's value, problems): the URL's values, else the defaults."""
    values, problems = named(query)
    return defaults() | {k: v for k, v in values.items() if v is not None}, problems


def named_settings(query: dict) -> dict[str, str]:
    """The settings the URL names, as ``published`` writes them (``url_settings.page_link``)."""
    return url_settings.settings_text(fields(), named(query)[0])


def published(k_range, *values) -> dict:
    """The page's state for ``ids.PAGE_QUERY``: the k range, then the other controls in the
    order of ``fields()``."""
    low, high = k_range if isinstance(k_range, list | tuple) and len(k_range) == 2 else (None,) * 2
    page_fields = fields()
    keys = [field.key for field in page_fields]
    return url_settings.fields_state(
        PATH, page_fields, dict(zip(keys, (low, high, *values), strict=True))
    )
