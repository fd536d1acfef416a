"""The Personas page's settings in its URL: the persona set it edits, or the segmentation.

``/personas?set=12&version=3`` opens a saved set (its latest version without ``version``);
``/personas?method=kmeans&n_clusters=5&...`` (Compare's "Use this segmentation", see
``dashboard.view.result_links``) a fresh segmentation of the current view.
"""

from algorithms.methods import make_method
from dashboard.view import url, url_settings
from dashboard.view.result_links import parse_result_query

PATH = "/personas"
SET_FIELDS = (url_settings.whole("set", None, 1), url_settings.whole("version", None, 1))


def entry_query(query: dict) -> tuple[dict | None, list[str]]:
    """(what the page's ``QUERY`` store holds, problems): ``{"set_id", "version"}`` for a
    saved set, ``{"method", "params"}`` for a segmentation, None for the default."""
    values, problems = url_settings.read_fields(SET_FIELDS, query)
    if values.get("set") is not None:
        return {"set_id": values["set"], "version": values.get("version")}, problems
    link = parse_result_query(query)
    if link is None and query.get("method"):
        problems.append(f"method: no segmentation '{query['method']}' with these parameters")
    return ({"method": link[0], "params": link[1]} if link else None), problems


def segmentation_settings(method: str, params: dict) -> dict[str, str]:
    """A segmentation as URL settings, every parameter written (as ``result_href`` does)."""
    params = make_method(method, **params).get_params()
    return {"method": method} | {
        name: url.value_text(value) for name, value in params.items() if value is not None
    }


def named_settings(query: dict) -> dict[str, str]:
    """The settings the URL names, as ``published`` writes them (``url_settings.page_link``)."""
    entry, _ = entry_query(query)
    if entry is None:
        return {}
    if "set_id" in entry:
        named = {"set": str(entry["set_id"])}
        return named | ({"version": str(entry["version"])} if entry["version"] else {})
    return segmentation_settings(entry["method"], entry["params"])


def published(source: dict | None, loaded: dict | None) -> dict:
    """The page's state for ``ids.PAGE_QUERY``: the saved set and version the editor builds
    on, else the segmentation it shows."""
    saved = loaded or (source if source and source.get("set_id") is not None else None)
    if saved:
        query = {"set": str(saved["set_id"])}
        if saved.get("version") is not None:
            query["version"] = str(saved["version"])
    elif source:
        query = segmentation_settings(source["method"], source["params"])
    else:
        query = {}
    return url_settings.page_state(PATH, query)
