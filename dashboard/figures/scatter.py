"""The cluster scatter every page draws: customers in feature space, coloured by segment.

Two features give a 2D scatter (SVG up to ``SVG_MAX_POINTS`` points, where it draws faster than
WebGL, ``scattergl`` above), three a rotatable ``Scatter3d`` (more: the first three,
said in the note), one a strip chart. One trace per segment (the first ``MAX_TRACES``; smaller
ones share a trace), so clicking a legend entry hides it; noise is small and grey; centroids are
big X markers; hovering a customer shows its row of the table. Above ``max_points`` customers
a sample stratified by segment is drawn, so small segments stay visible, and the note says how
many are shown. Column names, segment names and cells are drawn as written
(``figures.labels``), never read as plotly's markup.

``feature_scatter(result, table, features)`` draws a ``SegmentationResult``;
``cluster_scatter`` is the same drawing for any points and labels.

Figures are built as plain dicts on a template converted once (``figure_of``): validating each
property through plotly's ``graph_objects`` cost ~90 % of a Compare panel. Hover carries numbers
as numbers (``customdata``, formatted by plotly.js) and only the text columns as text, each
column name escaped once (``figures.hover``).
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from algorithms.methods.base import NOISE
from algorithms.sampling import stratified_sample
from dashboard.figures.colors import cluster_color, cluster_name
from dashboard.figures.hover import HoverColumns, hover_columns
from dashboard.figures.labels import label
from dashboard.figures.legend import place_legend_below

GRAPH_HEIGHT = 420
MAX_AXES = 3
SVG_MAX_POINTS = 3_000
MAX_TRACES = 20
SMALLER_SEGMENTS = "smaller"
SMALLER_COLOR = "#8fa3bf"
# Further out than plotly's default eye (1.25, 1.25, 1.25): the cube then leaves room around
# it for the three axis titles in a third of a wide screen.
SCENE_EYE = {"x": 1.6, "y": 1.6, "z": 0.9}
# Looking a little below the cube's centre lifts it: the titles of the two lower axes get the
# room at the bottom, which the legend below the scene takes.
SCENE_CENTER = {"x": 0, "y": 0, "z": -0.12}
SCENE_TITLE_CHARS = 22
SI_TICKS_FROM = 10_000


@dataclass(frozen=True)
class ScatterView:
    figure: go.Figure
    note: str


def graph_config(filename: str) -> dict:
    """``dcc.Graph(config=...)``: the camera button downloads a PNG named after the view."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def segment_names(profile: pd.DataFrame) -> dict[int, str]:
    """Legend names: the drafted persona label of each segment, 'Noise' for noise."""
    names = dict(zip(profile["cluster"].astype(int), profile["label"], strict=True))
    names.pop(NOISE, None)
    return names


def display_rows(labels: np.ndarray, max_points: int, seed: int = 0) -> tuple[np.ndarray, str]:
    """(positions to draw, note): every row, or a sample stratified by segment above the cap."""
    rows = stratified_sample(np.asarray(labels), max_points, seed)
    if len(rows) == len(labels):
        return rows, ""
    return rows, f"showing {len(rows):,} of {len(labels):,} customers"


def plotted_axes(features: Sequence[str]) -> tuple[list[str], str]:
    """The features drawn as axes (at most three) and a note naming those left out."""
    axes = list(features)[:MAX_AXES]
    if len(features) <= MAX_AXES:
        return axes, ""
    return axes, f"axes: the first {MAX_AXES} of {len(features)} features"


def cluster_scatter(
    points: pd.DataFrame,
    labels: np.ndarray,
    *,
    names: dict[int, str] | None = None,
    colors: dict[int, str] | None = None,
    hover: pd.DataFrame | HoverColumns | None = None,
    centroids: pd.DataFrame | None = None,
    uirevision: str | None = None,
    height: int = GRAPH_HEIGHT,
) -> go.Figure:
    """Points (one to three columns, the axes, in the table's units) coloured by ``labels``.

    ``names``/``colors`` override the segment names (plain text) and colours; ``hover`` holds
    the per-point columns shown on hover (a table of values, or ``hover_columns`` of one;
    default: the axes); ``centroids`` (indexed by segment, the axes among its columns) are
    marked with X. Each segment trace carries ``meta={"cluster": c}`` so callers and tests can
    tell which segment it draws.
    """
    axes = list(points.columns)
    labels = np.asarray(labels)
    if not isinstance(hover, HoverColumns):
        hover = points if hover is None else hover
        hover = hover_columns(hover, keep=list(hover.columns))
    groups = _trace_groups(labels, names, colors)
    kind = "scatter" if len(labels) <= SVG_MAX_POINTS else "scattergl"
    traces = [
        _points_trace(
            points[group.members],
            axes,
            kind=kind,
            name=group.name,
            color=group.color,
            noise=group.key == NOISE,
            meta={"cluster": group.key},
            legendrank=rank + 1,
            y_position=rank,
            **hover.trace_fields(group.members, group.point_names),
        )
        for rank, group in enumerate(groups)
    ]
    if centroids is not None and len(centroids) and len(axes) > 1:
        traces.append(_centroid_trace(centroids, axes, names, colors, kind))
    layout = _layout(points, [group.name for group in groups], uirevision, height)
    return figure_of(traces, place_legend_below(traces, layout))


