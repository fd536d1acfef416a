"""Persona editor, display side: the page is served, the cards show each segment's profile as
scikit-learn computes it, names and colours follow into the scatter, carry-over pre-fills, and
an HTTP round trip through Dash's own endpoint renders the cards."""

import json

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from algorithms.loading import load_sample
from dashboard.app import default_view
from dashboard.ids import personas as ids
from dashboard.pages.personas import (
    editor_outputs,
    entry_source,
    recolored_card,
    restyled_scatter,
)
from dashboard.pages.personas_save import save_outputs
from dashboard.persona_sets import resolve
from dashboard.services.palette import palette_color

FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"]


@pytest.fixture
def view(services):
    return default_view(services).as_store()


def card_header_sizes(cards) -> list[int]:
    return [int(c.children.children[0].children[1].children.split()[1]) for c in cards]


@pytest.mark.parametrize(
    "path", ["/personas", "/personas?method=kmeans&n_clusters=4", "/personas?method=nonsense"]
)
def test_page_is_served(client, path):
    assert client.get(path).status_code == 200


def test_entry_without_query_is_kmeans_five_and_with_query_the_link(view):
    entry = entry_source(view, None)
    assert (entry["method"], entry["params"]) == ("kmeans", {})  # the declared defaults: k=5
    linked = entry_source(view, {"method": "dbscan", "params": {"eps": 0.4, "min_samples": 4}})
    assert (linked["method"], linked["params"]["eps"]) == ("dbscan", 0.4)
    assert entry_source(None, None) is None


def test_cards_show_each_segment_as_scikit_learn_finds_it(services, view):
    source = entry_source(view, {"method": "kmeans", "params": {"n_clusters": 4}})
    cards, figure, traces, summary, report, set_name, alert, disabled = editor_outputs(
        services, source, None
    )
    sample = load_sample()
    matrix = StandardScaler().fit_transform(sample[FEATURES].to_numpy(float))
    reference = KMeans(n_clusters=4, n_init=10, random_state=42).fit(matrix).labels_
    assert sorted(card_header_sizes(cards)) == sorted(np.bincount(reference).tolist())
    assert traces | {"drawn": None} == {"personas": 4, "centroids": 4, "drawn": None}
    assert traces["drawn"][1] == [palette_color(c) for c in range(4)]
    assert [t.marker.color for t in figure.data[:4]] == [palette_color(c) for c in range(4)]
    assert set_name == "Mall customers (sample) · K-Means k=4"
    assert alert == [] and disabled is False and report is None
    assert "choose another segmentation" in json.dumps(summary, default=str)


def test_names_and_colours_are_patched_into_the_scatter(services, view):
    source = entry_source(view, {"method": "kmeans", "params": {"n_clusters": 3}})
    _, _, traces, *_ = editor_outputs(services, source, None)
    patch, renamed = restyled_scatter(
        ["<b>A</b>", "B", "C"], ["#000000", "#111111", "#222222"], traces
    )
    operations = json.dumps(patch.to_plotly_json())
    assert "&lt;b&gt;A&lt;/b&gt;" in operations and "<b>" not in operations
    assert "#111111" in operations
    assert restyled_scatter(["A"], ["#000000"], traces) is not None
    assert restyled_scatter(["A", "B", "C"], ["#0", "#1", "#2"], None)[0].__class__.__name__ == (
        "NoUpdate"
    )
    names, colors = traces["drawn"]  # as the cards appear: drawn so already, nothing to patch
    assert restyled_scatter(names, colors, traces)[0].__class__.__name__ == "NoUpdate"
    # after a rename the map notes it, so going back to the first names patches again
    assert renamed["drawn"] == [["<b>A</b>", "B", "C"], ["#000000", "#111111", "#222222"]]
    back, _ = restyled_scatter(names, colors, renamed)
    assert names[0] in json.dumps(back.to_plotly_json())


def test_a_new_colour_recolours_the_card_and_its_bars():
    style, chart = recolored_card("#123abc")
    assert style == {"borderTop": "6px solid #123abc"}
    assert "#123abc" in json.dumps(chart.to_plotly_json())


def test_carry_over_prefills_names_colours_and_reports(services, view):
    five = entry_source(view, {"method": "kmeans", "params": {"n_clusters": 5}})
    personas = [
        dict(p, name=f"Saved {p['cluster']}", color="#00000" + str(p["cluster"]), tags="")
        for p in resolve(services, five).personas
    ]
    *_, loaded, _, _ = save_outputs(services, five, None, "Base", "ann", personas, as_new=False)
    six = entry_source(view, {"method": "kmeans", "params": {"n_clusters": 6}})

    cards, figure, _, _, report, set_name, alert, _ = editor_outputs(
        services, six, loaded["set_id"], keep_name=True
    )

    names = [c.children.children[1].children[1].value for c in cards]
    assert len(names) == 6 and not alert
    assert sum(name.startswith("Saved ") for name in names) == 6
    assert sum("(part 2)" in name for name in names) == 1
    statuses = [row.children[1].children[0].children for row in report.children[1].children]
    assert statuses.count("split") == 1 and "disappeared" not in statuses
    assert set_name.__class__.__name__ == "NoUpdate"
    carried = [t.marker.color for t in figure.data[:6] if t.name.startswith("Saved ")]
    assert "#000000" in carried


def test_http_round_trip_renders_the_cards(app, client, view):
    key = next(k for k in app.callback_map if f"{ids.CARDS}.children" in k)
    callback = app.callback_map[key]
    values = {
        f"{ids.SOURCE}.data": entry_source(view, {"method": "kmeans", "params": {"n_clusters": 3}}),
        f"{ids.CARRY_FROM}.value": None,
    }
    payload = {
        "output": key,
        "outputs": [
            {"id": o.component_id, "property": o.component_property} for o in callback["output"]
        ],
        "inputs": [i | {"value": values[f"{i['id']}.{i['property']}"]} for i in callback["inputs"]],
        "state": [],
        "changedPropIds": [f"{ids.SOURCE}.data"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    outputs = response.json["response"]
    assert len(outputs[ids.CARDS]["children"]) == 3
    traces = outputs[ids.TRACES]["data"]
    assert (traces["personas"], traces["centroids"], len(traces["drawn"][0])) == (3, 3, 3)
    assert outputs[ids.SAVE]["disabled"] is False
