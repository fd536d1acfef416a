"""The view in a URL and back: query strings as Dash pages passes them, and the view's keys.

The query string carries ids and parameters only, never data:
``/compare?dataset=<id>&features=Age&features=Annual+Income+(k$)&scaling=standard`` (the
view) then the page's own keys (``km_n_clusters=4&db_eps=0.42``, ``url_settings``). Features
are repeated keys because names may hold commas.
"""

from typing import Any
from urllib.parse import parse_qs, urlencode

from dashboard.view.state import DEFAULT_SCALING

VIEW_KEYS = ("dataset", "features", "scaling", "encode")

Query = dict[str, str | list[str]]


def parse_search(search: str | None) -> Query:
    """``?a=1&f=x&f=y`` as ``{"a": "1", "f": ["x", "y"]}`` (as Dash pages passes it)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def search_text(query: Query) -> str:
    """``query`` as a search string (``""`` when empty); list values become repeated keys."""
    text = urlencode(query, doseq=True)
    return f"?{text}" if text else ""


def value_text(value: Any) -> str:
    """A parameter as it is written in a URL: ``5``, ``0.42``, ``ward``; blank for None."""
    return "" if value is None else str(value)


def single(value: str | list[str] | None) -> str | None:
    """One value of a query key (the first when the key is repeated)."""
    return value[0] if isinstance(value, list) else value


def _listed(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def without_view(query: Query) -> Query:
    """The page's own keys of ``query``: all but the view's."""
    return {key: value for key, value in query.items() if key not in VIEW_KEYS}


def view_query(view: dict | None) -> Query:
    """The view's part of the URL; empty without a view."""
    if not view or not view.get("dataset_id"):
        return {}
    query: Query = {"dataset": view["dataset_id"], "features": list(view.get("features") or [])}
    query["scaling"] = view.get("scaling") or DEFAULT_SCALING
    if view.get("categorical"):
        query["encode"] = view["categorical"]
    return query


def view_from_query(query: Query) -> dict | None:
    """The view a URL names (as ``ids.VIEW`` holds it), or None when it names no table."""
    dataset = single(query.get("dataset"))
    if not dataset:
        return None
    return {
        "dataset_id": dataset,
        "features": _listed(query.get("features")),
        "scaling": single(query.get("scaling")) or DEFAULT_SCALING,
        "categorical": single(query.get("encode")) or None,
    }


def same_view(first: dict | None, second: dict | None) -> bool:
    return view_query(first) == view_query(second)
