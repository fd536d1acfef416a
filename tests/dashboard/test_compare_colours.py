"""Compare's colours (issue 12 item 2): a panel whose result did not change keeps its colours
when another panel changes; the panel that changed takes the colours the others are drawn in,
matched by shared customers (checked against scipy's assignment on the same labels)."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from dashboard.app import default_view
from dashboard.figures.colors import PALETTE
from dashboard.figures.compare import matched_colors
from dashboard.ids import compare as ids
from dashboard.pages.compare_panels import colour_reference, panel_view, segmentation
from tests.dash_helpers import callback_payload
from tests.dashboard.test_compare_page import request_for, segment_traces


@pytest.fixture
def view(services) -> dict:
    return default_view(services).as_store()


def drawn_colours(panel) -> dict[int, str]:
    return {c: t.marker.color for c, t in segment_traces(panel.figure).items() if c != -1}


def best_partners(labels: np.ndarray, reference: np.ndarray) -> dict[int, int]:
    ours, theirs = sorted(set(labels) - {-1}), sorted(set(reference) - {-1})
    overlap = np.array([[np.sum((labels == a) & (reference == b)) for b in theirs] for a in ours])
    rows, cols = linear_sum_assignment(-overlap)
    return {ours[r]: theirs[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c]}


def test_matched_segments_take_the_colours_the_reference_is_drawn_in():
    reference = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    labels = np.array([1, 1, 1, 0, 0, 0, 2, 2, 3])
    drawn_in = {0: "#aaaaaa", 1: "#bbbbbb", 2: "#cccccc"}
    colours = matched_colors(reference, labels, drawn_in)
    assert colours[1] == "#aaaaaa" and colours[0] == "#bbbbbb" and colours[2] == "#cccccc"
    assert colours[3] == PALETTE[0]  # the first palette colour the reference does not use


def test_a_k_change_recolours_only_the_changed_panel(services, view):
    kmeans_request = request_for(services, view, "kmeans")
    dbscan_request = request_for(services, view, "dbscan")
    kmeans = panel_view(services, kmeans_request)
    dbscan = panel_view(services, dbscan_request, None, kmeans_request, kmeans.colors)
    dbscan_before = drawn_colours(dbscan)

    changed = request_for(services, view, "kmeans", n_clusters=6)
    reference = colour_reference(changed, [dbscan.shown], [dbscan.colors])
    assert reference == (dbscan_request, dbscan.colors)
    kmeans_after = drawn_colours(panel_view(services, changed, None, *reference))

    labels = segmentation(services, changed).labels
    partners = best_partners(labels, segmentation(services, dbscan_request).labels)
    assert partners
    for cluster, partner in partners.items():
        assert kmeans_after[cluster] == dbscan_before[partner]
    assert drawn_colours(dbscan) == dbscan_before


def test_another_panels_change_leaves_a_panel_as_it_is(app, services, view):
    """Other panels are only states of a panel's callback, so their change never runs it; the
    same request again leaves it as drawn; its own new request redraws it in the colours the
    other panel is drawn in."""
    kmeans = panel_view(services, request_for(services, view, "kmeans"))
    dbscan_request = request_for(services, view, "dbscan")
    dbscan = panel_view(services, dbscan_request, None, kmeans.shown, kmeans.colors)
    changed = panel_view(services, request_for(services, view, "kmeans", n_clusters=6))
    panel = ids.DBSCAN
    values = {
        f"{panel.request}.data": dbscan_request,
        f"{panel.shown}.data": dbscan.shown,
        f"{ids.KMEANS.shown}.data": changed.shown,
        f"{ids.KMEANS.colors}.data": changed.colors,
    }
    payload = callback_payload(app, f"{panel.figure}.figure", values)
    inputs = {f"{i['id']}.{i['property']}" for i in payload["inputs"]}
    assert inputs == {f"{panel.request}.data", f"{panel.fitted}.data"}

    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 204  # the same request: nothing redrawn, the colours kept

    wider = request_for(services, view, "dbscan", eps=dbscan_request["params"]["eps"] * 1.5)
    values[f"{panel.request}.data"] = wider
    payload = callback_payload(app, f"{panel.figure}.figure", values)
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    traces = response.json["response"][panel.figure]["figure"]["data"]
    redrawn = {t["meta"]["cluster"]: t["marker"]["color"] for t in traces}
    dbscan_labels = segmentation(services, wider).labels
    partners = best_partners(dbscan_labels, segmentation(services, changed.shown).labels)
    assert partners
    for cluster, partner in partners.items():
        assert redrawn[cluster] == changed.colors[str(partner)]


def test_panels_opening_together_take_the_first_earlier_panels_colours(services, view):
    """On opening, no panel is drawn yet: a later panel takes the colours the first earlier
    panel asked for the same view draws in (its own numbers' colours), so all panels draw in
    one round and still correspond."""
    kmeans_request = request_for(services, view, "kmeans")
    dbscan_request = request_for(services, view, "dbscan")
    reference = colour_reference(dbscan_request, [None, None], [None, None], [kmeans_request])
    assert reference == (kmeans_request, None)
    kmeans = panel_view(services, kmeans_request)
    dbscan = panel_view(services, dbscan_request, None, *reference)
    kmeans_colours = drawn_colours(kmeans)
    partners = best_partners(
        segmentation(services, dbscan_request).labels, segmentation(services, kmeans_request).labels
    )
    assert partners
    for cluster, partner in partners.items():
        assert drawn_colours(dbscan)[cluster] == kmeans_colours[partner]
    error = {"view": view, "method": "kmeans", "error": "Enter k", "expected": True}
    assert colour_reference(dbscan_request, [None], [None], [error]) == (None, None)
