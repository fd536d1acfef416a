"""``segmenta segment``: every input row back, untouched, with its cluster and persona, and the
same clusters scikit-learn finds on the same scaled features."""

import csv
import json

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler

import algorithms.methods.dbscan as dbscan_module
from algorithms.loading import load_table
from algorithms.methods import make_method
from algorithms.stability import bootstrap_stability
from tests.cli.conftest import INCOME, SCORE

FEATURES = [INCOME, SCORE]


def scaled(table: pd.DataFrame, features=FEATURES) -> np.ndarray:
    return StandardScaler().fit_transform(table[features].to_numpy(dtype=float))


def segment(segmenta, source, out, *extra):
    run = segmenta("segment", source, "--features", *FEATURES, "--out", out, *extra)
    assert run.code == 0, run.err
    return run


def test_kmeans_on_the_sample_matches_scikit_learn(segmenta, sample_path, tmp_path):
    out = tmp_path / "segments.csv"
    run = segment(segmenta, sample_path, out, "--algorithm", "kmeans", "--k", "5")
    original, labelled = load_table(sample_path), load_table(out)
    assert list(labelled.columns) == [*original.columns, "Cluster", "Persona"]
    pd.testing.assert_frame_equal(labelled[original.columns], original)
    expected = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled(original))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    assert "5 segments" in run.out and str(out) in run.out


def test_the_real_mall_file_keeps_every_value_byte_for_byte(segmenta, shared_data, tmp_path):
    source, out = shared_data / "Mall_Customers.csv", tmp_path / "segments.csv"
    segment(segmenta, source, out, "--algorithm", "kmeans", "--k", "5")
    input_lines = source.read_bytes().split(b"\r\n")
    output_lines = out.read_bytes().split(b"\n")
    assert output_lines[0] == (
        b"CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),Cluster,Persona"
    )
    data_rows = [line for line in input_lines[1:] if line]
    assert len(data_rows) == 200 and data_rows[0].startswith(b"0001,")
    for input_row, output_row in zip(data_rows, output_lines[1:], strict=False):
        assert output_row.startswith(input_row + b",")
    labelled = load_table(out)
    expected = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    assert labelled["CustomerID"].iloc[0] == "0001"


def test_every_cell_of_a_table_with_gaps_is_written_back_as_it_was(segmenta, shared_data, tmp_path):
    source, out = shared_data / "CC GENERAL.csv", tmp_path / "segments.csv"
    run = segmenta(
        "segment", source, "--features", "BALANCE", "CREDIT_LIMIT", "MINIMUM_PAYMENTS",
        "--algorithm", "kmeans", "--k", "3", "--out", out,
    )  # fmt: skip
    assert run.code == 0, run.err
    with source.open(newline="") as original, out.open(newline="") as written:
        original_rows, written_rows = list(csv.reader(original)), list(csv.reader(written))
    assert len(written_rows) == len(original_rows) == 8951
    width = len(original_rows[0])
    assert [row[:width] for row in written_rows] == original_rows
    gaps = [row for row in written_rows[1:] if row[width] == ""]
    assert len(gaps) == 314 and all(row[width + 1] == "" for row in gaps)


