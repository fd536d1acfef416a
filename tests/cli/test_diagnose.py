"""``segmenta diagnose``: the per-k table scikit-learn would give, the recommended k, and an eps
taken from the data's own k-distance curve."""

import json
from functools import partial

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import sweep_k
from algorithms.loading import load_table
from tests.cli.conftest import INCOME, SCORE


@pytest.fixture
def diagnosis(segmenta, sample_path, tmp_path):
    json_path = tmp_path / "diagnosis.json"
    run = segmenta("diagnose", sample_path, "--features", INCOME, SCORE, "--json", json_path)
    assert run.code == 0, run.err
    return run, json.loads(json_path.read_text())


@pytest.fixture
def matrix(sample_path):
    table = load_table(sample_path)
    return StandardScaler().fit_transform(table[[INCOME, SCORE]].to_numpy(dtype=float))


def test_json_scores_match_scikit_learn_for_every_k(diagnosis, matrix):
    _, record = diagnosis
    assert [row["k"] for row in record["k_sweep"]] == list(range(2, 11))
    for row in record["k_sweep"]:
        model = KMeans(n_clusters=row["k"], n_init=10, random_state=0).fit(matrix)
        assert row["inertia"] == pytest.approx(model.inertia_)
        assert row["silhouette"] == pytest.approx(silhouette_score(matrix, model.labels_))
        assert row["calinski_harabasz"] == pytest.approx(
            calinski_harabasz_score(matrix, model.labels_)
        )
        assert row["davies_bouldin"] == pytest.approx(davies_bouldin_score(matrix, model.labels_))


def test_recommends_five_segments_on_the_sample(diagnosis):
    run, record = diagnosis
    assert record["recommended_k"] == 5 and record["knee"] == 5
    best_silhouette = max(record["k_sweep"], key=lambda row: row["silhouette"])["k"]
    assert record["votes"]["silhouette"] == best_silhouette == 5
    assert "Recommended: k=5" in run.out and "Elbow (knee of the inertia curve): k=5" in run.out


def test_printed_table_is_aligned_and_holds_every_k(diagnosis):
    run, record = diagnosis
    lines = run.out.splitlines()
    header = lines.index(next(line for line in lines if line.split()[:2] == ["k", "inertia"]))
    table = lines[header : header + 10]
    assert len({len(line) for line in table}) == 1
    for line, row in zip(table[1:], record["k_sweep"], strict=True):
        k, inertia, silhouette, *_ = line.split()
        assert int(k) == row["k"] and float(inertia) == pytest.approx(row["inertia"], abs=0.01)
        assert float(silhouette) == pytest.approx(row["silhouette"], abs=1e-4)


def test_suggested_eps_is_a_point_on_the_k_distance_curve(diagnosis, matrix):
    run, record = diagnosis
    eps = record["dbscan"]["suggested_eps"]
    assert record["dbscan"]["min_samples"] == 5
    distances, _ = NearestNeighbors(n_neighbors=5).fit(matrix).kneighbors(matrix)
    fifth = np.sort(distances[:, -1])
    assert np.isclose(fifth, eps).any()
    assert fifth[len(fifth) // 2] < eps < fifth[-1]
    assert f"suggested eps {eps:.4g} for min_samples=5" in run.out


def test_k_range_and_min_samples_are_followed(segmenta, sample_path, tmp_path):
    json_path = tmp_path / "diagnosis.json"
    run = segmenta(
        "diagnose", sample_path, "--features", "income", "score", "Age", "--k-min", "1",
        "--k-max", "4", "--min-samples", "8", "--scale", "minmax", "--json", json_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    record = json.loads(json_path.read_text())
    assert [row["k"] for row in record["k_sweep"]] == [1, 2, 3, 4]
    assert record["k_sweep"][0]["silhouette"] is None
    assert record["scaling"] == "minmax" and record["features"][-1] == "Age"
    assert record["dbscan"]["min_samples"] == 8


def test_a_sweep_cut_short_says_where_and_why(segmenta, tmp_path):
    path = tmp_path / "twins.csv"
    path.write_text("x,y\n" + "1,2\n5,9\n" * 4)
    json_path = tmp_path / "diagnosis.json"
    run = segmenta(
        "diagnose", path, "--features", "x", "y", "--k-min", "1", "--k-max", "6",
        "--min-samples", "2", "--json", json_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    note = (
        "Only 2 customers differ in the chosen features, so the curves stop at k = 2 instead of 6."
    )
    assert note in run.out
    record = json.loads(json_path.read_text())
    assert record["note"] == note and [row["k"] for row in record["k_sweep"]] == [1, 2]


def test_three_customers_score_one_k_and_no_agreement_is_claimed(segmenta, tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("Age,Income\n20,30\n40,60\n60,20\n")
    run = segmenta("diagnose", path, "--features", "Age", "Income")
    assert run.code == 0, run.err
    assert "agree." not in run.out
    assert (
        "Recommended: k=2: the only k that could be scored, so there is nothing for the "
        "criteria to agree on: load more customers to compare several k." in run.out
    )


def test_min_samples_follows_the_table_size_unless_given():
    import pandas as pd

    from algorithms.diagnostics import k_distances, suggest_eps, suggest_min_samples
    from algorithms.preprocessing import FeaturePreprocessor
    from dashboard.cli.diagnose import diagnose_table

    rng = np.random.default_rng(4)
    table = pd.DataFrame(rng.normal(size=(5_000, 2)), columns=["a", "b"])
    preprocessor = FeaturePreprocessor(["a", "b"])
    suggested = diagnose_table(table, preprocessor, (2, 3))
    assert suggested.min_samples == suggest_min_samples(5_000, 2) > 5
    matrix = preprocessor.fit_transform(table).matrix
    assert suggested.eps == suggest_eps(k_distances(matrix, suggested.min_samples, 0))
    assert diagnose_table(table, preprocessor, (2, 3), min_samples=7).min_samples == 7


def test_no_exact_refit_when_every_fit_saw_every_customer(diagnosis):
    run, record = diagnosis
    assert record["exact_refit"] is None and "refitted exactly" not in run.out


def test_a_sampled_sweep_says_so_and_refits_the_recommended_k_exactly(
    segmenta, sample_path, matrix, tmp_path, monkeypatch
):
    """The sample cap (100 000 customers) lowered to 80 so that the 200-row sample is over it."""
    monkeypatch.setattr("dashboard.cli.diagnose.sweep_k", partial(sweep_k, fit_rows=80))
    json_path = tmp_path / "diagnosis.json"
    run = segmenta("diagnose", sample_path, "--features", INCOME, SCORE, "--json", json_path)
    assert run.code == 0, run.err
    record = json.loads(json_path.read_text())
    assert "random sample of 80 of 200 customers" in run.out and record["note"] in run.out
    refit = record["exact_refit"]
    assert refit["k"] == record["recommended_k"]
    model = KMeans(n_clusters=refit["k"], n_init=10, random_state=0).fit(matrix)
    assert refit["inertia"] == pytest.approx(model.inertia_)
    assert f"k={refit['k']} refitted exactly on all 200 customers" in run.out
