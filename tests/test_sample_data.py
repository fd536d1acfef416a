"""The bundled sample: reproducible, the classic schema and ranges, five recoverable segments."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CSV_PATH = DATA_DIR / "mall_customers.csv"
SCHEMA = ["CustomerID", "Gender", "Age", "Annual Income (k$)", "Spending Score (1-100)"]


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_sample", DATA_DIR / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_sample = _load_generator()


@pytest.fixture(scope="module")
def generated():
    return make_sample.make_mall_customers()


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    return pd.read_csv(CSV_PATH, dtype={"CustomerID": str}, keep_default_na=False)


def test_committed_csv_is_exactly_what_the_script_writes(generated):
    table, _ = generated
    assert CSV_PATH.read_bytes() == make_sample.csv_text(table).encode("utf-8")


def test_generation_is_deterministic_and_depends_on_the_seed(generated):
    again, again_segment = make_sample.make_mall_customers()
    pd.testing.assert_frame_equal(again, generated[0])
    pd.testing.assert_series_equal(again_segment, generated[1])
    other, _ = make_sample.make_mall_customers(seed=make_sample.SEED + 1)
    assert not other.equals(generated[0])


def test_script_writes_the_file_it_is_given(tmp_path, generated):
    output = tmp_path / "sample.csv"
    assert make_sample.main([str(output)]) == 0
    assert output.read_bytes() == CSV_PATH.read_bytes()


def test_file_is_utf8_with_lf_line_endings_and_the_classic_header():
    raw = CSV_PATH.read_bytes()
    assert b"\r" not in raw
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8").split("\n")
    assert lines[0] == ",".join(SCHEMA)
    assert lines[-1] == ""
    assert len(lines) == 1 + 200 + 1


def test_schema_ids_and_no_answer_column(committed):
    assert list(committed.columns) == SCHEMA
    assert committed["CustomerID"].tolist() == [f"{i:04d}" for i in range(1, 201)]
    assert committed.notna().all().all()


def test_values_are_whole_numbers_in_the_classic_ranges(committed):
    for column, low, high in [
        ("Age", 18, 70),
        ("Annual Income (k$)", 15, 137),
        ("Spending Score (1-100)", 1, 99),
    ]:
        values = committed[column]
        assert pd.api.types.is_integer_dtype(values), column
        assert values.between(low, high).all(), column


def test_gender_is_about_56_percent_female(committed):
    assert set(committed["Gender"]) == {"Female", "Male"}
    assert (committed["Gender"] == "Female").mean() == pytest.approx(0.56, abs=0.02)


def test_rows_are_ordered_by_income_like_the_classic_file(committed):
    assert committed["Annual Income (k$)"].is_monotonic_increasing


def test_segment_sizes_match_the_classic_groups(generated):
    _, segment = generated
    assert sorted(segment.value_counts().tolist()) == [22, 23, 35, 39, 81]


def test_segments_sit_in_their_income_and_spending_quadrants(generated):
    table, segment = generated
    means = table.groupby(segment)[["Annual Income (k$)", "Spending Score (1-100)"]].mean()
    income, score = means["Annual Income (k$)"], means["Spending Score (1-100)"]
    assert (
        income["low income, low spending"] < income["average"] < income["high income, low spending"]
    )
    assert income["low income, high spending"] < income["average"]
    assert income["high income, high spending"] > income["average"]
    assert score["low income, low spending"] < score["average"] < score["low income, high spending"]
    assert (
        score["high income, low spending"] < score["average"] < score["high income, high spending"]
    )


def test_young_spend_on_small_incomes_and_the_average_group_is_older(generated):
    table, segment = generated
    median_age = table.groupby(segment)["Age"].median()
    assert median_age["low income, high spending"] < 30
    assert median_age["average"] > median_age["low income, high spending"] + 10
    assert median_age["average"] > median_age["high income, high spending"]


@pytest.mark.parametrize("random_state", [0, 1, 2])
def test_kmeans_on_scaled_income_and_spending_recovers_the_segments(generated, random_state):
    table, segment = generated
    scaled = StandardScaler().fit_transform(table[["Annual Income (k$)", "Spending Score (1-100)"]])
    with threadpool_limits(limits=1):
        labels = KMeans(n_clusters=5, n_init=10, random_state=random_state).fit_predict(scaled)
    assert adjusted_rand_score(segment, labels) >= 0.9
    assert np.bincount(labels).min() >= 20