def test_dbscan_noise_and_clusters_match_scikit_learn(segmenta, shared_data, tmp_path):
    out = tmp_path / "segments.csv"
    segment(
        segmenta, shared_data / "Mall_Customers.csv", out,
        "--algorithm", "dbscan", "--eps", "0.3", "--min-samples", "5",
    )  # fmt: skip
    labelled = load_table(out)
    expected = DBSCAN(eps=0.3, min_samples=5).fit_predict(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    assert ((labelled["Cluster"] == -1) == (expected == -1)).all()
    assert (labelled.loc[labelled["Cluster"] == -1, "Persona"] == "Noise").all()


@pytest.mark.parametrize("linkage", ["ward", "average"])
def test_hierarchical_matches_scikit_learn(segmenta, shared_data, tmp_path, linkage):
    out = tmp_path / "segments.csv"
    segment(
        segmenta, shared_data / "Mall_Customers.csv", out,
        "--algorithm", "hierarchical", "--k", "5", "--linkage", linkage,
    )  # fmt: skip
    labelled = load_table(out)
    expected = AgglomerativeClustering(n_clusters=5, linkage=linkage).fit_predict(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0


def test_a_tree_cut_at_a_height_shows_the_height_not_an_unused_k(segmenta, sample_path, tmp_path):
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    run = segment(
        segmenta, sample_path, out, "--algorithm", "hierarchical", "--distance-threshold", "3",
        "--report", report_path,
    )  # fmt: skip
    labelled = load_table(out)
    expected = fcluster(linkage(scaled(labelled), method="ward"), t=3, criterion="distance")
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0
    first_line = run.out.splitlines()[0]
    assert "linkage=ward, cut at height 3," in first_line and "n_clusters" not in first_line
    assert f": {len(set(expected))} segments" in first_line
    report = json.loads(report_path.read_text())
    assert "n_clusters" not in report["params"] and report["params"]["distance_threshold"] == 3
    assert report["cut"] == "cut at height 3"


def test_report_holds_parameters_metrics_sizes_and_profiles(segmenta, sample_path, tmp_path):
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    segment(
        segmenta, sample_path, out, "--algorithm", "kmeans", "--k", "4", "--seed", "7",
        "--report", report_path,
    )  # fmt: skip
    report = json.loads(report_path.read_text())
    labelled = load_table(out)
    matrix, labels = scaled(labelled), labelled["Cluster"].to_numpy()
    assert report["method"] == "kmeans" and report["features"] == FEATURES
    assert report["params"]["n_clusters"] == 4 and report["params"]["random_state"] == 7
    metrics = report["metrics"]
    assert metrics["n_clusters"] == 4 and metrics["n_noise"] == 0
    assert metrics["silhouette"] == pytest.approx(silhouette_score(matrix, labels))
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(matrix, labels))
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(matrix, labels))
    assert report["sizes"] == {
        str(c): int(n) for c, n in labelled["Cluster"].value_counts().items()
    }
    assert [p["cluster"] for p in report["profiles"]] == [0, 1, 2, 3]
    for profile in report["profiles"]:
        members = labelled[labelled["Cluster"] == profile["cluster"]]
        assert profile[f"mean {INCOME}"] == pytest.approx(members[INCOME].mean(), abs=1e-6)
        assert report["personas"][str(profile["cluster"])] == profile["label"]
        assert (members["Persona"] == profile["label"]).all()
    assert report["n_dropped_missing"] == 0 and report["note"] == ""


def test_report_notes_the_scalable_variant(segmenta, sample_path, tmp_path, monkeypatch):
    monkeypatch.setattr(dbscan_module, "FAST_MIN_ROWS", 100)
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    segment(
        segmenta, sample_path, out, "--algorithm", "dbscan", "--eps", "0.3",
        "--report", report_path,
    )  # fmt: skip
    report = json.loads(report_path.read_text())
    assert "dbscan package" in report["note"]
    labelled = load_table(out)
    expected = DBSCAN(eps=0.3, min_samples=5).fit_predict(scaled(labelled))
    assert adjusted_rand_score(labelled["Cluster"], expected) == 1.0


def test_stability_is_the_bootstrap_of_the_fit_in_the_report_and_one_line(
    segmenta, sample_path, tmp_path
):
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    run = segment(
        segmenta, sample_path, out, "--algorithm", "kmeans", "--k", "5", "--n-init", "3",
        "--stability", "6", "--report", report_path,
    )  # fmt: skip
    matrix = scaled(load_table(sample_path))
    params = {"n_clusters": 5, "n_init": 3, "random_state": 0}
    labels = make_method("kmeans", **params).fit(matrix).labels_
    expected = bootstrap_stability(matrix, labels, lambda: make_method("kmeans", **params), 6, 0)
    stability = json.loads(report_path.read_text())["stability"]
    assert stability["n_resamples"] == 6 and stability["customers"] == 200
    assert stability["mean_adjusted_rand"] == pytest.approx(expected.mean_adjusted_rand)
    assert stability["jaccard_by_cluster"] == pytest.approx(
        {str(c): jaccard for c, jaccard in expected.jaccard_by_cluster.items()}, abs=1e-6
    )
    (line,) = [line for line in run.out.splitlines() if line.startswith("stability")]
    assert line.startswith("stability over 6 bootstrap resamples: stable ")
    for grade, clusters in expected.clusters_by_grade().items():
        assert f"{grade} {', '.join(map(str, clusters)) or 'none'}" in line
    assert f"mean adjusted Rand {expected.mean_adjusted_rand:.3f}" in line


