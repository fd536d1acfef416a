"""The page callbacks the deployment tests drive over HTTP, as the browser does."""

import json

from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import compare as compare_ids
from tests.deployment.dash_http import call
from tests.deployment.servers import AppServer

KMEANS = compare_ids.KMEANS


def kmeans_request(server: AppServer, app, k: int, n_init: int = 2) -> dict:
    """The Compare page's K-Means controls (on the default view) → the panel's request."""
    view = default_view(app.server.extensions["segmenta"]).as_store()
    response = call(
        server,
        app,
        f"{KMEANS.request}.data",
        {
            f"{shared_ids.VIEW}.data": view,
            f"{KMEANS.control('n_clusters')}.value": k,
            f"{KMEANS.control('init')}.value": "k-means++",
            f"{KMEANS.control('n_init')}.value": n_init,
        },
    )
    assert response.status_code == 200, response.text
    request = response.json()["response"][KMEANS.request]["data"]
    assert request["params"]["n_clusters"] == k and not request["background"], request
    return request


def kmeans_panel(server: AppServer, app, request: dict) -> tuple[str, dict]:
    """(worker pid, outputs) of the K-Means panel drawn for ``request``; fails on an alert."""
    response = call(server, app, f"{KMEANS.figure}.figure", {f"{KMEANS.request}.data": request})
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
