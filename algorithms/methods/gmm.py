"""Gaussian mixture: each segment a Gaussian, each customer a probability of every segment
(scikit-learn's GaussianMixture); a customer's segment is its most probable one.

Beside the segments it gives two per-k criteria, BIC and AIC (lower is better), which the
Diagnostics page and ``segmenta diagnose`` show beside the elbow. Above ``CRITERIA_MAX_ROWS``
they are computed on a seeded random sample of that many customers.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from algorithms.errors import ParameterError
from algorithms.methods.base import ClusteringMethod, Param, seed_param, segments_param

CRITERIA_MAX_ROWS = 20_000
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class GaussianMixtureMethod(ClusteringMethod):
    name = "gmm"
    label = "Gaussian mixture"
    summary = "Overlapping oval segments; every customer gets a probability of each one."
    params = (
        segments_param("Number of Gaussian components (segments).", name="n_components"),
        Param(
            "covariance_type", str, "full",
            "Shape of each segment: full (any oval), tied (one shared oval), diag (ovals along "
            "the axes), spherical (round).",
            choices=COVARIANCE_TYPES, label="Shape",
        ),
        seed_param("Seed: the same seed gives the same segments."),
    )  # fmt: skip
    controls = ("n_components", "covariance_type")
    centers_are_model = True
    k_param = "n_components"
    criteria = ("BIC", "AIC")
    fewer_segments_advice = "choose fewer components"
    more_segments_advice = "choose more components"

    def _fit(self, matrix: np.ndarray):
        k = self.params_in["n_components"]
        self._require_rows(matrix, k, f"A Gaussian mixture of {k} components")
        self.mixture_ = _fitted_mixture(self.params_in, matrix)
        probabilities = self.mixture_.predict_proba(matrix)
        raw = probabilities.argmax(axis=1)
        self._probabilities = probabilities[np.arange(len(matrix)), raw]
        return raw, self.mixture_.means_

    def _reorder(self, order: np.ndarray) -> None:
        """Components without customers are left out of the segments (and of ``predict``)."""
        self.components_ = order
        self.probabilities_ = self._probabilities

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """The most probable of the fitted segments."""
        probabilities = self.mixture_.predict_proba(np.asarray(matrix, dtype=np.float64))
        return probabilities[:, self.components_].argmax(axis=1).astype(np.int64)

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """Probability of each segment (columns in label order) for every row."""
        probabilities = self.mixture_.predict_proba(np.asarray(matrix, dtype=np.float64))
        return probabilities[:, self.components_]

    def membership_probability(self, matrix: np.ndarray) -> np.ndarray:
        return self.predict_proba(matrix).max(axis=1)

    @classmethod
    def criteria_by_k(cls, matrix, ks, params, progress=None):
        matrix = np.asarray(matrix, dtype=np.float64)
        checked = cls(**params).params_in
        if len(matrix) > CRITERIA_MAX_ROWS:
            rng = np.random.default_rng(checked["random_state"])
            matrix = matrix[rng.choice(len(matrix), CRITERIA_MAX_ROWS, replace=False)]
        by_criterion = {"BIC": [], "AIC": []}
        for done, k in enumerate(ks, start=1):
            if k > len(matrix):
                by_criterion["BIC"].append(float("nan"))
                by_criterion["AIC"].append(float("nan"))
            else:
                mixture = _fitted_mixture(checked | {"n_components": k}, matrix)
                by_criterion["BIC"].append(float(mixture.bic(matrix)))
                by_criterion["AIC"].append(float(mixture.aic(matrix)))
            if progress is not None:
                progress(done, len(ks))
        return by_criterion


def _fitted_mixture(params: dict, matrix: np.ndarray) -> GaussianMixture:
    """A fitted GaussianMixture; a ParameterError when a component collapses onto too few
    distinct customers (scikit-learn's 'ill-defined empirical covariance')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            return GaussianMixture(**params).fit(matrix)
        except ValueError as error:
            raise ParameterError(
                f"A Gaussian mixture of {params['n_components']} components does not fit these "
                f"customers ({str(error).split('.')[0]}): choose fewer components, another "
                "shape, or other features."
            ) from None
