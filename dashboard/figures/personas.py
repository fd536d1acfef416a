"""Figures of the persona editor and its report: the customers coloured by persona, a persona
against everyone, and the saved centroids when the customers themselves are gone.

Persona names are the team's free text; plotly renders a few HTML tags in labels, so every
name goes through ``label`` (escaped, shown literally). Traces follow the order of the
``personas`` list, noise last, so the page can restyle trace ``i`` for persona ``i``.
"""

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from algorithms.methods.base import NOISE
from algorithms.profiling import short_name
from algorithms.sampling import stratified_sample
from dashboard.figures.colors import NOISE_COLOR

PNG_CONFIG = {
    "toImageButtonOptions": {"format": "png", "filename": "segmenta-personas", "scale": 2}
}
MINI_CONFIG = {"displayModeBar": False}


def label(text: str) -> str:
    """Text plotly shows as written (its label markup is HTML-like)."""
    return html.escape(str(text), quote=False)


def empty_figure(message: str = "") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        annotations=[{"text": label(message), "showarrow": False, "font": {"size": 14}}]
        if message
        else [],
    )
    return figure


def persona_scatter(
    original: pd.DataFrame,
    labels: np.ndarray,
    personas: list[dict],
    x: str,
    y: str | None = None,
    max_points: int = 20_000,
    seed: int = 0,
) -> go.Figure:
    """Customers on two features (or one, spread vertically), one trace per persona."""
    labels = np.asarray(labels)
    shown = stratified_sample(labels, max_points, seed)
    points, point_labels = original.iloc[shown], labels[shown]
    jitter = np.random.default_rng(seed).uniform(0, 1, len(points))
    y_values = points[y].to_numpy() if y else jitter
    figure = go.Figure()
    groups = [(p["cluster"], p["name"], p["color"]) for p in personas]
    if (labels == NOISE).any():
        groups.append((NOISE, "Noise", NOISE_COLOR))
    for cluster, name, color in groups:
        members = point_labels == cluster
        figure.add_trace(
            go.Scattergl(
                x=points[x].to_numpy()[members],
                y=y_values[members],
                mode="markers",
                name=label(name),
                marker={"color": color, "size": 7, "opacity": 0.8},
                hovertemplate=f"{label(x)}: %{{x}}"
                + (f"<br>{label(y)}: %{{y}}" if y else "")
                + "<extra>%{fullData.name}</extra>",
            )
        )
    title = ""
    if len(shown) < len(labels):
        title = f"showing {len(shown):,} of {len(labels):,} customers"
    figure.update_layout(
        template="plotly_white",
        title={"text": title, "font": {"size": 12}},
        xaxis_title=label(x),
        yaxis_title=label(y) if y else "",
        yaxis={"showticklabels": bool(y)},
        legend={"title": {"text": "Persona"}},
        margin={"l": 50, "r": 10, "t": 40, "b": 50},
        height=460,
    )
    return figure


def profile_bars(profile: dict, population: dict, features: list[str], color: str) -> go.Figure:
    """How far the persona's mean of each feature is from everyone's, in standard deviations;
    the hover gives both means in the feature's units."""
    names, offsets, texts = [], [], []
    for feature in features:
        mean = profile.get(f"mean {feature}")
        overall = population.get("mean", {}).get(feature)
        spread = population.get("std", {}).get(feature) or 0.0
        if mean is None or overall is None:
            continue
        names.append(label(short_name(feature)))
        offsets.append((mean - overall) / spread if spread > 0 else 0.0)
        texts.append(f"{mean:,.1f} vs {overall:,.1f} (everyone)")
    figure = go.Figure(
        go.Bar(
            x=offsets,
            y=names,
            orientation="h",
            marker={"color": color},
            customdata=texts,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    limit = max([1.5, *(abs(o) for o in offsets)])
    figure.update_layout(
        template="plotly_white",
        height=40 + 28 * max(len(names), 1),
        margin={"l": 10, "r": 10, "t": 4, "b": 30},
        xaxis={"range": [-limit * 1.1, limit * 1.1], "zeroline": True, "zerolinecolor": "#888"},
        xaxis_title={"text": "vs everyone (std. dev.)", "font": {"size": 10}},
        yaxis={"automargin": True},
        showlegend=False,
    )
    return figure


def centroid_figure(segmentation: dict, personas: list[dict]) -> go.Figure:
    """The saved personas as bubbles at their centroids (sized by share), when the customers
    themselves are no longer stored."""
    features = list(segmentation.get("features", []))
    centroids = segmentation.get("centroids", {})
    if not features or not centroids:
        return empty_figure("No saved centroids")
    x, y = features[0], features[1] if len(features) > 1 else None
    figure = go.Figure()
    for persona in personas:
        centre = centroids.get(str(persona["cluster"]), {})
        figure.add_trace(
            go.Scatter(
                x=[centre.get(x)],
                y=[centre.get(y) if y else 0.5],
                mode="markers",
                name=label(persona["name"]),
                marker={
                    "color": persona["color"],
                    "size": 20 + 80 * float(persona.get("share", 0)),
                    "opacity": 0.8,
                },
            )
        )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Persona centroids (bubble size: share of customers)", "font": {"size": 12}},
        xaxis_title=label(x),
        yaxis_title=label(y) if y else "",
        legend={"title": {"text": "Persona"}},
        height=460,
    )
    return figure
