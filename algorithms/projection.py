"""A view of a segmentation on 4 to 20 features: the customers projected on the principal
components of the scaled matrix the fit used, axes titled with the variance they keep, and
each component's loadings, so that the scatter shows the segmentation rather than its first
three features.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

MIN_PROJECTED_FEATURES = 4
MAX_PROJECTED_FEATURES = 20
TOP_LOADINGS = 3


def needs_projection(n_features: int) -> bool:
    """2-3 features are drawn as they are; 4-20 through PCA."""
    return MIN_PROJECTED_FEATURES <= n_features <= MAX_PROJECTED_FEATURES


@dataclass(frozen=True)
class Projection:
    coordinates: np.ndarray
    """One row per customer, one column per component."""
    explained_variance_ratio: np.ndarray
    loadings: pd.DataFrame
    """Features x components (PC1, PC2...): each feature's weight in each component."""

    def axis_titles(self) -> list[str]:
        """'PC1 (34 % of variance)' per component."""
        return [
            f"{name} ({ratio:.0%} of variance)".replace("%", " %")
            for name, ratio in zip(self.loadings.columns, self.explained_variance_ratio,
                                   strict=True)
        ]  # fmt: skip

    def loading_text(self, component: str, n: int = TOP_LOADINGS) -> str:
        """The features weighing most in a component: 'PURCHASES +0.52 · BALANCE -0.31'."""
        weights = self.loadings[component]
        ranked = weights.reindex(weights.abs().sort_values(ascending=False).index).head(n)
        return " · ".join(f"{feature} {weight:+.2f}" for feature, weight in ranked.items())

    @property
    def note(self) -> str:
        kept = float(self.explained_variance_ratio.sum())
        return (
            f"The segments were fitted on all {len(self.loadings)} features; this view projects "
            f"them on {len(self.loadings.columns)} principal components, which keep "
            f"{kept:.0%} of the variance.".replace("%", " %")
        )


def pca_projection(
    matrix: np.ndarray, columns: list[str], n_components: int = 2, seed: int = 0
) -> Projection:
    """The scaled ``matrix`` (the one the fit used, columns named ``columns``) on its first
    ``n_components`` principal components."""
    matrix = np.asarray(matrix, dtype=np.float64)
    n_components = min(n_components, *matrix.shape)
    pca = PCA(n_components=n_components, random_state=seed).fit(matrix)
    names = [f"PC{i + 1}" for i in range(n_components)]
    return Projection(
        coordinates=pca.transform(matrix),
        explained_variance_ratio=pca.explained_variance_ratio_,
        loadings=pd.DataFrame(pca.components_.T, index=list(columns), columns=names),
    )
