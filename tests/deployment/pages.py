"""The page callbacks the deployment tests drive over HTTP, as the browser does."""

import json

from algorithms.methods import DEFAULT_COMPARED
from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import compare as compare_ids
from dashboard.ids import personas as persona_ids
from devtools.servers import AppServer
from tests.deployment.dash_http import call, response_outputs

KMEANS = compare_ids.KMEANS


def kmeans_request(server: AppServer, app, k: int, n_init: int = 2, view: dict | None = None):
    """The Compare page's K-Means controls → the panel's request (on the default view unless
    ``view`` is given; tables of 20 000 rows or more get ``"background": True``)."""
    view = view or default_view(app.server.extensions["segmenta"]).as_store()
    response = call(
        server,
        app,
        f"{KMEANS.request}.data",
        {
            f"{shared_ids.VIEW}.data": view,
            f"{compare_ids.METHOD_CHOICE}.value": list(DEFAULT_COMPARED),
            f"{KMEANS.control('n_clusters')}.value": k,
            f"{KMEANS.control('init')}.value": "k-means++",
            f"{KMEANS.control('n_init')}.value": n_init,
        },
    )
    assert response.status_code == 200, response.text
    request = response.json()["response"][KMEANS.request]["data"]
    assert request["params"]["n_clusters"] == k, request
    return request


def kmeans_panel(server: AppServer, app, request: dict, fitted=None) -> tuple[str, dict]:
    """(worker pid, outputs) of the K-Means panel drawn for ``request`` (and the background
    fit's report ``fitted`` for a large table); fails on an alert."""
    values = {f"{KMEANS.request}.data": request, f"{KMEANS.fitted}.data": fitted}
    response = call(server, app, f"{KMEANS.figure}.figure", values)
    assert response.status_code == 200, response.text
    outputs = response.json()["response"]
    assert outputs[KMEANS.alert]["children"] is None, outputs[KMEANS.alert]
    k = request["params"]["n_clusters"]
    assert f"{k} segments" in outputs[KMEANS.note]["children"], outputs[KMEANS.note]
    return response.headers["X-Segmenta-Worker"], outputs


def outage_banner(server: AppServer, app) -> str:
    """The outage banner's content as JSON text ("null" when there is no outage)."""
    response = call(
        server,
        app,
        f"{shared_ids.OUTAGE_BANNER}.children",
        {f"{shared_ids.URL}.pathname": "/compare"},
    )
    assert response.status_code == 200, response.text
    return json.dumps(response.json()["response"][shared_ids.OUTAGE_BANNER]["children"])


def save_persona_set(
    server: AppServer, app, source: dict, name: str, author: str, personas: dict[int, str], base
) -> tuple[str, dict]:
    """The Personas page's Save button: (worker pid, the save callback's outputs).

    ``source`` is what the page edits (view, method, params, seed), ``personas`` the names
    typed into the cards by cluster, ``base`` the loaded set and version (None for a new set).
    """

    def cards(field: str, value) -> list:
        return [({"type": field, "cluster": c}, value(c)) for c in personas]

    response = call(
        server,
        app,
        f"{persona_ids.SAVE_STATUS}.children",
        {
            f"{persona_ids.SAVE}.n_clicks": 1,
            f"{persona_ids.SOURCE}.data": source,
            f"{persona_ids.LOADED}.data": base,
            f"{persona_ids.SET_NAME}.value": name,
            f"{persona_ids.AUTHOR}.value": author,
            f"{persona_ids.NAME}.value": cards(persona_ids.NAME, personas.get),
            f"{persona_ids.DESCRIPTION}.value": cards(persona_ids.DESCRIPTION, lambda c: ""),
            f"{persona_ids.RECOMMENDATION}.value": cards(persona_ids.RECOMMENDATION, lambda c: ""),
            f"{persona_ids.COLOR}.value": cards(persona_ids.COLOR, lambda c: "#1f77b4"),
            f"{persona_ids.TAGS}.value": cards(persona_ids.TAGS, lambda c: ""),
            f"{persona_ids.NAME}.id": cards(
                persona_ids.NAME, lambda c: {"type": persona_ids.NAME, "cluster": c}
            ),
        },
    )
    assert response.status_code == 200, response.text
    return response.headers["X-Segmenta-Worker"], response_outputs(response.json())
