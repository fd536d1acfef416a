"""``segmenta compare``, ``columns`` and ``diagnose`` on the public tables in ``../shared/data``,
checked against scikit-learn run directly."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import suggest_eps
from tests.cli.conftest import INCOME, SCORE, assert_one_error_line

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SPEND = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]


def shared(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"the shared dataset {name!r} is not at {path.resolve()}")
    return path


def sorted_sizes(labels: np.ndarray) -> list[int]:
    return sorted(np.bincount(labels[labels >= 0]).tolist(), reverse=True)


def compare_json(segmenta, tmp_path, *args) -> tuple[object, dict]:
    out = tmp_path / "compare.json"
    run = segmenta("compare", *map(str, args), "--json", str(out))
    assert run.code == 0, run.err
    return run, json.loads(out.read_text())


def test_compare_on_the_mall_matches_scikit_learn(segmenta, tmp_path):
    path = shared("Mall_Customers.csv")
    run, record = compare_json(segmenta, tmp_path, path, "--features", "income", "score")
    table = pd.read_csv(path).rename(columns=str.strip)
    matrix = StandardScaler().fit_transform(table[[INCOME, SCORE]])
    distances, _ = NearestNeighbors(n_neighbors=5).fit(matrix).kneighbors(matrix)
    eps = float(f"{suggest_eps(np.sort(distances[:, -1])):.3g}")
    reference = {
        "kmeans": KMeans(5, n_init=10, random_state=0).fit(matrix).labels_,
        "dbscan": DBSCAN(eps=eps, min_samples=5).fit(matrix).labels_,
        "hierarchical": AgglomerativeClustering(5, linkage="ward").fit(matrix).labels_,
    }
    results = {result["method"]: result for result in record["results"]}
    assert set(reference) <= set(results)
    assert results["dbscan"]["params"]["eps"] == pytest.approx(eps)
    for method, labels in reference.items():
        result = results[method]
        assert result["sizes"] == sorted_sizes(labels)
        assert result["n_noise"] == int((labels == -1).sum())
        kept = labels != -1
        assert result["silhouette"] == pytest.approx(silhouette_score(matrix[kept], labels[kept]))
        assert result["flags"] == []
    pairs = {(p["a"], p["b"]): p for p in record["agreement"]}
    ari = adjusted_rand_score(reference["kmeans"], reference["hierarchical"])
    assert pairs[("kmeans", "hierarchical")]["ari"] == pytest.approx(ari)
    best = max(results, key=lambda m: results[m]["silhouette"] or -1)
    assert record["verdict"]["method"] == best
    assert f"Verdict: {record['verdict']['reason']}" in run.out
    assert "balance" in run.out and "Agreement" in run.out


def test_compare_skips_average_linkage_on_cc_general(segmenta, tmp_path):
    path = shared("CC GENERAL.csv")
    _, record = compare_json(
        segmenta, tmp_path, path, "--features", "BALANCE", "PURCHASES", "--k", "4",
        "--linkage", "average",
    )  # fmt: skip
    table = pd.read_csv(path)
    matrix = StandardScaler().fit_transform(table[["BALANCE", "PURCHASES"]])
    labels = AgglomerativeClustering(4, linkage="average").fit(matrix).labels_
    results = {result["method"]: result for result in record["results"]}
    assert results["hierarchical"]["sizes"] == sorted_sizes(labels)
    assert max(sorted_sizes(labels)) / len(labels) > 0.9
    assert any("one segment holds" in flag for flag in results["hierarchical"]["flags"])
    assert record["verdict"]["method"] != "hierarchical"
    reason = record["verdict"]["reason"]
    if record["verdict"]["method"] is None:  # standard scaling: K-Means leaves a speck too
        assert reason.startswith("No result is recommended")
        assert "Hierarchical: one segment holds" in reason and "log or power scaling" in reason
    else:
        assert "Hierarchical is not recommended: one segment holds" in reason
    for result in results.values():
        shares = np.array(result["sizes"]) / sum(result["sizes"])
        assert bool(result["flags"]) == bool(
            len(shares) < 2 or shares.max() > 0.9 or shares.min() < 0.01
            or result["n_noise"] / len(table) > 0.3
        )  # fmt: skip


def test_compare_with_log_scaling_on_wholesale(segmenta, tmp_path):
    path = shared("Wholesale customers data.csv")
    _, record = compare_json(
        segmenta, tmp_path, path, "--features", *SPEND, "--scale", "log", "--k", "3"
    )
    table = pd.read_csv(path)
    matrix = StandardScaler().fit_transform(np.log1p(table[SPEND].to_numpy(dtype=float)))
    labels = KMeans(3, n_init=10, random_state=0).fit(matrix).labels_
    kmeans = next(r for r in record["results"] if r["method"] == "kmeans")
    assert kmeans["sizes"] == sorted_sizes(labels)
    assert kmeans["silhouette"] == pytest.approx(silhouette_score(matrix, labels))


def test_compare_takes_any_registered_methods_in_the_order_given(segmenta, tmp_path):
    path = shared("Mall_Customers.csv")
    _, record = compare_json(
        segmenta, tmp_path, path, "--features", "income", "score", "--methods", "gmm,kmeans",
        "--k", "4",
    )  # fmt: skip
    assert [result["method"] for result in record["results"]] == ["gmm", "kmeans"]
    table = pd.read_csv(path).rename(columns=str.strip)
    matrix = StandardScaler().fit_transform(table[[INCOME, SCORE]])
    kmeans = KMeans(4, n_init=10, random_state=0).fit(matrix).labels_
    assert record["results"][1]["sizes"] == sorted_sizes(kmeans)
    assert record["results"][0]["n_clusters"] == 4
    assert [(pair["a"], pair["b"]) for pair in record["agreement"]] == [("gmm", "kmeans")]


def test_compare_refuses_unknown_methods_and_flags_no_compared_method_takes(segmenta):
    path = str(shared("Mall_Customers.csv"))
    features = ("--features", "income", "score")
    assert_one_error_line(segmenta("compare", path, *features, "--methods", "kmeans,x"), "x")
    assert_one_error_line(
        segmenta("compare", path, *features, "--methods", "kmeans", "--eps", "0.3"), "--eps"
    )


def test_compare_refuses_bad_parameters_on_one_line(segmenta):
    path = shared("Mall_Customers.csv")
    assert_one_error_line(
        segmenta("compare", str(path), "--features", "income", "score", "--eps", "-1"), "--eps"
    )
    assert_one_error_line(
        segmenta("compare", str(path), "--features", "income", "score", "--linkage", "x"),
        "--linkage",
    )


def test_log_scaling_refuses_negative_values_on_one_line(segmenta, tmp_path):
    path = tmp_path / "negative.csv"
    pd.DataFrame({"spend": [3, 4, -2, 8, 1, 6], "visits": [1, 2, 3, 4, 5, 6]}).to_csv(
        path, index=False
    )
    run = segmenta("compare", str(path), "--features", "spend", "visits", "--scale", "log")
    assert_one_error_line(run, "'spend' has a negative value (-2 in data row 3)")


def test_columns_names_category_codes_and_skewed_spend(segmenta):
    path = shared("Wholesale customers data.csv")
    run = segmenta("columns", str(path))
    assert run.code == 0, run.err
    lines = {line.split()[0]: line for line in run.out.splitlines()[2:] if line.strip()}
    table = pd.read_csv(path)
    for column in ("Channel", "Region"):
        assert table[column].nunique() <= 10
        assert "category (code)" in lines[column]
    for column in SPEND:
        assert ("heavily skewed" in lines[column]) == (abs(table[column].skew()) > 2)


def test_diagnose_says_plainly_when_the_suggested_eps_gives_one_segment(segmenta, tmp_path):
    path = shared("Wholesale customers data.csv")
    out = tmp_path / "diagnosis.json"
    run = segmenta("diagnose", str(path), "--features", *SPEND, "--k-max", "3", "--json", str(out))
    assert run.code == 0, run.err
    dbscan = json.loads(out.read_text())["dbscan"]
    matrix = StandardScaler().fit_transform(pd.read_csv(path)[SPEND])
    labels = (
        DBSCAN(eps=dbscan["suggested_eps"], min_samples=dbscan["min_samples"]).fit(matrix).labels_
    )
    assert dbscan["n_clusters"] == len(set(labels) - {-1}) == 1
    assert "gives one segment" in run.out and dbscan["advice"] in run.out


def test_the_segment_report_explains_each_segment(segmenta, tmp_path):
    path = shared("Mall_Customers.csv")
    report = tmp_path / "report.json"
    run = segmenta(
        "segment", str(path), "--features", "income", "score", "--algorithm", "kmeans",
        "--k", "5", "--out", str(tmp_path / "out.csv"), "--report", str(report),
    )  # fmt: skip
    assert run.code == 0, run.err
    record = json.loads(report.read_text())
    labelled = pd.read_csv(tmp_path / "out.csv").rename(columns=str.strip)
    for profile in record["profiles"]:
        rule = profile["rule"]
        assert set(rule) == {"text", "precision", "coverage"}
        in_segment = (labelled["Cluster"] == profile["cluster"]).to_numpy()
        matched = np.ones(len(labelled), dtype=bool)
        for part in rule["text"].split(" and "):
            column, op, number = part.rsplit(" ", 2)
            values = labelled[column].to_numpy()
            matched &= values > float(number) if op == ">" else values <= float(number)
        assert rule["precision"] == pytest.approx((matched & in_segment).sum() / matched.sum())
        assert rule["coverage"] == pytest.approx((matched & in_segment).sum() / in_segment.sum())
        assert profile["top_features"][0]["feature"] in (INCOME, SCORE)
