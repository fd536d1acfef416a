"""The address bar follows what is shown, and a pasted link opens the same view.

* each page publishes what it shows into ``ids.PAGE_QUERY`` and restores its controls from
  the query in ``layout`` (``dashboard.view.url_settings``);
* ``restore_view`` sets ``ids.VIEW`` from a URL naming a view (on load, back and forward),
  after checking the table is stored here and has those columns;
* ``address`` decides the canonical URL of the view and the page, and whether it replaces
  the current history entry (arriving, filling in what the URL left out) or adds one (the user
  changed something the URL named); ``dashboard.view.address_bar`` writes it to the address
  bar and to the "Copy link" button, and tells Dash's location components (a ``popstate``
  event);
* the pages router is told (``url_settings.SHOWN``) what the page already shows, so a URL
  that only catches up with the page does not rebuild it (``url_settings.page_link``), while
  back and forward, whose URL differs from what is shown, rebuild it from that URL.

Pages opened from the navbar (no page keys in the URL) reopen with their last settings
(``remember``), except distances in the view's scaled units (eps, cut heights), suggested
afresh per view.
"""

from collections.abc import Callable
from typing import Any

import dash
import dash_bootstrap_components as dbc

from dashboard.view.state import view_problem
from dashboard.view.url import (
    VIEW_KEYS,
    Query,
    parse_search,
    same_view,
    search_text,
    view_from_query,
    view_query,
    without_view,
)


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

    page_part = without_view(current)
    published = without_view(shown["query"])
    asked = named[pathname](current) if pathname in named else {}
    differs = bool(page_part) and any(published.get(k) != v for k, v in without_view(asked).items())
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
