"""K-Means: k centroids minimising within-cluster squared distance (scikit-learn's KMeans)."""

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

from algorithms.errors import ParameterError
from algorithms.methods.base import ClusteringMethod, Param, seed_param, segments_param


class KMeansMethod(ClusteringMethod):
    name = "kmeans"
    label = "K-Means"
    summary = "k centres; every customer joins the nearest. Round segments of similar size."
    url_key = "km"
    params = (
        segments_param("Number of segments (k)."),
        Param(
            "init",
            str,
            "k-means++",
            "How the first centroids are placed.",
            choices=("k-means++", "random"),
            label="Initialisation",
        ),
        Param(
            "n_init", int, 10, "Restarts; the best of them is kept.", low=1, high=100,
            label="Restarts",
        ),
        seed_param("Seed: the same seed gives the same segments."),
    )  # fmt: skip
    centers_are_model = True
    k_param = "n_clusters"
    fewer_segments_advice = "choose a smaller k"
    more_segments_advice = "raise k"

    def _fit(self, matrix: np.ndarray):
        k = self.params_in["n_clusters"]
        self._require_rows(matrix, k, f"K-Means with k={k}")
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            try:
                model = KMeans(**self.params_in).fit(matrix)
            except ConvergenceWarning:
                distinct = len(np.unique(matrix, axis=0))
                raise ParameterError(
                    f"K-Means with k={k} needs {k} customers with different values, but only "
                    f"{distinct} differ in the chosen features: lower k to {distinct} or less, "
                    "or choose other features."
                ) from None
        self.inertia_ = float(model.inertia_)
        self.n_iter_ = int(model.n_iter_)
        return model.labels_, model.cluster_centers_
