"""URLs that name a result, so one page can open another on the same segmentation
("Use this segmentation" from Compare to Personas, "apply eps" from Diagnostics to Compare).

A result is named by its method and parameters in the query string:
``/personas?method=kmeans&n_clusters=5&init=k-means%2B%2B&n_init=10&random_state=0``.
"""

from urllib.parse import parse_qsl, urlencode

from algorithms.errors import SegmentaError
from algorithms.methods import get_method


def result_href(page: str, method: str, params: dict) -> str:
    query = {"method": method} | {k: v for k, v in params.items() if v is not None}
    return f"{page}?{urlencode(query)}"


def checked_params(method: str, params: dict, n_clusters: int) -> dict:
    """The parameters under which the Diagnostics page checks a result (silhouettes,
    stability): it cuts a tree (a method declaring ``cut_params``) by its number of segments,
    so a tree cut at a height is checked as the k that cut gave, the same segments. Links to
    it and lookups of what it computed both go through here, so they name the same result."""
    cut = get_method(method).cut_params
    if cut:
        count, height = cut
        return params | {count: n_clusters, height: None}
    return params


def diagnostics_href(method: str, params: dict, n_clusters: int) -> str | None:
    """The Diagnostics page on a result; None under 2 segments (nothing to score)."""
    if n_clusters < 2:
        return None
    return result_href("/diagnostics", method, checked_params(method, params, n_clusters))


def parse_result_query(query: dict | str) -> tuple[str, dict] | None:
    """(method, validated params) from a page's query parameters; None when absent or bad.
    Other query keys (the view's own) are ignored."""
    if isinstance(query, str):
        query = dict(parse_qsl(query.lstrip("?")))
    query = dict(query)
    method = query.pop("method", None)
    if not method:
        return None
    try:
        method_class = get_method(method)
        names = {param.name for param in method_class.params}
        model = method_class(**{k: v for k, v in query.items() if k in names and v != ""})
    except SegmentaError:
        return None
    return method, model.get_params()
