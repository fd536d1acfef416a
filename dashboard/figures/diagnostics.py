"""Figures of the Diagnostics page: the elbow, the scores against k, the silhouette plot,
bootstrap stability per segment, the k-distance curve and the dendrogram.

Each takes numbers already computed (by ``dashboard.services.analysis``) and only draws them, so the
tests can check a figure against scikit-learn or scipy without running the page.
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy.cluster.hierarchy import dendrogram

from algorithms.diagnostics import KSweep
from algorithms.methods.base import NOISE, relabel, size_order
from algorithms.methods.hierarchical import cut_into
from algorithms.stability import DISSOLVING, STABLE
from dashboard.figures.colors import cluster_color, cluster_name
from dashboard.figures.labels import label

ACCENT = "#dc3545"
ABOVE_CUT_COLOR = "#495057"
STABLE_COLOR = "#198754"
K_AXIS = "Number of segments k"
DENDROGRAM_LEAVES = 30
SCORE_PANELS = (
    ("silhouette", "Silhouette", "higher is better"),
    ("calinski_harabasz", "Calinski-Harabasz", "higher is better"),
    ("davies_bouldin", "Davies-Bouldin", "lower is better"),
)


def _layout(figure: go.Figure, height: int = 360, **layout) -> go.Figure:
    defaults = {
        "template": "plotly_white",
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "legend": {"orientation": "h", "y": -0.25},
    }
    figure.update_layout(defaults | layout)
    return figure


def message_figure(message: str, height: int = 360) -> go.Figure:
    """An empty figure that says why it is empty, in place of a blank or broken chart."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, height)


def elbow_figure(sweep: KSweep) -> go.Figure:
    """Inertia against k, the knee ringed and labelled."""
    table = sweep.table
    figure = go.Figure(
        go.Scatter(
            x=table["k"],
            y=table["inertia"],
            mode="lines+markers",
            name="Inertia",
            hovertemplate="k = %{x}<br>inertia %{y:,.2f}<extra></extra>",
        )
    )
    if sweep.knee is not None:
        inertia = float(table.loc[table["k"] == sweep.knee, "inertia"].iloc[0])
        figure.add_trace(
            go.Scatter(
                x=[sweep.knee],
                y=[inertia],
                mode="markers",
                name=f"Knee (k = {sweep.knee})",
                marker={"symbol": "circle-open", "size": 20, "color": ACCENT, "line_width": 3},
                hovertemplate="knee: k = %{x}<extra></extra>",
            )
        )
        figure.add_annotation(
            x=sweep.knee, y=inertia, text=f"knee: k = {sweep.knee}", ax=40, ay=-40
        )
    figure.update_xaxes(title=K_AXIS, dtick=1)
    figure.update_yaxes(title="Inertia (within-cluster sum of squares)", rangemode="tozero")
    return _layout(figure, title="Elbow curve (K-Means)")


def scores_figure(sweep: KSweep) -> go.Figure:
    """Silhouette, Calinski-Harabasz and Davies-Bouldin against k, best k of each starred."""
    titles = [f"{name}<br><sup>{better}</sup>" for _, name, better in SCORE_PANELS]
    figure = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.09)
    for column_number, (column, score_name, _) in enumerate(SCORE_PANELS, start=1):
        scored = sweep.table.dropna(subset=[column])
        figure.add_trace(
            go.Scatter(
                x=scored["k"],
                y=scored[column],
                mode="lines+markers",
                name=score_name,
                showlegend=False,
                hovertemplate=f"k = %{{x}}<br>{score_name} %{{y:.3f}}<extra></extra>",
            ),
            row=1,
            col=column_number,
        )
        best = sweep.best(column)
        if best is not None:
            figure.add_trace(
                go.Scatter(
                    x=[best],
                    y=[float(scored.loc[scored["k"] == best, column].iloc[0])],
                    mode="markers",
                    name=f"Best {score_name}: k = {best}",
                    showlegend=False,
                    marker={"symbol": "star", "size": 16, "color": ACCENT},
                    hovertemplate=f"best {score_name}: k = %{{x}}<extra></extra>",
                ),
                row=1,
                col=column_number,
            )
        figure.update_xaxes(title=K_AXIS, dtick=1, row=1, col=column_number)
    if sweep.table[[column for column, _, _ in SCORE_PANELS]].isna().all(axis=None):
        figure.add_annotation(
            text="The scores need k of at least 2: widen the k range.",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
    return _layout(figure, 320, margin={"l": 50, "r": 20, "t": 70, "b": 60})


def silhouette_figure(
    labels: np.ndarray,
    values: np.ndarray,
    colors: dict[int, str] | None = None,
    names: dict[int, str] | None = None,
) -> go.Figure:
    """Yellowbrick-style silhouette plot: one filled 'knife' per segment, each customer's
    silhouette sorted within it, the mean as a dashed line; the legend, in the knives' order,
    names each segment as every page does (its drafted label)."""
    labels, values = np.asarray(labels), np.asarray(values, dtype=float)
    mean = float(values.mean())
    gap = max(2, round(len(values) * 0.02))
    figure, start = go.Figure(), 0
    for cluster in np.unique(labels):
        members = np.sort(values[labels == cluster])[::-1]
        rows = start + np.arange(len(members))
        color = cluster_color(int(cluster), colors)
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([[0.0], members, [0.0]]),
                y=np.concatenate([[rows[0]], rows, [rows[-1]]]),
                mode="lines",
                fill="toself",
                fillcolor=color,
                line={"color": color, "width": 0.5},
                name=(
                    f"{segment_label(int(cluster), names)} · {len(members):,} customers · "
                    f"mean {members.mean():.2f}"
                ),
                hoveron="fills",
            )
        )
        start += len(members) + gap
    figure.add_vline(
        x=mean,
        line={"dash": "dash", "color": ACCENT, "width": 2},
        annotation_text=f"mean silhouette {mean:.3f}",
        annotation_position="top",
    )
    figure.update_xaxes(
        title="Silhouette coefficient", range=[min(-0.1, float(values.min()) - 0.05), 1.0]
    )
    figure.update_yaxes(title="Customers by segment", showticklabels=False, autorange="reversed")
    return _layout(figure, 460, legend={"orientation": "h", "y": -0.2})