def figure_of(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts on the shared template, without validating
    each property again: the builders here write only valid properties (the tests check the
    figures they make), and validation was most of a panel's time. The figure still reads as
    a ``go.Figure`` (``figure.data[0].marker.color``) and serialises numbers as base64 arrays."""
    return go.Figure(
        {"data": traces, "layout": {"template": _template()} | layout}, _validate=False
    )


@functools.cache
def _template() -> dict:
    """plotly_white's layout part as a dict, converted once per process (never modified:
    serialising a figure copies it). Its per-trace-type part only styles colour bars, fills
    and error bars, which these figures do not draw; leaving it out makes each figure's
    JSON several kB smaller and quicker to copy."""
    return {"layout": pio.templates["plotly_white"].layout.to_plotly_json()}


def scene_layout(points: pd.DataFrame) -> dict:
    """A 3D scene whose three axis titles and ticks fit a panel a third of the screen wide:
    the camera steps back, the titles are shortened (hover names each column in full), ticks
    are fewer and large values short (``20k``)."""
    return {
        "camera": {"eye": SCENE_EYE, "center": SCENE_CENTER},
        "aspectmode": "cube",
        **{
            f"{key}axis": _scene_axis(column, points[column])
            for key, column in zip("xyz", points.columns, strict=True)
        },
    }


def _scene_axis(column: str, values: pd.Series) -> dict:
    largest = np.nanmax(np.abs(values.to_numpy(dtype=float)), initial=0.0)
    title = column if len(column) <= SCENE_TITLE_CHARS else column[: SCENE_TITLE_CHARS - 1] + "…"
    axis = {
        "title": {"text": label(title), "font": {"size": 11}},
        "nticks": 5,
        "tickfont": {"size": 10},
    }
    if largest >= SI_TICKS_FROM:
        axis["tickformat"] = "~s"
    return axis


@dataclass(frozen=True)
class _TraceGroup:
    key: int | str
    members: np.ndarray
    name: str
    color: str
    point_names: np.ndarray | None = None


def _trace_groups(labels: np.ndarray, names, colors) -> list[_TraceGroup]:
    """One trace per segment up to ``MAX_TRACES``; smaller segments share one muted trace
    (hover still names each point's segment), so a 900-segment DBSCAN stays drawable and
    legible; noise last."""
    segments = sorted(set(labels.tolist()) - {NOISE})
    groups = [
        _TraceGroup(c, labels == c, _segment_name(c, names), cluster_color(c, colors))
        for c in segments[:MAX_TRACES]
    ]
    rest = segments[MAX_TRACES:]
    if rest:
        members = np.isin(labels, rest)
        point_names = np.array([_segment_name(c, names) for c in labels[members].tolist()])
        groups.append(
            _TraceGroup(
                SMALLER_SEGMENTS,
                members,
                f"{len(rest):,} smaller segments",
                SMALLER_COLOR,
                point_names,
            )
        )
    if (labels == NOISE).any():
        noise = labels == NOISE
        groups.append(
            _TraceGroup(NOISE, noise, _segment_name(NOISE, names), cluster_color(NOISE, colors))
        )
    return groups


def feature_scatter(
    result,
    table: pd.DataFrame,
    features: Sequence[str],
    *,
    names: dict[int, str] | None = None,
    colors: dict[int, str] | None = None,
    max_points: int = 20_000,
    show_centroids: bool = False,
    uirevision: str | None = None,
    seed: int = 0,
) -> ScatterView:
    """A ``SegmentationResult``'s customers over ``features`` (the view's numeric features):
    hover shows each customer's row of ``table``, names default to the drafted labels; 2 or
    3 features on their own axes (``figures.segments`` sends 4 to 20 to the projection)."""
    axes, axes_note = plotted_axes(features)
    kept = table[np.asarray(result.row_mask, dtype=bool)]
    rows, sample_note = display_rows(result.labels, max_points, seed)
    shown = kept.iloc[rows]
    points = shown[axes].apply(pd.to_numeric, errors="coerce")
    centroids = result.centroids if show_centroids else None
    figure = cluster_scatter(
        points,
        result.labels[rows],
        names=names if names is not None else segment_names(result.profile),
        colors=colors,
        hover=hover_columns(shown, keep=key_columns(table, features)),
        centroids=centroids,
        uirevision=uirevision,
    )
    return ScatterView(figure, "; ".join(filter(None, [sample_note, axes_note])))


def empty_figure(message: str = "", height: int = GRAPH_HEIGHT) -> go.Figure:
    """A blank plot area with a centred message (while fitting, after an error)."""
    annotation = {
        "text": label(message),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "font": {"color": "#6c757d"},
    }
    return figure_of(
        [],
        {
            "height": height,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "annotations": [annotation] if message else [],
        },
    )


def key_columns(table: pd.DataFrame, features: Sequence[str]) -> list[str]:
    """Columns hover must show however wide the table: the first (the customer's id) and
    the features."""
    first = list(table.columns[:1])
    return list(dict.fromkeys(first + [f for f in features if f in table.columns]))


def _points_trace(points, axes, *, kind, name, color, noise, y_position, **common) -> dict:
    marker = {"color": color, "size": 4 if noise else 7, "opacity": 0.55 if noise else 0.85}
    trace = {"mode": "markers", "name": name, "marker": marker, **common}
    if len(axes) == 3:
        marker["size"] = 2 if noise else 3.5
        x, y, z = (points[a].to_numpy() for a in axes)
        return trace | {"type": "scatter3d", "x": x, "y": y, "z": z}
    if len(axes) == 2:
        x, y = (points[a].to_numpy() for a in axes)
    else:
        x = points[axes[0]].to_numpy()
        jitter = np.random.default_rng(y_position).uniform(-0.3, 0.3, len(x))
        y = y_position + jitter
    return trace | {"type": kind, "x": x, "y": y}


def _centroid_trace(centroids, axes, names, colors, kind) -> dict:
    clusters = [int(c) for c in centroids.index]
    colours = [cluster_color(c, colors) for c in clusters]
    text = [_segment_name(c, names) for c in clusters]
    coordinates = {key: centroids[a].to_numpy() for key, a in zip("xyz", axes, strict=False)}
    values = "<br>".join(
        f"{label(a)}: %{{{key}:,.2f}}" for key, a in zip("xyz", axes, strict=False)
    )
    trace = {
        "mode": "markers",
        "name": "Centroids",
        "text": text,
        "hovertemplate": f"<b>Centre of %{{text}}</b><br>{values}<extra></extra>",
        "legendrank": 1000,
        "meta": {"cluster": "centroids"},
        **coordinates,
    }
    if len(axes) == 3:
        marker = {"symbol": "diamond", "size": 9, "color": colours, "line": {"width": 2}}
        return trace | {"type": "scatter3d", "marker": marker}
    marker = {
        "symbol": "x",
        "size": 18,
        "color": colours,
        "line": {"width": 1.5, "color": "#212529"},
    }
    return trace | {"type": kind, "marker": marker}


def _segment_name(cluster: int, names: dict[int, str] | None) -> str:
    return label(cluster_name(cluster, names))


def _layout(points, trace_names, uirevision, height) -> dict:
    axes = [label(axis) for axis in points.columns]
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 11}},
        "hoverlabel": {"align": "left"},
    }
    if uirevision is not None:
        layout["uirevision"] = uirevision
    if len(axes) == 3:
        layout["scene"] = scene_layout(points)
        layout["legend"]["y"] = 0
    elif len(axes) == 2:
        layout["xaxis"] = {"title": {"text": axes[0]}}
        layout["yaxis"] = {"title": {"text": axes[1]}}
    else:
        layout["xaxis"] = {"title": {"text": axes[0]}}
        layout["yaxis"] = {
            "tickvals": list(range(len(trace_names))),
            "ticktext": trace_names,
            "showgrid": False,
        }
    return layout
