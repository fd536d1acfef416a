"""What the scatter's axes cannot show: a segmentation on 4 to 20 features, drawn on its first
two principal components, and an encoded category, said in words.

Drawing the first three of seventeen features shows nothing of a segmentation fitted on all
of them. The projection is ``algorithms.projection`` on the scaled matrix the fit used (one-hot
columns included); the axes are titled with the variance each component keeps, arrows show how
the features weigh on the two components (a biplot), and the note says the fit used every
feature. Centroids are the projected means of each segment's customers.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from algorithms.methods.base import NOISE
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.projection import Projection, pca_projection
from dashboard.figures import scatter
from dashboard.figures.hover import hover_columns
from dashboard.figures.labels import label

MAX_ARROWS = 6
ARROW_COLOR = "#495057"
ARROW_REACH = 0.8
"""The longest arrow reaches this share of the farthest shown customer."""


def projected_scatter(
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
) -> "scatter.ScatterView":
    """``scatter.feature_scatter`` for 4 to 20 features: the customers on PC1 x PC2."""
    projection = result_projection(result, table, seed)
    titles = projection.axis_titles()
    coordinates = pd.DataFrame(projection.coordinates[:, :2], columns=titles[:2])
    labels = np.asarray(result.labels)
    rows, sample_note = scatter.display_rows(labels, max_points, seed)
    shown = table[np.asarray(result.row_mask, dtype=bool)].iloc[rows]
    figure = scatter.cluster_scatter(
        coordinates.iloc[rows],
        labels[rows],
        names=names if names is not None else scatter.segment_names(result.profile),
        colors=colors,
        hover=hover_columns(shown, keep=scatter.key_columns(table, features)),
        centroids=projected_centroids(coordinates, labels) if show_centroids else None,
        uirevision=uirevision,
    )
    add_loading_arrows(figure, projection, coordinates.iloc[rows].to_numpy())
    note = f"{projection.note} {loadings_note(projection)}"
    return scatter.ScatterView(figure, "; ".join(filter(None, [sample_note, note])))


def result_projection(result, table: pd.DataFrame, seed: int = 0) -> Projection:
    """The principal components of the scaled matrix ``result`` was fitted on (rebuilt from its
    spec: the same features, scaling and encoded category give the same matrix)."""
    spec = result.spec
    prepared = FeaturePreprocessor(
        list(spec["features"]), spec["scaling"], spec.get("categorical")
    ).fit_transform(table)
    return pca_projection(prepared.matrix, prepared.columns, n_components=2, seed=seed)


def projected_centroids(coordinates: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Each segment's mean on the components (PCA is linear: the projection of its mean)."""
    clustered = labels != NOISE
    return coordinates[clustered].groupby(labels[clustered]).mean()


def loadings_note(projection: Projection) -> str:
    """'PC1: PURCHASES +0.52 · BALANCE -0.31 · ...; PC2: ...'."""
    return "; ".join(
        f"{component}: {projection.loading_text(component)}"
        for component in projection.loadings.columns
    )


def add_loading_arrows(figure: go.Figure, projection: Projection, shown: np.ndarray) -> None:
    """An arrow from the origin per feature weighing most on PC1 and PC2 (``MAX_ARROWS``),
    scaled so the longest reaches ``ARROW_REACH`` of the farthest shown customer."""
    loadings = projection.loadings.iloc[:, :2]
    if loadings.shape[1] < 2 or not len(shown):
        return
    length = np.hypot(loadings.iloc[:, 0], loadings.iloc[:, 1])
    strongest = length.sort_values(ascending=False).head(MAX_ARROWS)
    reach = ARROW_REACH * float(np.abs(shown).max()) / max(float(strongest.max()), 1e-12)
    for feature in strongest.index:
        x, y = (float(v) * reach for v in loadings.loc[feature])
        figure.add_annotation(
            x=x,
            y=y,
            ax=0,
            ay=0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text=label(str(feature)),
            showarrow=True,
            arrowhead=2,
            arrowwidth=1.2,
            arrowcolor=ARROW_COLOR,
            font={"size": 10, "color": ARROW_COLOR},
            hovertext=label(
                f"{feature}: PC1 {loadings.loc[feature].iloc[0]:+.2f}, "
                f"PC2 {loadings.loc[feature].iloc[1]:+.2f}"
            ),
        )


def category_note(spec: dict) -> str:
    """With a category encoded, that segments may differ by it, which no axis shows."""
    category = spec.get("categorical")
    if not category:
        return ""
    return (
        f"segments may differ by {category} (one-hot encoded, not drawn): "
        "see its mix in the profiles"
    )
