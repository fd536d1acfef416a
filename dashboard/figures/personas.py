"""Figures of the persona editor and its report: the customers coloured by persona (the shared
cluster scatter of ``figures.scatter``), a persona against everyone, and the saved centroids
when the customers themselves are gone.

Persona names are the team's free text; plotly renders a few HTML tags in labels, so every
name goes through ``figures.labels.label`` (escaped, shown literally; the shared cluster
scatter escapes the names it is given). Persona traces come in cluster order,
then noise, then the centroids, so the page can restyle trace ``i`` for persona ``i``.
"""

import pandas as pd
import plotly.graph_objects as go

from algorithms.profiling import short_name
from dashboard.figures.labels import label
from dashboard.figures.projection import category_note
from dashboard.figures.scatter import (
    cluster_scatter,
    display_rows,
    empty_figure,
    plotted_axes,
)
from dashboard.figures.segments import segmentation_scatter

PNG_CONFIG = {
    "toImageButtonOptions": {"format": "png", "filename": "segmenta-personas", "scale": 2}
}
MINI_CONFIG = {"displayModeBar": False}


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
        yaxis={"automargin": True, "autorange": "reversed"},
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


def workspace_scatter(workspace, table: pd.DataFrame | None, personas: list[dict], max_points: int):
    """(figure, trace map, note) for the persona editor and its report: the customers of a
    ``persona_sets.Workspace`` coloured by persona (the shared cluster scatter, centroids
    marked), or the saved centroids when the table is gone (``table`` None).

    The trace map says where each persona's trace and the centroid trace are, so names and
    colours can be patched without redrawing."""
    if table is None:
        shares = {int(k): int(v) for k, v in workspace.segmentation.get("sizes", {}).items()}
        total = sum(shares.values()) or 1
        sized = [{**p, "share": shares.get(p["cluster"], 0) / total} for p in personas]
        figure = centroid_figure(workspace.segmentation, sized)
        return figure, {"personas": len(personas), "centroids": None}, ""
    view = segmentation_scatter(
        workspace.result,
        table,
        workspace.view.features,
        names={p["cluster"]: p["name"] for p in personas},
        colors={p["cluster"]: p["color"] for p in personas},
        max_points=max_points,
        show_centroids=True,
        uirevision="personas",
    )
    has_noise = "-1" in workspace.segmentation.get("sizes", {})
    has_centroids = len(workspace.view.features) > 1 and len(workspace.result.centroids) > 0
    centroids = len(personas) + int(has_noise) if has_centroids else None
    note = "; ".join(filter(None, [view.note, category_note(workspace.result.spec)]))
    return view.figure, {"personas": len(personas), "centroids": centroids}, note


def persona_scatter(
    original: pd.DataFrame, labels, personas: list[dict], max_points: int = 20_000
) -> go.Figure:
    """The shared cluster scatter of the features in ``original`` (table units, one row per
    clustered customer) with the personas' names and colours, for reports of saved sets."""
    features = [c for c in original.columns if "=" not in str(c)]
    axes, axes_note = plotted_axes(features)
    rows, sample_note = display_rows(labels, max_points)
    figure = cluster_scatter(
        original[axes].iloc[rows],
        labels[rows],
        names={p["cluster"]: p["name"] for p in personas},
        colors={p["cluster"]: p["color"] for p in personas},
    )
    note = "; ".join(filter(None, [sample_note, axes_note]))
    if note:
        figure.update_layout(title={"text": note, "font": {"size": 12}})
    return figure