def test_without_stability_the_report_has_none(segmenta, sample_path, tmp_path):
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    run = segment(
        segmenta, sample_path, out, "--algorithm", "kmeans", "--stability", "0",
        "--report", report_path,
    )  # fmt: skip
    assert "stability" not in json.loads(report_path.read_text())
    assert "stability over" not in run.out


def test_rows_with_missing_values_stay_with_an_empty_cluster(segmenta, sample_path, tmp_path):
    table = load_table(sample_path)
    table.loc[[3, 50], INCOME] = np.nan
    table.loc[120, SCORE] = np.nan
    source, out = tmp_path / "gaps.csv", tmp_path / "segments.csv"
    table.to_csv(source, index=False)
    report_path = tmp_path / "report.json"
    run = segment(segmenta, source, out, "--algorithm", "kmeans", "--report", report_path)
    lines = out.read_text().splitlines()
    assert len(lines) == 201
    assert [i for i, line in enumerate(lines[1:]) if line.endswith(",,")] == [3, 50, 120]
    assert json.loads(report_path.read_text())["n_dropped_missing"] == 3
    assert "3 customers left out" in run.out
    complete = table.dropna(subset=FEATURES)
    expected = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled(complete))
    clusters = load_table(out)["Cluster"].dropna()
    assert adjusted_rand_score(clusters, expected) == 1.0


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_excel_and_parquet_outputs_hold_the_same_table(segmenta, sample_path, tmp_path, suffix):
    csv_out, other_out = tmp_path / "segments.csv", tmp_path / f"segments{suffix}"
    for out in (csv_out, other_out):
        segment(segmenta, sample_path, out, "--algorithm", "hierarchical")
    pd.testing.assert_frame_equal(load_table(other_out), load_table(csv_out), check_dtype=False)


def test_two_runs_write_identical_files(segmenta, sample_path, tmp_path):
    out, report = tmp_path / "segments.csv", tmp_path / "report.json"
    files = []
    for _ in range(2):
        segment(
            segmenta, sample_path, out, "--algorithm", "kmeans", "--init", "random",
            "--n-init", "3", "--seed", "11", "--report", report,
        )  # fmt: skip
        files.append((out.read_bytes(), report.read_bytes()))
    assert files[0] == files[1]


def test_encoded_column_and_header_spellings(segmenta, shared_data, tmp_path):
    out, report_path = tmp_path / "segments.csv", tmp_path / "report.json"
    run = segmenta(
        "segment", shared_data / "Mall_Customers.csv", "--features", "income", "score",
        "--encode", "Genre", "--algorithm", "kmeans", "--k", "6", "--out", out,
        "--report", report_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    report = json.loads(report_path.read_text())
    assert report["features"] == FEATURES and report["categorical"] == "Gender"
    assert set(report["centroids"]["0"]) == {*FEATURES, "Gender=Female", "Gender=Male"}


def test_a_labelled_table_is_labelled_again_not_twice(segmenta, sample_path, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    segment(segmenta, sample_path, first, "--algorithm", "kmeans", "--k", "3")
    segment(segmenta, first, second, "--algorithm", "kmeans", "--k", "4")
    labelled = load_table(second)
    assert list(labelled.columns).count("Cluster") == 1
    assert labelled["Cluster"].nunique() == 4
