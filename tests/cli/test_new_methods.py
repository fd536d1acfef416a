"""HDBSCAN and the Gaussian mixture through ``segmenta``: segment (labels as scikit-learn's,
the mixture's membership probability), diagnose (BIC and AIC per k) and assign."""

import json

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from algorithms.loading import load_table
from tests.cli.conftest import INCOME, SCORE, assert_one_error_line
from tests.toy_method import registered

FEATURES = [INCOME, SCORE]


def scaled(table) -> np.ndarray:
    return StandardScaler().fit_transform(table[FEATURES].to_numpy(dtype=float))


def segment(segmenta, source, out, *extra):
    run = segmenta("segment", source, "--features", *FEATURES, "--out", out, *extra)
    assert run.code == 0, run.err
    return run


def test_hdbscan_segments_are_scikit_learns(segmenta, shared_data, tmp_path):
    out = tmp_path / "segments.csv"
    run = segment(
        segmenta, shared_data / "Mall_Customers.csv", out,
        "--algorithm", "hdbscan", "--min-cluster-size", "8", "--min-samples", "4",
    )  # fmt: skip
    labelled = load_table(out)
    expected = HDBSCAN(min_cluster_size=8, min_samples=4, copy=True).fit_predict(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    assert ((labelled["Cluster"] == -1) == (expected == -1)).all()
    assert "Probability" not in labelled.columns
    assert "HDBSCAN (min_cluster_size=8, min_samples=4" in run.out


def test_gmm_segments_and_probabilities_are_scikit_learns(segmenta, shared_data, tmp_path):
    out, report = tmp_path / "segments.csv", tmp_path / "report.json"
    segment(
        segmenta, shared_data / "Mall_Customers.csv", out, "--algorithm", "gmm", "--k", "5",
        "--covariance-type", "diag", "--seed", "3", "--report", report,
    )  # fmt: skip
    labelled = load_table(out)
    mixture = GaussianMixture(5, covariance_type="diag", random_state=3).fit(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], mixture.predict(scaled(labelled))) == 1.0
    np.testing.assert_allclose(
        labelled["Probability"], mixture.predict_proba(scaled(labelled)).max(axis=1), rtol=1e-9
    )
    params = json.loads(report.read_text())["params"]
    assert params == {"n_components": 5, "covariance_type": "diag", "random_state": 3}


@pytest.mark.parametrize(
    ("algorithm", "extra"), [("hdbscan", ["--min-cluster-size", "10"]), ("gmm", ["--k", "4"])]
)
def test_a_saved_model_assigns_the_training_customers_as_segment_did(
    segmenta, sample_path, tmp_path, algorithm, extra
):
    segments, model, assigned = (tmp_path / name for name in ("s.csv", "m.joblib", "a.csv"))
    segment(segmenta, sample_path, segments, "--algorithm", algorithm, *extra, "--model", model)
    run = segmenta("assign", model, sample_path, "--out", assigned)
    assert run.code == 0, run.err
    first, again = load_table(segments), load_table(assigned)
    members = first["Cluster"] != -1
    assert (again.loc[members, "Cluster"] == first.loc[members, "Cluster"]).all()
    assert list(again.columns) == list(first.columns)


def test_diagnose_shows_bic_and_aic_per_k_for_the_mixture(segmenta, sample_path, tmp_path):
    json_path = tmp_path / "diagnosis.json"
    run = segmenta(
        "diagnose", sample_path, "--features", *FEATURES, "--k-min", "2", "--k-max", "5",
        "--algorithm", "gmm", "--seed", "4", "--json", json_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    criteria = json.loads(json_path.read_text())["criteria"]
    matrix = scaled(load_table(sample_path))
    for row in criteria["by_k"]:
        mixture = GaussianMixture(row["k"], random_state=4).fit(matrix)
        assert row["BIC"] == pytest.approx(mixture.bic(matrix))
        assert row["AIC"] == pytest.approx(mixture.aic(matrix))
    assert [row["k"] for row in criteria["by_k"]] == [2, 3, 4, 5]
    assert "Gaussian mixture: BIC and AIC per k" in run.out


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--algorithm", "hdbscan", "--eps", "0.5"], "--eps does not apply to hdbscan"),
        (["--algorithm", "gmm", "--covariance-type", "round"], "invalid choice: 'round'"),
        (["--algorithm", "kmeans", "--min-cluster-size", "5"], "it is for hdbscan"),
        (["--algorithm", "hdbscan", "--min-cluster-size", "1"], "--min-cluster-size must be"),
    ],
)
def test_bad_parameters_of_the_new_methods(segmenta, sample_path, tmp_path, extra, expected):
    run = segmenta("segment", sample_path, "--features", *FEATURES, "--out", tmp_path / "o.csv",
                   *extra)  # fmt: skip
    assert_one_error_line(run, expected)


@pytest.fixture
def toy_method():
    """A method no command knows by name, registered for one test."""
    with registered() as name:
        yield name


def test_a_registered_method_is_in_every_command(segmenta, sample_path, tmp_path, toy_method):
    assert "--threshold" in segmenta("segment", "--help").out
    out, model, assigned = tmp_path / "s.csv", tmp_path / "m.joblib", tmp_path / "a.csv"
    segment(segmenta, sample_path, out, "--algorithm", toy_method, "--threshold", "0.5",
            "--model", model)  # fmt: skip
    labelled = load_table(out)
    expected = (scaled(labelled)[:, 0] > 0.5).astype(int)
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    assert segmenta("assign", model, sample_path, "--out", assigned).code == 0
    assert assigned.read_bytes() == out.read_bytes()
    run = segmenta("diagnose", sample_path, "--features", *FEATURES, "--algorithm", toy_method)
    assert run.code == 0, run.err
