"""Shareable links without a browser: the view and each page's settings survive the trip
through a URL, a link naming a missing table is refused, and the address bar rules (replace
when arriving, push when the user changes what the URL names) hold."""

import dash
import pandas as pd
import pytest
from dash._pages import _parse_query_string

from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import compare as compare_ids
from dashboard.ids import data as data_ids
from dashboard.ids import diagnostics as diagnostics_ids
from dashboard.ids import personas as personas_ids
from dashboard.pages import compare, data, diagnostics, diagnostics_result, personas
from dashboard.pages.compare_link import published as compare_published
from dashboard.pages.data.view import view_controls
from dashboard.pages.diagnostics_link import published as diagnostics_published
from dashboard.pages.personas_link import published as personas_published
from dashboard.view import address as view_address
from dashboard.view import url
from dashboard.view.address import remember, restore_view
from dashboard.view.url_settings import REMEMBERED, SHOWN
from tests.dash_helpers import callback_payload, text_of

AWKWARD = ["Revenue, € (k)", "Visits & returns", "Âge=years?#1", "a+b %20"]


@pytest.fixture
def awkward_view(services) -> dict:
    table = pd.DataFrame({name: [1.0, 2.0, 3.0, 10.0, 11.0, 12.0] for name in AWKWARD})
    table["Région"] = ["N", "S", "N", "S", "N", "S"]
    info = services.datasets.put(table, "Boutique")
    return {
        "dataset_id": info.dataset_id,
        "features": AWKWARD,
        "scaling": "robust",
        "categorical": "Région",
    }


def controls_of(layout) -> dict:
    return {c.id: c for c in layout._traverse() if isinstance(getattr(c, "id", None), str)}


def as_dash_passes_it(query: dict) -> dict:
    """The query as the pages router hands it to ``layout(**query)``."""
    return _parse_query_string(url.search_text(query))


# --- the view -----------------------------------------------------------------------------


def test_the_view_round_trips_through_a_url(awkward_view):
    search = url.search_text(url.view_query(awkward_view))
    assert search.count("features=") == len(AWKWARD)  # repeated keys: names may hold commas
    assert url.view_from_query(url.parse_search(search)) == awkward_view
    assert url.view_from_query(_parse_query_string(search)) == awkward_view
    two = awkward_view | {"features": AWKWARD[:2], "categorical": None}
    assert url.view_from_query(as_dash_passes_it(url.view_query(two))) == two
    assert url.view_from_query({"features": ["a", "b"]}) is None


def test_a_link_to_a_stored_view_opens_it(services, awkward_view):
    sample = default_view(services).as_store()
    search = url.search_text(url.view_query(awkward_view))
    assert restore_view(services, search, sample, arriving=False) == (awkward_view, None)
    # arriving, the link wins even over an equal view (the tab's stored view may be read later)
    assert restore_view(services, search, awkward_view, arriving=True) == (
        awkward_view,
        None,
    )
    unchanged = restore_view(services, search, awkward_view, arriving=False)
    assert unchanged == (dash.no_update, dash.no_update)
    assert restore_view(services, "?km_n_clusters=4", sample, arriving=True) == (
        dash.no_update,
        dash.no_update,
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"dataset_id": "0123456789abcdef"}, "not stored on this server"),
        ({"dataset_id": "../../etc/passwd"}, "not stored on this server"),
        ({"features": ["Revenue, € (k)", "Income"]}, "'Income'"),
        ({"categorical": "Country"}, "'Country'"),
        ({"features": ["Revenue, € (k)"]}, "fewer than two features"),
        ({"scaling": "quantile"}, "unknown scaling"),
    ],
)
def test_a_link_to_a_view_not_usable_here_is_explained_and_the_view_kept(
    services, awkward_view, change, message
):
    sample = default_view(services).as_store()
    search = url.search_text(url.view_query(awkward_view | change))
    view, alert = restore_view(services, search, sample, arriving=True)
    assert view is dash.no_update
    assert message in text_of(alert)


# --- each page's settings -----------------------------------------------------------------


