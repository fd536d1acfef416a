"""``segmenta assign``: a model saved by ``segment --model`` labels new customers."""

import pandas as pd

from algorithms.loading import load_table
from tests.cli.conftest import INCOME, SCORE


def test_assigning_the_training_file_reproduces_the_segment_output(segmenta, sample_path, tmp_path):
    for algorithm in ("kmeans", "dbscan", "hierarchical"):
        segments, model = tmp_path / f"{algorithm}.csv", tmp_path / f"{algorithm}.joblib"
        assigned = tmp_path / f"{algorithm}-assigned.csv"
        run = segmenta(
            "segment", sample_path, "--features", INCOME, SCORE, "--algorithm", algorithm,
            "--out", segments, "--model", model,
        )  # fmt: skip
        assert run.code == 0, run.err
        run = segmenta("assign", model, sample_path, "--out", assigned)
        assert run.code == 0, run.err
        assert assigned.read_bytes() == segments.read_bytes(), algorithm


def test_new_customers_land_in_the_segment_they_resemble(segmenta, sample_path, tmp_path):
    model, segments = tmp_path / "model.joblib", tmp_path / "segments.csv"
    segmenta(
        "segment", sample_path, "--features", INCOME, SCORE, "--algorithm", "kmeans",
        "--out", segments, "--model", model,
    )  # fmt: skip
    newcomers = pd.DataFrame(
        {
            "CustomerID": ["N1", "N2", "N3"],
            INCOME: [20.0, 120.0, None],
            SCORE: [90.0, 10.0, 50.0],
        }
    )
    source, out = tmp_path / "new.csv", tmp_path / "assigned.csv"
    newcomers.to_csv(source, index=False)
    run = segmenta("assign", model, source, "--out", out)
    assert run.code == 0, run.err
    assigned = load_table(out)
    assert list(assigned["Persona"].iloc[:2]) == [
        "Low Income · High Spending",
        "High Income · Low Spending",
    ]
    assert pd.isna(assigned["Cluster"].iloc[2]) and pd.isna(assigned["Persona"].iloc[2])
    training = load_table(segments)
    for persona, cluster in zip(assigned["Persona"][:2], assigned["Cluster"][:2], strict=True):
        assert (training.loc[training["Persona"] == persona, "Cluster"] == cluster).all()
    assert "1 customers left out" in run.out


def test_a_table_without_the_model_features_is_refused(segmenta, sample_path, tmp_path):
    model = tmp_path / "model.joblib"
    segmenta(
        "segment", sample_path, "--features", INCOME, SCORE, "--algorithm", "kmeans",
        "--out", tmp_path / "segments.csv", "--model", model,
    )  # fmt: skip
    source = tmp_path / "other.csv"
    pd.DataFrame({"Age": [20, 30], INCOME: [10, 20]}).to_csv(source, index=False)
    run = segmenta("assign", model, source, "--out", tmp_path / "out.csv")
    assert run.code == 2
    assert f"Unknown column '{SCORE}'" in run.err and "available columns: Age" in run.err
