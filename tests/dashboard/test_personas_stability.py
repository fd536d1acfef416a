"""Persona cards say how stable each segment is, once the Diagnostics page checked it: before,
no badge and one link to check it there; after, each card the grade and Jaccard of
``services.analysis.stability``; reading it never computes anything."""

import math

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import pytest
from dash import dcc

from algorithms.stability import Stability
from dashboard.pages import diagnostics_link
from dashboard.pages.diagnostics_result import result_of
from dashboard.pages.personas import editor_outputs
from dashboard.pages.personas_cards import stability_badge
from dashboard.persona_sets import live_source
from dashboard.services.analysis import View
from dashboard.view import url
from dashboard.view.result_links import parse_result_query
from tests.dash_helpers import text_of

SINGLE_LINKAGE = {"n_clusters": 3, "linkage": "single"}


@pytest.fixture
def two_squares(services) -> View:
    """Two uniform squares far apart, cut into 3 by single linkage: two stable segments and
    one customer of no distinction split off, whom a resample rarely splits off again."""
    rng = np.random.default_rng(0)
    points = np.vstack([rng.uniform(size=(150, 2)), rng.uniform(size=(150, 2)) + [3, 0]])
    info = services.datasets.put(pd.DataFrame(points, columns=["a", "b"]), "two squares")
    return View(info.dataset_id, ("a", "b"))


def walk(component):
    """Every component in a Dash tree (or a list of them)."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
    elif hasattr(component, "_prop_names"):
        yield component
        yield from walk(getattr(component, "children", None))


def badges(cards) -> dict[int, dbc.Badge]:
    """The stability badge of each card, by its segment."""
    found = {}
    for col in cards:
        card = col.children
        if isinstance(card, dbc.Card):
            (badge,) = [
                b for b in walk(card) if "persona-stability" in (getattr(b, "className", "") or "")
            ] or [None]
            found[card.id["cluster"]] = badge
    return found


def expected_badge(jaccard: float) -> tuple[str, str]:
    shown = math.floor(jaccard * 100) / 100
    if jaccard >= 0.75:
        return f"Stable · {shown:.2f}", "success"
    if jaccard >= 0.5:
        return f"Doubtful · {shown:.2f}", "warning"
    return f"Dissolves · {shown:.2f}", "danger"


def links(summary) -> list[dcc.Link]:
    return [c for c in walk(summary) if isinstance(c, dcc.Link)]


def test_unchecked_segments_have_no_badge_and_one_link_to_check_them(services, two_squares):
    source = live_source(two_squares, "hierarchical", SINGLE_LINKAGE)
    cards, _, _, summary, *_ = editor_outputs(services, source, None)

    assert set(badges(cards).values()) == {None}
    (check,) = [link for link in links(summary) if link.href.startswith("/diagnostics?")]
    assert text_of(check) == "Check how stable these segments are →"
    method, params = parse_result_query(check.href.split("?", 1)[1])
    assert method == "hierarchical"
    assert (params["n_clusters"], params["linkage"]) == (3, "single")


def test_after_the_check_each_card_shows_its_grade_and_jaccard(services, two_squares):
    checked = services.analysis.stability(two_squares, "hierarchical", SINGLE_LINKAGE)
    source = live_source(two_squares, "hierarchical", SINGLE_LINKAGE)
    cards, _, _, summary, *_ = editor_outputs(services, source, None)

    shown = badges(cards)
    assert set(shown) == set(checked.jaccard_by_cluster)
    for cluster, jaccard in checked.jaccard_by_cluster.items():
        text, color = expected_badge(jaccard)
        assert (text_of(shown[cluster]), shown[cluster].color) == (text, color)
        assert "20 bootstrap resamples" in shown[cluster].title
    assert len({expected_badge(j)[1] for j in checked.jaccard_by_cluster.values()}) >= 2
    assert not [link for link in links(summary) if link.href.startswith("/diagnostics")]


def test_a_tree_cut_at_a_height_gets_badges_once_its_link_was_followed(services, two_squares):
    """The link names the cut's k (what Diagnostics checks); the cards then find that check."""
    cut = {"linkage": "single", "distance_threshold": 0.5}
    source = live_source(two_squares, "hierarchical", cut)
    cards, _, _, summary, *_ = editor_outputs(services, source, None)
    assert set(badges(cards).values()) == {None}
    (check,) = [link for link in links(summary) if link.href.startswith("/diagnostics?")]

    values, _ = diagnostics_link.restore(url.parse_search(check.href.split("?", 1)[1]))
    method, params = result_of(values)
    assert method == "hierarchical"
    checked = services.analysis.stability(two_squares, "hierarchical", params)
    cards, *_ = editor_outputs(services, source, None)

    shown = badges(cards)
    assert set(shown) == set(checked.jaccard_by_cluster)
    for cluster, jaccard in checked.jaccard_by_cluster.items():
        assert text_of(shown[cluster]) == expected_badge(jaccard)[0]


def test_the_lookup_never_computes(services, two_squares, computed):
    before = len(computed)
    assert services.analysis.cached_stability(two_squares, "kmeans", {"n_clusters": 2}) is None
    assert len(computed) == before

    checked = services.analysis.stability(two_squares, "kmeans", {"n_clusters": 2})
    source = live_source(two_squares, "kmeans", {"n_clusters": 2})
    editor_outputs(services, source, None)
    before = len(computed)
    editor_outputs(services, source, None)
    cached = services.analysis.cached_stability(two_squares, "kmeans", {"n_clusters": 2})
    assert cached == checked
    assert len(computed) == before


def test_a_cache_outage_means_unchecked(services, two_squares, monkeypatch):
    services.analysis.stability(two_squares, "kmeans", {"n_clusters": 2})

    def unreachable(key):
        raise ConnectionError("cache down")

    monkeypatch.setattr(services.results.cache, "get", unreachable)
    assert services.analysis.cached_stability(two_squares, "kmeans", {"n_clusters": 2}) is None
    assert services.results.healthy is False


@pytest.mark.parametrize(
    ("jaccard", "text"),
    [(0.7499, "Doubtful · 0.74"), (0.75, "Stable · 0.75"), (0.4999, "Dissolves · 0.49")],
)
def test_a_value_just_below_a_threshold_never_reads_as_the_threshold(jaccard, text):
    stability = Stability({0: jaccard}, mean_adjusted_rand=0.8, n_resamples=20, customers=100)
    assert stability_badge(stability, 0).children == text


def test_noise_gets_no_badge(services, two_squares):
    checked = services.analysis.stability(two_squares, "kmeans", {"n_clusters": 2})
    assert stability_badge(checked, -1) is None
    assert stability_badge(None, 0) is None