def test_compare_settings_round_trip(awkward_view):
    controls = {
        "kmeans": {"n_clusters": 4, "init": "random", "n_init": 3},
        "dbscan": {"eps": 0.55, "min_samples": 7},
        "hierarchical": {"linkage": "average", "n_clusters": 6, "distance_threshold": 2.5},
    }
    state = compare_published(
        list(controls), controls, {"hierarchical": "height"}, "dbscan", "kmeans"
    )
    assert state["query"]["km_n_clusters"] == "4" and state["query"]["db_eps"] == "0.55"
    assert "db_eps" not in state["carried"] and "hc_distance_threshold" not in state["carried"]
    query = as_dash_passes_it(url.view_query(awkward_view) | state["query"])
    restored = controls_of(compare.layout(**query))
    for method, values in controls.items():
        for name, value in values.items():
            assert restored[compare_ids.panel(method).control(name)].value == value
    assert restored[compare_ids.HIERARCHICAL.cut_by].value == "height"
    assert restored[compare_ids.CROSSTAB_ROWS].value == "dbscan"
    assert restored[compare_ids.CROSSTAB_COLUMNS].value == "kmeans"
    assert text_of(restored[compare_ids.LINK_NOTE]) == ""


def test_compare_resets_bad_settings_with_a_note_and_keeps_result_links():
    restored = controls_of(compare.layout(km_n_clusters="many", db_min_samples="7"))
    assert restored[compare_ids.KMEANS.control("n_clusters")].value == 5
    assert restored[compare_ids.DBSCAN.control("min_samples")].value == 7
    assert "km_n_clusters" in text_of(restored[compare_ids.LINK_NOTE])
    linked = controls_of(compare.layout(method="dbscan", eps="0.42", min_samples="5"))
    assert linked[compare_ids.DBSCAN.control("eps")].value == 0.42
    assert compare.named_settings({"method": "dbscan", "eps": "0.42", "min_samples": "5"}) == {
        "db_eps": "0.42",
        "db_min_samples": "5",
    }


def test_diagnostics_settings_round_trip():
    chosen = {"sil_km_n_clusters": 4, "sil_db_eps": 0.45, "sil_db_min_samples": 9,
              "sil_hc_linkage": "complete", "sil_gmm_covariance_type": "tied"}  # fmt: skip
    result_values = [
        chosen.get(field.key, field.param.default) for field in diagnostics_result.fields()[1:]
    ]
    values = {"k_range": [2, 12], "controls": ["dbscan", *result_values, 6, "single", 3, 1.75]}
    state = diagnostics_published(values["k_range"], *values["controls"])
    assert state["query"]["k_min"] == "2" and state["query"]["sil_db_eps"] == "0.45"
    restored = controls_of(diagnostics.layout(**as_dash_passes_it(state["query"])))
    assert restored[diagnostics_ids.K_RANGE].value == [2, 12]
    shown = [restored[control].value for control in diagnostics.published_controls()]
    assert shown == values["controls"]


def test_diagnostics_resets_a_range_too_narrow_for_its_slider():
    restored = controls_of(diagnostics.layout(k_min="6", k_max="7", sil_km_n_clusters="3"))
    assert restored[diagnostics_ids.K_RANGE].value == [1, 10]
    assert restored[diagnostics_ids.sil_control("kmeans", "n_clusters")].value == 3
    assert "range of k" in text_of(diagnostics.layout(k_min="6", k_max="7"))


def test_personas_settings_round_trip(services):
    view = default_view(services).as_store()
    live = personas.entry_source(view, {"method": "dbscan", "params": {"eps": 0.4}})
    query = personas_published(live, None)["query"]
    assert query["method"] == "dbscan" and query["eps"] == "0.4"
    store = controls_of(personas.layout(**as_dash_passes_it(query)))[personas_ids.QUERY].data
    assert personas.entry_source(view, store)["params"] == live["params"] | {"min_samples": 5}

    saved = personas_published(live, {"set_id": 3, "version": 2, "name": "Team"})["query"]
    assert saved == {"set": "3", "version": "2"}
    store = controls_of(personas.layout(**as_dash_passes_it(saved)))[personas_ids.QUERY].data
    assert personas.entry_source(view, store) == {"set_id": 3, "version": 2}
    latest = controls_of(personas.layout(set="3"))[personas_ids.QUERY].data
    assert personas.entry_source(None, latest) == {"set_id": 3, "version": None}
    assert "set" in text_of(personas.layout(set="three"))


