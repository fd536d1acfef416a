"""Shareable links: the address bar holds the whole view, so a pasted link opens the same view.

The query string carries ids and parameters only, never data:
``/compare?dataset=<id>&features=Age&features=Annual+Income+(k$)&scaling=standard`` (the
view, read by the shell) then the page's own keys (``km_n_clusters=4&db_eps=0.42``, read by
the page's ``layout(**query)``). Features are repeated keys because names may hold commas.

How the pieces meet:

* each page publishes what it shows into ``ids.PAGE_QUERY`` and restores its controls from
  the query in ``layout`` (``dashboard.url_settings``);
* ``restore_view`` sets ``ids.VIEW`` from a URL naming a view (on load, back and forward),
  after checking the table is stored here and has those columns;
* ``address`` decides the canonical URL of the view and the page, and whether it replaces
  the current history entry (arriving, filling in what the URL left out) or adds one (the user
  changed something the URL named); a clientside callback writes it to the address bar and
  to the "Copy link" button, and tells Dash's location components (a ``popstate`` event);
* the pages router is told (``routing_callback_inputs``) what the page already shows, so a
  URL that only catches up with the page does not rebuild it (``url_settings.page_link``),
  while back and forward, whose URL differs from what is shown, rebuild it from that URL.

Pages opened from the navbar (no page keys in the URL) reopen with their last settings,
except distances in the view's scaled units (eps, cut heights), suggested afresh per view.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State

from algorithms.errors import SegmentaError
from algorithms.preprocessing import SCALERS
from dashboard import ids

VIEW_KEYS = ("dataset", "features", "scaling", "encode")
SHOWN = "share_shown"
"""Layout keyword: what the open page publishes (from the router's State)."""
REMEMBERED = "share_remembered"
"""Layout keyword: each page's last settings in this browser tab, by path."""
MIN_FEATURES = 2

Query = dict[str, str | list[str]]


# --- query strings ------------------------------------------------------------------------


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


# --- the view -----------------------------------------------------------------------------


def view_query(view: dict | None) -> Query:
    """The view's part of the URL; empty without a view."""
    if not view or not view.get("dataset_id"):
        return {}
    query: Query = {"dataset": view["dataset_id"], "features": list(view.get("features") or [])}
    query["scaling"] = view.get("scaling") or "standard"
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
        "scaling": single(query.get("scaling")) or "standard",
        "categorical": single(query.get("encode")) or None,
    }


def same_view(first: dict | None, second: dict | None) -> bool:
    return view_query(first) == view_query(second)


def view_problem(services, view: dict) -> str | None:
    """Why a linked view cannot be opened on this server, in words; None when it can."""
    dataset = view["dataset_id"]
    try:
        stored = services.datasets.exists(dataset)
    except SegmentaError:
        stored = False
    if not stored:
        return (
            f"This link names a table that is not stored on this server (id {dataset}): the "
            "current view is kept. Ask the sender to upload the table here, or upload it "
            "yourself on the Data page and choose the features again."
        )
    info = services.datasets.info(dataset)
    named = [*view["features"], *([view["categorical"]] if view["categorical"] else [])]
    missing = [column for column in named if column not in info.columns]
    if missing:
        return (
            f"This link names columns that the table ‘{info.name}’ does not have "
            f"({', '.join(map(repr, missing))}): the current view is kept."
        )
    if len(view["features"]) < MIN_FEATURES:
        return "This link names fewer than two features: the current view is kept."
    if view["scaling"] not in SCALERS:
        return (
            f"This link names an unknown scaling ‘{view['scaling']}’ (choose one of "
            f"{', '.join(SCALERS)}): the current view is kept."
        )
    return None


def restore_view(services, search: str | None, current: dict | None, arriving: bool):
    """(view store, alert) for the URL: its view when it names one that is stored here.

    On arrival the linked view is written even when it equals the current one, so that the
    browser tab's remembered view, read at the same moment, cannot win over the link.
    """
    linked = view_from_query(parse_search(search))
    if linked is None or (not arriving and same_view(linked, current)):
        return dash.no_update, dash.no_update
    problem = view_problem(services, linked)
    if problem:
        return dash.no_update, dbc.Alert(problem, color="warning", dismissable=True)
    return linked, None


# --- the address --------------------------------------------------------------------------


def _page_part(query: Query) -> Query:
    return {key: value for key, value in query.items() if key not in VIEW_KEYS}


