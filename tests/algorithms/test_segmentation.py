"""A whole run: preprocessing, fit, scores and profiles agree and serialise."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from algorithms.errors import ParameterError, SegmentaError
from algorithms.segmentation import SegmentationSpec, fit_prepared, run_segmentation
from tests.algorithms.helpers import INCOME, PROPERTY, SPENDING

FEATURES = ("Age", INCOME, SPENDING)
SPECS = [
    SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5}),
    SegmentationSpec((INCOME, SPENDING), "dbscan", {"eps": 0.3}, categorical="Gender"),
    SegmentationSpec(FEATURES, "dbscan", {"eps": 0.01}),
    SegmentationSpec(FEATURES, "hierarchical", {"n_clusters": 4, "linkage": "average"}),
    SegmentationSpec((INCOME, SPENDING), "kmeans", {"n_clusters": 1}, scaling="minmax"),
]


@pytest.fixture
def mall_with_gaps(mall):
    table = mall.astype({"Age": float, INCOME: float, SPENDING: float})
    table.loc[[3, 50, 51], "Age"] = np.nan
    table.loc[120, SPENDING] = np.nan
    table.loc[7, INCOME] = np.inf
    return table


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.method)
def test_summary_is_strict_json(mall_with_gaps, spec):
    summary = run_segmentation(mall_with_gaps, spec).summary()
    decoded = json.loads(json.dumps(summary, allow_nan=False))

    assert decoded["method"] == spec.method
    assert decoded["n_rows"] == 200
    assert decoded["n_dropped_missing"] == (5 if "Age" in spec.features else 2)
    assert sum(decoded["sizes"].values()) == 200 - decoded["n_dropped_missing"]
    assert len(decoded["profiles"]) == len(decoded["sizes"])


def test_table_labels_are_missing_exactly_where_values_are(mall_with_gaps):
    result = run_segmentation(mall_with_gaps, SPECS[0])
    labels = result.table_labels()

    incomplete = ~np.isfinite(mall_with_gaps[list(FEATURES)].to_numpy(dtype=float)).all(axis=1)
    assert labels.dtype == "Int64"
    np.testing.assert_array_equal(labels.isna().to_numpy(), incomplete)
    np.testing.assert_array_equal(labels[~incomplete].to_numpy(dtype=int), result.labels)


def test_table_labels_follow_the_tables_index(mall):
    subset = mall.iloc[60:140].set_index("CustomerID")
    subset.loc[subset.index[5], "Age"] = np.nan
    labels = run_segmentation(subset, SPECS[0]).table_labels()

    assert labels.index.equals(subset.index)
    assert labels.isna().tolist() == subset["Age"].isna().tolist()


def test_kmeans_run_is_scikit_learn_on_the_scaled_table(mall):
    result = run_segmentation(mall, SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5}, seed=4))
    scaled = StandardScaler().fit_transform(mall[list(FEATURES)].to_numpy(dtype=float))
    reference = KMeans(n_clusters=5, n_init=10, random_state=4).fit(scaled)

    assert result.spec.method_params()["random_state"] == 4
    assert adjusted_rand_score(reference.labels_, result.labels) == 1.0
    centroids = result.centroids()
    assert list(centroids.columns) == list(FEATURES)
    np.testing.assert_allclose(
        centroids.to_numpy(), mall[list(FEATURES)].groupby(result.labels).mean().to_numpy()
    )


def test_same_seed_same_result_and_the_seed_matters(mall):
    def run(seed):
        spec = SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 6, "n_init": 1}, seed=seed)
        summary = run_segmentation(mall, spec).summary()
        summary.pop("fit_seconds")
        return summary

    assert run(0) == run(0)
    assert any(run(0)["sizes"] != run(seed)["sizes"] for seed in range(1, 6))


def test_an_explicit_random_state_wins_over_the_runs_seed():
    spec = SegmentationSpec(FEATURES, "kmeans", {"random_state": 9}, seed=2)
    assert spec.method_params()["random_state"] == 9
    assert spec.as_dict()["params"] == {
        "n_clusters": 5,
        "init": "k-means++",
        "n_init": 10,
        "random_state": 9,
    }
    assert "random_state" not in SegmentationSpec(FEATURES, "dbscan").method_params()


def test_bad_parameters_fail_before_any_work(mall):
    with pytest.raises(ParameterError, match="eps must be a number"):
        run_segmentation(mall, SegmentationSpec(FEATURES, "dbscan", {"eps": -1}))


def test_profile_carries_the_gender_mix(mall):
    result = run_segmentation(mall, SPECS[0])
    shares = result.profile[["share Gender=Female", "share Gender=Male"]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_one_prepared_matrix_feeds_several_methods(mall):
    from algorithms.preprocessing import FeaturePreprocessor

    prepared = FeaturePreprocessor(list(FEATURES)).fit_transform(mall)
    results = [fit_prepared(mall, prepared, spec) for spec in SPECS[:1] + SPECS[3:4]]
    for result in results:
        assert result.prepared is prepared
        assert result.scores.n_clusters == result.model.n_clusters_
    assert {r.model.name for r in results} == {"kmeans", "hierarchical"}


def test_all_noise_run_has_empty_centroids(mall):
    result = run_segmentation(mall, SPECS[2])
    assert result.model.n_clusters_ == 0
    assert result.centroids().empty
    assert result.profile["label"].tolist() == ["Outliers (noise)"]
    assert "every customer is noise" in result.scores.note


def test_sizes_count_noise_under_minus_one(mall):
    result = run_segmentation(mall, SPECS[1])
    sizes = result.sizes()
    assert sizes.get(-1, 0) == result.model.n_noise_
    assert sum(sizes.values()) == len(mall)
    assert isinstance(result.summary()["metrics"]["silhouette"], float | type(None))
    assert pd.Series(result.labels).value_counts().to_dict() == sizes


def method_specs():
    return st.one_of(
        st.builds(lambda k: ("kmeans", {"n_clusters": k, "n_init": 1}), st.integers(1, 6)),
        st.builds(
            lambda eps, m: ("dbscan", {"eps": eps, "min_samples": m}),
            st.floats(0.01, 2.0),
            st.integers(1, 6),
        ),
        st.builds(
            lambda k, linkage: ("hierarchical", {"n_clusters": k, "linkage": linkage}),
            st.integers(1, 6),
            st.sampled_from(["ward", "complete", "average", "single"]),
        ),
    )


@PROPERTY
@given(
    table=data_frames(
        [
            column("a", elements=st.one_of(st.floats(-1e6, 1e6), st.just(np.nan))),
            column("b", elements=st.integers(0, 5).map(float)),
            column("Gender", elements=st.sampled_from(["Female", "Male", None])),
        ],
        index=range_indexes(min_size=0, max_size=30),
    ),
    method=method_specs(),
    scaling=st.sampled_from(["standard", "minmax", "robust", "none"]),
    categorical=st.sampled_from([None, "Gender"]),
)
def test_any_table_gives_a_consistent_run_or_a_segmenta_error(table, method, scaling, categorical):
    name, params = method
    spec = SegmentationSpec(("a", "b"), name, params, scaling=scaling, categorical=categorical)
    try:
        result = run_segmentation(table, spec)
    except SegmentaError:
        return
    summary = json.loads(json.dumps(result.summary(), allow_nan=False))
    assert sum(summary["sizes"].values()) == result.prepared.row_mask.sum()
    assert result.table_labels().notna().sum() == result.prepared.row_mask.sum()
    assert len(result.profile) == len(summary["sizes"])
    assert result.profile["label"].is_unique
    assert len(result.centroids()) == result.model.n_clusters_