def test_the_data_page_opens_the_view_its_url_names(services, awkward_view):
    sample = default_view(services).as_store()
    query = as_dash_passes_it(data.published(awkward_view)["query"])
    assert data.published(awkward_view)["carried"] == {}  # the navbar opens the current view
    linked = controls_of(data.layout(**query))[data_ids.LINKED_VIEW].data
    assert linked == awkward_view
    opened = view_controls(services, None, sample, linked=linked)
    assert opened.store == awkward_view and opened.features == AWKWARD
    missing = view_controls(services, None, sample, linked=linked | {"dataset_id": "0" * 16})
    assert missing.dataset == sample["dataset_id"]


# --- what the router and the address bar do -----------------------------------------------


def address(view, shown, search, previous=None, pathname="/compare"):
    return view_address.address(
        view,
        shown,
        pathname,
        search,
        previous,
        usable=lambda linked: linked["dataset_id"] != "gone",
        named={"/compare": compare.named_settings, "/data": data.named_settings},
    )


def compare_state(k: int, eps=0.3, edit: str | None = None) -> dict:
    """The Compare page's published state with K-Means at ``k`` and DBSCAN at ``eps``."""
    controls = {
        "kmeans": {"n_clusters": k, "init": "k-means++", "n_init": 10},
        "dbscan": {"eps": eps, "min_samples": 5},
        "hierarchical": {"linkage": "ward", "n_clusters": 5, "distance_threshold": None},
    }
    state = compare_published(
        list(controls), controls, {"hierarchical": "count"}, "kmeans", "hierarchical"
    )
    return state | {"edit": edit}


def test_the_router_keeps_a_page_that_already_shows_the_url():
    state = compare_state(4, eps=None)
    routed = {SHOWN: state, REMEMBERED: None}
    assert compare.layout(**state["query"], **routed) is dash.no_update
    assert compare.layout(**(state["query"] | {"km_n_clusters": "3"}), **routed) is not (
        dash.no_update
    )
    # a blank eps asks for a suggestion: a page showing one still shows that URL
    suggested = state | {"query": state["query"] | {"db_eps": "0.31"}}
    assert compare.layout(**state["query"], **{SHOWN: suggested}) is dash.no_update
    elsewhere = state | {"page": "/diagnostics"}
    assert compare.layout(**state["query"], **{SHOWN: elsewhere}) is not dash.no_update


def test_the_navbar_reopens_a_page_with_its_last_settings():
    remembered = {"/compare": {"km_n_clusters": "7"}}
    page = compare.layout(**{SHOWN: None, REMEMBERED: remembered})
    assert controls_of(page)[compare_ids.KMEANS.control("n_clusters")].value == 7
    linked = compare.layout(km_n_clusters="3", **{REMEMBERED: remembered})
    assert controls_of(linked)[compare_ids.KMEANS.control("n_clusters")].value == 3


def test_arriving_fills_the_address_in_place(awkward_view):
    view_only = url.search_text(url.view_query(awkward_view))
    arrived = address(awkward_view, compare_state(5), "")
    assert arrived["mode"] == "replace"
    assert url.parse_search(arrived["search"]) == url.parse_search(view_only) | {
        key: value for key, value in compare_state(5)["query"].items()
    }
    assert address(awkward_view, compare_state(5), arrived["search"])["mode"] is None
    # a result link is rewritten in the canonical form, in place
    legacy = address(awkward_view, compare_state(5), "?method=kmeans&n_clusters=5")
    assert legacy["mode"] == "replace" and "km_n_clusters=5" in legacy["search"]
    # an eps suggested by the page fills a blank one in place
    blank = address(awkward_view, compare_state(5, None), "")["search"]
    suggested = address(awkward_view, compare_state(5, 0.31, edit="e1"), blank)
    assert suggested["mode"] == "replace" and "db_eps=0.31" in suggested["search"]


def test_nothing_is_written_before_the_open_page_publishes(awkward_view):
    left_behind = compare_state(5) | {"page": "/data"}
    waiting = address(awkward_view, left_behind, "?km_n_clusters=3", pathname="/compare")
    assert waiting["mode"] is None and waiting["search"] == "?km_n_clusters=3"
    # a page that has opened but does not show its URL yet (back/forward rebuilds it)
    assert address(awkward_view, compare_state(5), "?km_n_clusters=3")["mode"] is None


