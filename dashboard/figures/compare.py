"""Figures of the Compare page: colours shared by corresponding segments, the cross-tab
(segment names drawn as written, see ``figures.labels``)."""

from itertools import cycle

import numpy as np
import plotly.graph_objects as go

from algorithms.diagnostics import Agreement
from algorithms.matching import match_by_overlap
from algorithms.methods.base import NOISE
from dashboard.figures.colors import PALETTE, cluster_color, cluster_name
from dashboard.figures.labels import label

CROSSTAB_HEIGHT = 380


def matched_colors(
    reference: np.ndarray | None,
    labels: np.ndarray,
    reference_colors: dict[int, str] | None = None,
) -> dict[int, str]:
    """A colour per segment of ``labels``: the colour the ``reference`` segment that shares
    most of its customers is drawn in (``reference_colors``; by default the reference's own
    numbers' colours), the palette's next colours the reference does not use for segments
    without a partner. Noise keeps its grey (not in the mapping).

    Only the panel whose result changed is matched again (it takes the colours the others
    are drawn in), so an unchanged panel is never recoloured by another's change."""
    labels = np.asarray(labels)
    clusters = sorted(set(labels.tolist()) - {NOISE})
    if reference is None or len(reference) != len(labels):
        return {c: cluster_color(c) for c in clusters}
    if reference_colors is None:
        reference_colors = {c: cluster_color(c) for c in set(np.unique(reference).tolist())}
    partners = match_by_overlap(reference, labels)
    matched = {c: reference_colors[p] for c, p in partners.items() if p in reference_colors}
    taken = set(reference_colors.values())
    free = (color for color in cycle(PALETTE) if color not in taken)
    unused = len(set(PALETTE) - taken)
    return {
        c: matched[c] if c in matched else next(free) if unused else cluster_color(c)
        for c in clusters
    }


def crosstab_figure(
    agreement: Agreement,
    row_names: dict[int, str],
    column_names: dict[int, str],
    row_title: str,
    column_title: str,
) -> go.Figure:
    """Customers in each pair of segments (rows: one method, columns: the other);
    hover gives the share of the row's segment."""
    table = agreement.contingency
    counts = table.to_numpy()
    row_share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=[_name(c, column_names) for c in table.columns],
            y=[_name(c, row_names) for c in table.index],
            customdata=np.round(row_share * 100, 1),
            text=counts,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hovertemplate=(
                f"{row_title}: %{{y}}<br>{column_title}: %{{x}}<br>"
                "%{z} customers (%{customdata}% of the row)<extra></extra>"
            ),
        )
    )
    figure.update_layout(
        template="plotly_white",
        height=CROSSTAB_HEIGHT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": {"text": column_title}, "type": "category"},
        yaxis={"title": {"text": row_title}, "autorange": "reversed", "type": "category"},
    )
    return figure


def _name(cluster, names: dict[int, str]) -> str:
    return label(cluster_name(int(cluster), names))