def address(
    view: dict | None,
    shown: dict | None,
    pathname: str | None,
    search: str | None,
    previous: dict | None,
    *,
    usable: Callable[[dict], bool],
    named: dict[str, Callable[[Query], dict[str, str]]],
) -> dict:
    """Where the address bar should go for what is shown, decided from the state alone
    (Dash may merge or drop runs of the callback, so the decision must not depend on what
    triggered it).

    Nothing is written while the open page has not published its settings, or publishes
    settings other than its URL names without having been changed (it is still opening, or
    back/forward is about to rebuild it from the URL): a rewrite then would make the router
    rebuild the page once more. Otherwise each part of the URL (the view, the page's
    settings) is

    * filled in when the URL leaves it out or names a table not stored here, or written in
      canonical form: the current history entry is replaced (arriving on a page is not a
      step that Back should undo);
    * written as a new history entry when the page reports a change (``edit``) not yet acted
      on (``previous["consumed"]``) that the URL does not show: the user changed it;
    * kept as it is while the view differs from the URL's on another page than Data (the
      shell is restoring the URL's view).

    Returns ``{"pathname", "search", "mode", "consumed"}``; ``mode`` is "push", "replace" or
    None when the address is already right.
    """
    current = parse_search(search)
    waiting = {"pathname": pathname, "search": search or "", "mode": None}
    if not shown or shown.get("page") != pathname:
        return waiting | _consumed(previous)  # the open page has not published yet
    edit = shown.get("edit")
    fresh = edit is not None and edit != (previous or {}).get("consumed")
    consumed = {"consumed": edit} if edit is not None else _consumed(previous)

    page_part = _page_part(current)
    published = _page_part(shown["query"])
    asked = named[pathname](current) if pathname in named else {}
    differs = bool(page_part) and any(published.get(k) != v for k, v in _page_part(asked).items())
    if differs and not fresh:
        # the page is not (yet) what its URL names: still opening, or back/forward is about
        # to rebuild it; rewriting the URL now would make the router rebuild it again
        return waiting | consumed
    page_part, pushed = published, differs

    linked = view_from_query(current)
    view_part = {key: current[key] for key in VIEW_KEYS if key in current}
    if linked is None or not usable(linked):
        view_part = view_query(view)
    elif not same_view(linked, view) and fresh and same_view(_shown_view(shown), view):
        view_part, pushed = view_query(view), True

    target = search_text(view_part | page_part)
    mode = None if parse_search(target) == current else ("push" if pushed else "replace")
    return {"pathname": pathname, "search": target, "mode": mode} | consumed


def _consumed(previous: dict | None) -> dict:
    return {"consumed": (previous or {}).get("consumed")}


def _shown_view(shown: dict) -> dict | None:
    """The view a page shows when its settings are a view (the Data page)."""
    return view_from_query(shown["query"])


def remember(remembered: dict | None, shown: dict | None, pathname: str | None) -> Any:
    """The navbar's memory of each page's last settings, with the open page's updated."""
    if not shown or shown.get("page") != pathname:
        return dash.no_update
    remembered = dict(remembered or {})
    if remembered.get(pathname) == shown.get("carried"):
        return dash.no_update
    remembered[pathname] = shown.get("carried") or {}
    return remembered


# --- callbacks ----------------------------------------------------------------------------

APPLY_ADDRESS = """
function (address) {
    const noUpdate = window.dash_clientside.no_update;
    if (!address || address.pathname !== window.location.pathname) {
        return [noUpdate, noUpdate, noUpdate];
    }
    if (address.mode && window.location.search !== address.search) {
        const url = address.pathname + address.search + window.location.hash;
        if (address.mode === "push") {
            window.history.pushState({}, "", url);
        } else {
            window.history.replaceState(window.history.state, "", url);
        }
        // Dash's location components only learn about history changes from this event
        setTimeout(() => window.dispatchEvent(new PopStateEvent("popstate")), 0);
    }
    // the address bar as it now is (a stale run may have left it alone)
    const link = window.location.href.split("#")[0];
    // without the clipboard API (plain http off localhost) the link is shown to copy by hand
    const fallback = navigator.clipboard ? {display: "none"} : {width: "16rem"};
    return [link, link, fallback];
}
"""


def register_share_callbacks(app, services) -> None:
    """The shell's side of shareable links. Each page module gives its ``PAGE["path"]`` and
    ``named_settings(query)``: the settings a URL names, as the page publishes them."""
    from dashboard.pages import PAGES  # the pages import this module

    named = {page.PAGE["path"]: page.named_settings for page in PAGES}
    app.routing_callback_inputs.update(
        {SHOWN: State(ids.PAGE_QUERY, "data"), REMEMBERED: State(ids.NAV_QUERIES, "data")}
    )

    @app.callback(
        Output(ids.VIEW, "data", allow_duplicate=True),
        Output(ids.PAGE_ALERT, "children"),
        Input(ids.URL, "search"),
        State(ids.VIEW, "data"),
        State(ids.SHARE_ADDRESS, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def open_linked_view(search, view, shared):
        return restore_view(services, search, view, arriving=shared is None)

    @app.callback(
        Output(ids.SHARE_ADDRESS, "data"),
        Output(ids.NAV_QUERIES, "data"),
        Input(ids.VIEW, "data"),
        Input(ids.PAGE_QUERY, "data"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.SHARE_ADDRESS, "data"),
        State(ids.NAV_QUERIES, "data"),
    )
    def sync_address(view, shown, pathname, search, previous, remembered):
        target = address(
            view,
            shown,
            pathname,
            search,
            previous,
            usable=lambda linked: view_problem(services, linked) is None,
            named=named,
        )
        return target, remember(remembered, shown, pathname)

    app.clientside_callback(
        APPLY_ADDRESS,
        Output(ids.COPY_LINK, "content"),
        Output(ids.COPY_LINK_TEXT, "value"),
        Output(ids.COPY_LINK_TEXT, "style"),
        Input(ids.SHARE_ADDRESS, "data"),
    )
