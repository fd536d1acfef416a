"""Gaussian mixture against scikit-learn's run directly: labels, probabilities, prediction of
new customers and the BIC/AIC per k it declares."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError
from algorithms.methods import make_method
from tests.algorithms.helpers import INCOME, SPENDING


@pytest.fixture(scope="module")
def mall_matrix(mall):
    return StandardScaler().fit_transform(mall[["Age", INCOME, SPENDING]])


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_labels_and_probabilities_are_scikit_learns(mall_matrix, covariance_type):
    params = {"n_components": 5, "covariance_type": covariance_type, "random_state": 7}
    ours = make_method("gmm", **params).fit(mall_matrix)
    theirs = GaussianMixture(**params).fit(mall_matrix)

    assert adjusted_rand_score(ours.labels_, theirs.predict(mall_matrix)) == 1.0
    np.testing.assert_allclose(ours.probabilities_, theirs.predict_proba(mall_matrix).max(axis=1))
    counts = np.bincount(ours.labels_)
    assert counts.tolist() == sorted(counts, reverse=True)


def test_predict_on_the_training_table_gives_its_labels(mall_matrix):
    model = make_method("gmm", n_components=4, random_state=1).fit(mall_matrix)

    np.testing.assert_array_equal(model.predict(mall_matrix), model.labels_)
    np.testing.assert_allclose(model.predict_proba(mall_matrix).sum(axis=1), 1.0)


def test_bic_and_aic_per_k_are_scikit_learns(mall_matrix):
    criteria = make_method("gmm").criteria_by_k(
        mall_matrix, [1, 2, 3], {"covariance_type": "diag", "random_state": 2}
    )

    for index, k in enumerate([1, 2, 3]):
        mixture = GaussianMixture(k, covariance_type="diag", random_state=2).fit(mall_matrix)
        assert criteria["BIC"][index] == pytest.approx(mixture.bic(mall_matrix))
        assert criteria["AIC"][index] == pytest.approx(mixture.aic(mall_matrix))


def test_more_components_than_customers_say_what_to_change():
    with pytest.raises(ParameterError, match="5 components needs at least 5 customers"):
        make_method("gmm", n_components=5).fit(np.eye(3))
