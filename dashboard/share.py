"""Shareable links: the address bar holds the whole view, so a pasted link opens the same view.

The query string carries ids and parameters only, never data:
``/compare?dataset=<id>&features=Age&features=Annual+Income+(k$)&scaling=standard`` (the
view, read by the shell) then the page's own keys (``km_n_clusters=4&db_eps=0.42``, read by
the page's ``layout(**query)``). Features are repeated keys because names may hold commas.

How the pieces meet:

* each page publishes what it shows into ``ids.PAGE_QUERY`` (``page_state``) and restores its
  controls from the query in ``layout``;
* ``restore_view`` sets ``ids.VIEW`` from a URL naming a view (on load, back and forward),
  after checking the table is stored here and has those columns;
* ``address`` decides the canonical URL of the view and the page, and whether it replaces
  the current history entry (arriving, filling in what the URL left out) or adds one (the user
  changed something the URL named); a clientside callback writes it to the address bar and
  to the "Copy link" button, and tells Dash's location components (a ``popstate`` event);
* the pages router is told (``routing_callback_inputs``) what the page already shows, so a
  URL that only catches up with the page does not rebuild it (``page_link``), while back and
  forward, whose URL differs from what is shown, rebuild it from that URL.

Pages opened from the navbar (no page keys in the URL) reopen with their last settings,
except distances in the view's scaled units (eps, cut heights), suggested afresh per view.
"""

import dataclasses
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State

from algorithms.errors import SegmentaError
from algorithms.methods import Param
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


def _single(value: str | list[str] | None) -> str | None:
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
    dataset = _single(query.get("dataset"))
    if not dataset:
        return None
    return {
        "dataset_id": dataset,
        "features": _listed(query.get("features")),
        "scaling": _single(query.get("scaling")) or "standard",
        "categorical": _single(query.get("encode")) or None,
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


# --- page settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One page control carried in the URL under ``key``, checked like a method parameter."""

    key: str
    param: Param
    scaled: bool = False
    """A distance in the view's scaled units: blank means 'suggest one', and it is not
    carried to another view."""

    def read(self, text: str | list[str]) -> Any:
        """The control's value for the URL's text; ParameterError naming the key when bad."""
        param = dataclasses.replace(self.param, optional=self.scaled or self.param.optional)
        try:
            return param.check(_single(text))
        except SegmentaError as error:
            raise type(error)(f"{self.key}: {error}") from None

    def text(self, value: Any) -> str:
        """``value`` as URL text, in the parameter's type (``4`` for 4.0, ``1.0`` for 1)."""
        try:
            return value_text(None if value is None else self.param.kind(value))
        except (TypeError, ValueError):
            return value_text(value)


def choice(key: str, default: str, choices: Iterable[str]) -> Field:
    return Field(key, Param(key, str, default, "", choices=tuple(choices)))


def whole(key: str, default: int | None, low: int, high: int | None = None) -> Field:
    return Field(key, Param(key, int, default, "", low=low, high=high))


def distance(key: str, default: float | None = None, low: float = 1e-9) -> Field:
    return Field(key, Param(key, float, default, "", low=low, optional=True), scaled=True)


def read_fields(fields: Iterable[Field], query: Query) -> tuple[dict[str, Any], list[str]]:
    """(values by key, problems): the valid values the query names, and why others were
    left out (those controls keep their defaults)."""
    values, problems = {}, []
    for field in fields:
        if field.key not in query:
            continue
        try:
            values[field.key] = field.read(query[field.key])
        except SegmentaError as error:
            problems.append(str(error))
    return values, problems


def named_settings(fields: Iterable[Field], query: Query) -> dict[str, str]:
    """The settings a URL names, as the page would publish them: only valid, non-blank ones
    (a blank distance asks for a suggestion, so a suggestion filling it is not a change)."""
    values, _ = read_fields(fields, query)
    return {
        field.key: field.text(values[field.key])
        for field in fields
        if values.get(field.key) is not None
    }


def page_state(path: str, query: Query, view_bound: Iterable[str] = ()) -> dict:
    """What a page publishes into ``ids.PAGE_QUERY``: its settings as URL text, and the part
    the navbar carries back to it: all but the ``view_bound`` keys, which only make sense
    for the current view (distances in its scaled units, the view itself)."""
    view_bound = set(view_bound)
    return {
        "page": path,
        "query": query,
        "carried": {key: value for key, value in query.items() if key not in view_bound},
    }


def fields_state(path: str, fields: Iterable[Field], values: dict[str, Any]) -> dict:
    fields = list(fields)
    query = {field.key: field.text(values.get(field.key)) for field in fields}
    return page_state(path, query, [field.key for field in fields if field.scaled])


def link_note(problems: list[str]):
    """A small note naming the link's settings that were not valid (reset to defaults)."""
    if not problems:
        return None
    return dbc.Alert(
        ["Some settings in the link were not valid and were reset: ", "; ".join(problems)],
        color="info",
        className="mb-2 small",
        dismissable=True,
    )


@dataclass(frozen=True)
class PageLink:
    query: Query
    """The URL's query; when it names no page settings, the page's last settings instead."""
    unchanged: bool
    """The page already shows what the query asks: the router should leave it as it is."""


def page_link(
    path: str, query: dict, named: Callable[[Query], dict[str, str]] | None = None
) -> PageLink:
    """What a page's ``layout(**query)`` should open with (see ``PageLink``)."""
    query = dict(query)
    shown = query.pop(SHOWN, None)
    remembered = query.pop(REMEMBERED, None) or {}
    if not any(key not in VIEW_KEYS for key in query):
        query |= remembered.get(path) or {}
    if named is None or not shown or shown.get("page") != path:
        return PageLink(query, unchanged=False)
    asked = named(query)
    published = shown.get("query") or {}
    return PageLink(query, unchanged=all(published.get(k) == v for k, v in asked.items()))


# --- the address --------------------------------------------------------------------------


def _page_part(query: Query) -> Query:
    return {key: value for key, value in query.items() if key not in VIEW_KEYS}


def changed_on_page(state: dict) -> dict:
    """``state`` (from ``page_state``) as a page's publishing callback returns it: marked with
    a fresh ``edit`` when one of its inputs changed, unmarked when the page has just opened
    (its controls then show what its URL asked for). Call it inside the callback."""
    opened = dash.ctx.triggered_id is None
    return state | {"edit": None if opened else uuid.uuid4().hex}


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
    pushed = bool(page_part) and any(published.get(k) != v for k, v in _page_part(asked).items())
    if pushed and not fresh:
        # the page is not (yet) what its URL names: still opening, or back/forward is about
        # to rebuild it; rewriting the URL now would make the router rebuild it again
        return waiting | consumed
    page_part = published

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