def test_a_change_on_the_page_adds_a_history_entry_once(awkward_view):
    five = address(awkward_view, compare_state(5), "")["search"]
    four = address(awkward_view, compare_state(4, edit="e1"), five)
    assert four["mode"] == "push" and "km_n_clusters=4" in four["search"]
    assert four["consumed"] == "e1"
    # a later run that still sees the old address leaves it alone (the push is on its way)
    assert address(awkward_view, compare_state(4, edit="e1"), five, four)["mode"] is None


def test_a_view_chosen_on_the_data_page_adds_a_history_entry(services, awkward_view):
    sample = default_view(services).as_store()
    awkward = url.search_text(url.view_query(awkward_view))
    chosen = data.published(sample) | {"edit": "e2"}
    pushed = address(sample, chosen, awkward, pathname="/data")
    assert pushed["mode"] == "push"
    assert url.view_from_query(url.parse_search(pushed["search"])) == sample
    # on another page, a view that differs from the URL's is one being restored from it
    five = address(awkward_view, compare_state(5), "")["search"]
    assert address(sample, compare_state(5, edit="e3"), five)["mode"] is None


def test_a_half_restored_back_step_leaves_the_address_alone(services, awkward_view):
    """Back from (sample, k=4) to (awkward, k=5): the view and the page are restored one after
    the other, in either order; neither half-way state may write the other's old half."""
    five = address(awkward_view, compare_state(5), "")["search"]
    sample = default_view(services).as_store()
    done = {"consumed": "e1"}
    assert address(sample, compare_state(4, edit="e1"), five, done)["mode"] is None
    assert address(awkward_view, compare_state(4, edit="e1"), five, done)["mode"] is None
    assert address(sample, compare_state(5), five, done)["mode"] is None
    assert address(awkward_view, compare_state(5), five, done)["mode"] is None


def test_a_link_to_a_missing_table_is_replaced_by_the_view_shown(services, awkward_view):
    gone = url.search_text(url.view_query(awkward_view | {"dataset_id": "gone"}))
    fixed = address(awkward_view, compare_state(5), gone)
    assert fixed["mode"] == "replace"
    assert url.view_from_query(url.parse_search(fixed["search"])) == awkward_view


def test_the_navbar_memory_follows_the_open_page():
    state = compare_state(4)
    remembered = remember({"/data": {}}, state, "/compare")
    assert remembered == {"/data": {}, "/compare": state["carried"]}
    assert remember(remembered, state, "/compare") is dash.no_update
    assert remember(remembered, state, "/personas") is dash.no_update


# --- over HTTP ----------------------------------------------------------------------------


def test_http_a_link_sets_the_view_and_the_address_follows(app, client, services, awkward_view):
    sample = default_view(services).as_store()
    search = url.search_text(url.view_query(awkward_view))
    values = {"url.search": search, "view.data": sample, "share-address.data": None}
    response = client.post(
        "/_dash-update-component", json=callback_payload(app, "page-alert.children", values)
    )
    assert response.status_code == 200
    assert response.json["response"][shared_ids.VIEW]["data"] == awkward_view

    values = {
        "view.data": awkward_view,
        "page-query.data": compare_state(4),
        "url.pathname": "/compare",
        "url.search": search,
        "share-address.data": None,
    }
    response = client.post(
        "/_dash-update-component", json=callback_payload(app, "nav-queries.data", values)
    )
    outputs = response.json["response"]
    assert outputs[shared_ids.SHARE_ADDRESS]["data"]["mode"] == "replace"
    assert "km_n_clusters=4" in outputs[shared_ids.SHARE_ADDRESS]["data"]["search"]
    assert outputs[shared_ids.NAV_QUERIES]["data"] == {"/compare": compare_state(4)["carried"]}


def test_http_the_router_leaves_a_page_that_shows_its_url(app, client):
    client.get("/compare")  # the pages router is set up on the first request
    state = compare_state(4)
    values = {
        "_pages_location.pathname": "/compare",
        "_pages_location.search": url.search_text(state["query"]),
        "page-query.data": state,
    }
    response = client.post(
        "/_dash-update-component", json=callback_payload(app, "_pages_content.children", values)
    )
    assert "_pages_content" not in response.json["response"]
    values["_pages_location.search"] = url.search_text(compare_state(3)["query"])
    response = client.post(
        "/_dash-update-component", json=callback_payload(app, "_pages_content.children", values)
    )
    assert "compare-page" in str(response.json["response"]["_pages_content"]["children"])