def stability_figure(
    jaccard_by_cluster: dict[int, float],
    colors: dict[int, str] | None = None,
    names: dict[int, str] | None = None,
) -> go.Figure:
    """One bar per segment: how well it reappears when the customers are resampled (mean
    clusterwise Jaccard, written on the bar: 0.74 next to the 0.75 line is doubtful, not
    stable), against the lines where a segment is stable and where it dissolves."""
    clusters = list(jaccard_by_cluster)
    values = [jaccard_by_cluster[cluster] for cluster in clusters]
    figure = go.Figure(
        go.Bar(
            x=[segment_label(cluster, names) for cluster in clusters],
            y=values,
            text=[jaccard_text(value) for value in values],
            textposition="inside",
            insidetextanchor="end",
            marker_color=[cluster_color(cluster, colors) for cluster in clusters],
            name="Jaccard",
            showlegend=False,
            hovertemplate="%{x}<br>mean Jaccard %{text}<extra></extra>",
        )
    )
    for level, text in ((STABLE, "stable ≥"), (DISSOLVING, "dissolves <")):
        color = ACCENT if level == DISSOLVING else STABLE_COLOR
        figure.add_hline(
            y=level,
            line={"dash": "dash", "color": color},
            annotation_text=f"{text} {level:g}",
            annotation_position="right",
            annotation_font_color=color,
        )
    figure.update_xaxes(title="Segment", type="category")
    figure.update_yaxes(
        title="Mean Jaccard with its best match<br>in a bootstrap resample", range=[0, 1]
    )
    return _layout(figure, 360, margin={"l": 70, "r": 100, "t": 30, "b": 60})


def segment_label(cluster: int, names: dict[int, str] | None) -> str:
    """The segment's name as every page writes it (``names``: the drafted labels or the
    persona names), drawn as written."""
    return label(cluster_name(cluster, names))


