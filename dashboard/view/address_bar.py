"""The shell's side of shareable links: the callbacks that restore a linked view and keep the
address bar and the "Copy link" button on what is shown (decided in ``dashboard.view.address``).

The shell does not import the pages: the app passes each page's ``named_settings`` by path.
"""

from collections.abc import Callable, Mapping

from dash import Input, Output, State

from dashboard import ids
from dashboard.view.address import address, remember, restore_view
from dashboard.view.state import view_problem
from dashboard.view.url import Query
from dashboard.view.url_settings import REMEMBERED, SHOWN

NamedSettings = Callable[[Query], dict[str, str]]
"""A page's ``named_settings(query)``: the settings a URL names, as the page publishes them."""

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


def register_address_bar(app, services, named_settings: Mapping[str, NamedSettings]) -> None:
    """The address bar's callbacks; ``named_settings`` holds each page's, by its path."""
    named = dict(named_settings)
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
