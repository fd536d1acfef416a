"""The k sweep's K-Means fits: scikit-learn's own below the cap; above it, scikit-learn fitted
on the stated random sample with every row assigned to its nearest centre; and the exact
refit of the chosen k."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from algorithms.diagnostics import score_labels, sweep_k
from algorithms.sampling import random_sample
from algorithms.sweep_fits import SweepFits, exact_refit, nearest_centres
from tests.algorithms.helpers import blobs


@pytest.fixture(scope="module")
def five_blobs():
    matrix, _ = blobs(n_samples=2_000, centers=5, cluster_std=1.5, seed=4)
    return matrix


@pytest.mark.parametrize("k", [1, 3, 6])
def test_below_the_cap_each_fit_is_scikit_learns(five_blobs, k):
    fitted = SweepFits.plan(five_blobs, n_init=4, seed=2).fit(k)
    model = KMeans(n_clusters=k, n_init=4, random_state=2).fit(five_blobs)
    np.testing.assert_array_equal(fitted.labels, model.labels_)
    assert fitted.inertia == model.inertia_


@pytest.mark.parametrize("k", [2, 5])
def test_above_the_cap_the_sample_fit_labels_every_row(five_blobs, k):
    fits = SweepFits.plan(five_blobs, n_init=3, seed=1, fit_rows=300)
    assert fits.sampled and "random sample of 300 of 2,000 customers" in fits.note
    fitted = fits.fit(k)
    rows = random_sample(len(five_blobs), 300, seed=1)
    model = KMeans(n_clusters=k, n_init=3, random_state=1).fit(five_blobs[rows])
    np.testing.assert_array_equal(fitted.labels, model.predict(five_blobs))
    squared = ((five_blobs - model.cluster_centers_[fitted.labels]) ** 2).sum()
    assert fitted.inertia == pytest.approx(squared)


def test_nearest_centres_in_blocks_match_the_plain_computation(rng):
    matrix, centres = rng.normal(size=(70_000, 3)), rng.normal(size=(6, 3))
    labels, inertia = nearest_centres(matrix, centres)
    squared = ((matrix[:, None, :] - centres[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(labels, squared.argmin(axis=1))
    assert inertia == pytest.approx(squared.min(axis=1).sum())


def test_a_sampled_sweep_scores_all_rows_and_says_so(five_blobs):
    sweep = sweep_k(five_blobs, 2, 6, seed=0, n_init=2, fit_rows=400)
    assert sweep.fit_rows == 400 and "random sample of 400 of 2,000" in sweep.note
    fits = SweepFits.plan(five_blobs, n_init=2, seed=0, fit_rows=400)
    for row in sweep.table.itertuples():
        fitted = fits.fit(row.k)
        scores = score_labels(five_blobs, fitted.labels)
        assert row.inertia == pytest.approx(fitted.inertia)
        assert row.silhouette == pytest.approx(scores.silhouette)
        assert row.calinski_harabasz == pytest.approx(scores.calinski_harabasz)


def test_an_unsampled_sweep_says_nothing_about_samples(five_blobs):
    sweep = sweep_k(five_blobs, 2, 4, n_init=1)
    assert sweep.fit_rows == len(five_blobs) and "sample" not in sweep.note


def test_the_exact_refit_is_scikit_learns_fit_of_all_rows(five_blobs):
    fits = SweepFits.plan(five_blobs, n_init=3, seed=0, fit_rows=250)
    refit = exact_refit(fits, 5)
    model = KMeans(n_clusters=5, n_init=3, random_state=0).fit(five_blobs)
    assert refit.inertia == model.inertia_
    assert refit.sampled_inertia == pytest.approx(fits.fit(5).inertia)
    assert refit.adjusted_rand == pytest.approx(
        adjusted_rand_score(model.labels_, fits.fit(5).labels)
    )
    assert "refitted exactly on all 2,000 customers" in refit.describe(len(five_blobs))