def jaccard_text(value: float) -> str:
    """A Jaccard to two decimals, cut rather than rounded: a doubtful 0.7497 reads 0.74, never
    0.75, the threshold of stable."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st..."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if 10 <= number % 100 <= 20 else suffix}"


def k_distance_figure(
    distances: np.ndarray, suggested_eps: float | None, min_samples: int, log_axis: bool = False
) -> go.Figure:
    """Sorted k-distances; the suggested eps (the curve's knee) as a marked line. On a
    ``log_axis`` a long tail (a few isolated customers) no longer flattens the bend."""
    distances = np.asarray(distances, dtype=float)
    order = np.arange(1, len(distances) + 1)
    figure = go.Figure(
        go.Scatter(
            x=order,
            y=distances,
            mode="lines",
            name="k-distance",
            hovertemplate="customer %{x:,}<br>distance %{y:.3f}<extra></extra>",
        )
    )
    if suggested_eps is not None:
        knee = int(np.searchsorted(distances, suggested_eps)) + 1
        figure.add_trace(
            go.Scatter(
                x=[knee],
                y=[suggested_eps],
                mode="markers",
                name=f"Suggested eps = {suggested_eps:.4g}",
                marker={"symbol": "circle-open", "size": 18, "color": ACCENT, "line_width": 3},
            )
        )
        figure.add_hline(
            y=suggested_eps,
            line={"dash": "dash", "color": ACCENT},
            annotation_text=f"suggested eps = {suggested_eps:.4g}",
            annotation_position="top left",
        )
    figure.update_xaxes(title="Customers, sorted by that distance")
    scale = "log scale, " if log_axis else ""
    figure.update_yaxes(
        title=f"Distance to {ordinal(min_samples)} nearest neighbour<br>({scale}scaled units)",
        **({"type": "log"} if log_axis else {"rangemode": "tozero"}),
    )
    return _layout(figure, 460, title=f"k-distance curve (min_samples = {min_samples})")


def node_segments(linkage_matrix: np.ndarray, n_clusters: int) -> np.ndarray:
    """Segment of every node of the tree (leaves, then merges), numbered as the model numbers
    its labels (largest first); ``NOISE`` for the merges above the cut."""
    leaves = cut_into(linkage_matrix, n_clusters)
    segments = np.concatenate(
        [relabel(leaves, size_order(leaves)), np.full(len(linkage_matrix), NOISE)]
    )
    n_leaves = len(leaves)
    for merge, (left, right) in enumerate(linkage_matrix[:, :2].astype(np.int64)):
        if segments[left] == segments[right] != NOISE:
            segments[n_leaves + merge] = segments[left]
    return segments


def dendrogram_figure(
    linkage_matrix: np.ndarray,
    cut_height: float,
    n_clusters: int,
    colors: dict[int, str] | None = None,
    y_title: str = "Merge distance (scaled units)",
    names: dict[int, str] | None = None,
) -> go.Figure:
    """The last merges of the tree, branches below the cut in their segment's colour (the
    legend names each segment), and the cut line; leaves are labelled with how many customers
    each branch holds."""
    segments = node_segments(linkage_matrix, n_clusters)
    n_leaves = len(linkage_matrix) + 1

    def branch_color(node: int) -> str:
        segment = int(segments[node])
        return ABOVE_CUT_COLOR if segment == NOISE else cluster_color(segment, colors)

    def leaf_label(node: int) -> str:
        return "1" if node < n_leaves else f"{int(linkage_matrix[node - n_leaves, 3]):,}"

    tree = dendrogram(
        linkage_matrix,
        truncate_mode="lastp",
        p=DENDROGRAM_LEAVES,
        no_plot=True,
        link_color_func=branch_color,
        leaf_label_func=leaf_label,
    )
    segment_of_color = {
        cluster_color(int(segment), colors): int(segment)
        for segment in np.unique(segments)
        if segment != NOISE
    }
    figure = go.Figure()
    for color in dict.fromkeys(tree["color_list"]):
        links = [i for i, c in enumerate(tree["color_list"]) if c == color]
        segment = segment_of_color.get(color) if color != ABOVE_CUT_COLOR else None
        figure.add_trace(
            go.Scatter(
                x=_with_breaks(tree["icoord"], links),
                y=_with_breaks(tree["dcoord"], links),
                mode="lines",
                line={"color": color, "width": 2},
                name=segment_label(segment, names) if segment is not None else "above the cut",
                showlegend=segment is not None,
                hoverinfo="skip",
            )
        )
    figure.add_hline(
        y=cut_height,
        line={"dash": "dash", "color": ACCENT, "width": 2},
        annotation_text=f"cut: {n_clusters} segment{'s' if n_clusters != 1 else ''}",
        annotation_position="top right",
    )
    ticks = 5 + 10 * np.arange(len(tree["ivl"]))
    figure.update_xaxes(
        title="Customers in each branch",
        tickmode="array",
        tickvals=ticks,
        ticktext=tree["ivl"],
        tickangle=-60,
        showgrid=False,
    )
    figure.update_yaxes(title=y_title, rangemode="tozero")
    return _layout(figure, 420, title=f"Dendrogram (last {len(tree['ivl'])} branches)")


def _with_breaks(coordinates: list[list[float]], links: list[int]) -> list[float | None]:
    """Several ⊓-shaped links in one line trace, separated by gaps (None)."""
    points: list[float | None] = []
    for link in links:
        points.extend([*coordinates[link], None])
    return points


def criteria_figure(ks: list[int], by_criterion: dict[str, list[float]], method_label: str):
    """A method's per-k criteria (lower is better), one line each, the lowest k marked."""
    figure = go.Figure()
    for name, values in by_criterion.items():
        figure.add_trace(go.Scatter(x=ks, y=values, mode="lines+markers", name=name))
        finite = [(value, k) for k, value in zip(ks, values, strict=True) if np.isfinite(value)]
        if finite:
            lowest, at_k = min(finite)
            figure.add_trace(
                go.Scatter(
                    x=[at_k], y=[lowest], mode="markers", marker={"size": 12, "symbol": "star"},
                    name=f"lowest {name}: k = {at_k}",
                )
            )  # fmt: skip
    figure.update_layout(
        title=f"{method_label}: {' and '.join(by_criterion)} per k (lower is better)",
        xaxis_title="k",
        yaxis_title="criterion",
        height=320,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return figure
