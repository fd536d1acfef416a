"""One name per segment (issue 12 item 3): the silhouette plot, the stability verdict, the
dendrogram and the persona cards call a segment what Compare calls it, its drafted label (or
the persona's name), never "Segment 2"."""

import pytest

from dashboard.app import default_view
from dashboard.pages.diagnostics_panels import dendrogram_outputs, silhouette_outputs
from dashboard.pages.personas_cards import persona_card
from dashboard.services.analysis import View

KMEANS5 = {"n_clusters": 5, "init": "k-means++", "n_init": 10}


@pytest.fixture
def view(services) -> dict:
    return default_view(services).as_store()


def drafted(services, view, method, params) -> dict[int, str]:
    profile = services.analysis.segmentation(View.from_store(view), method, params).profile
    return dict(zip(profile["cluster"].astype(int), profile["label"], strict=True))


def test_the_silhouette_plot_names_each_knife_by_its_drafted_label(services, view):
    _, figure, _ = silhouette_outputs(services, view, "kmeans", KMEANS5)
    names = drafted(services, view, "kmeans", KMEANS5)
    assert len(names) == 5
    legend = [trace.name.rsplit(" · ", 2)[0] for trace in figure.data]
    assert sorted(legend) == sorted(names.values())
    assert not any("Segment" in name for name in legend)


def test_the_dendrogram_legend_names_the_segments_below_the_cut(services, view):
    params = {"n_clusters": 4, "linkage": "ward", "distance_threshold": None}
    _, figure, _ = dendrogram_outputs(services, view, "ward", 4, None)
    names = drafted(services, view, "hierarchical", params)
    shown = [trace.name for trace in figure.data if trace.showlegend]
    assert sorted(shown) == sorted(names.values())


def test_a_persona_card_is_headed_by_the_persona_name():
    persona = {"cluster": 2, "name": "Careful savers", "color": "#2ca02c", "tags": []}
    persona |= {"description": "", "recommendation": ""}
    segmentation = {"sizes": {"2": 40, "0": 60}, "profiles": [], "features": []}
    for read_only in (False, True):
        card = persona_card(persona, segmentation, read_only)
        header = card.children.children[0].children
        assert header[0].children == "Careful savers"
        assert "40 customers" in header[1].children
