"""Cluster profiles against pandas groupby, and the drafted persona labels."""

import numpy as np
import pandas as pd
import pytest

from algorithms.methods import NOISE, make_method
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.profiling import draft_label, profile_clusters, short_name
from tests.algorithms.helpers import INCOME, SPENDING

EXPECTED_MALL_LABELS = {
    "High Income · High Spending",
    "High Income · Low Spending",
    "Low Income · High Spending",
    "Low Income · Low Spending",
    "Average Customers",
}


@pytest.fixture(scope="module")
def mall_profile(mall):
    prepared = FeaturePreprocessor(["Age", INCOME, SPENDING]).fit_transform(mall)
    labels = make_method("kmeans", n_clusters=4, random_state=0).fit(prepared.matrix).labels_
    labels = labels.copy()
    labels[:7] = NOISE
    return (
        prepared.original,
        labels,
        mall["Gender"],
        profile_clusters(prepared.original, labels, mall["Gender"]),
    )


def test_sizes_shares_means_and_medians_are_pandas_groupby(mall_profile):
    original, labels, _, profile = mall_profile
    grouped = original.groupby(labels)

    assert profile["cluster"].tolist() == [0, 1, 2, 3, NOISE]
    profile = profile.set_index("cluster")
    pd.testing.assert_series_equal(
        profile["size"], grouped.size().reindex(profile.index), check_names=False
    )
    np.testing.assert_allclose(profile["share"], profile["size"] / len(original))
    for column in original.columns:
        means = grouped[column].mean().reindex(profile.index)
        np.testing.assert_allclose(profile[f"mean {column}"], means)
        np.testing.assert_allclose(
            profile[f"median {column}"], grouped[column].median().reindex(profile.index)
        )
        np.testing.assert_allclose(profile[f"diff {column}"], means - original[column].mean())
    assert profile.loc[NOISE, "label"] == "Outliers (noise)"


def test_category_mix_is_pandas_value_counts_with_absent_levels_at_zero(mall_profile):
    _, labels, gender, profile = mall_profile
    expected = pd.crosstab(labels, gender, normalize="index")
    for cluster, row in profile.set_index("cluster").iterrows():
        for level in ("Female", "Male"):
            assert row[f"share Gender={level}"] == pytest.approx(expected.loc[cluster, level])

    only_women = profile_clusters(
        pd.DataFrame({"x": [1.0, 2.0, 8.0, 9.0]}),
        np.array([0, 0, 1, 1]),
        pd.Series(["Female", "Female", "Female", "Male"], name="Gender"),
    )
    assert only_women["share Gender=Male"].tolist() == [0.0, 0.5]
    assert only_women["share Gender=Female"].tolist() == [1.0, 0.5]


def test_classic_mall_five_segments_get_the_five_classic_labels(mall):
    prepared = FeaturePreprocessor([INCOME, SPENDING]).fit_transform(mall)
    labels = make_method("kmeans", n_clusters=5, random_state=0).fit(prepared.matrix).labels_
    profile = profile_clusters(prepared.original, labels, mall["Gender"])

    assert set(profile["label"]) == EXPECTED_MALL_LABELS
    assert profile["label"].is_unique
    average = profile.set_index("label").loc["Average Customers"]
    assert average["size"] == profile["size"].max()


def test_labels_are_made_unique():
    original = pd.DataFrame({"x": [1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.1, 9.2, 9.3, 9.4]})
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3])
    profile = profile_clusters(original, labels)
    high = [f"High x (x ≈ {original['x'][labels == c].mean():.3g})" for c in (2, 3)]
    assert profile["label"].tolist() == ["Low x", "Average Customers", *high]


def test_segments_drafted_alike_are_told_apart_by_the_feature_that_differs():
    rng = np.random.default_rng(0)
    age = np.r_[rng.normal(30, 1, 30), rng.normal(50, 1, 30), rng.normal(40, 10, 240)]
    high = np.r_[rng.normal(120, 2, 60), rng.normal(40, 5, 240)]
    spending = np.r_[rng.normal(90, 2, 60), rng.normal(30, 5, 240)]
    original = pd.DataFrame({"Age": age, "Annual Income (k$)": high, "Spending": spending})
    labels = np.r_[np.zeros(30), np.ones(30), np.full(240, 2)].astype(int)
    profile = profile_clusters(original, labels)
    # far above the mean income and spending, segments 0 and 1 differ by age (less so)
    assert profile["label"].tolist()[:2] == [
        "High Income · High Spending (Young)",
        "High Income · High Spending (Older)",
    ]
    assert profile["label"].is_unique


def test_draft_label_words():
    z = pd.Series({"Age": -1.2, INCOME: 0.1, SPENDING: 0.9, "Gender=Male": 3.0})
    assert draft_label(z) == "Young · High Spending"
    assert draft_label(pd.Series({"Age": 0.6})) == "Older"
    assert draft_label(pd.Series({"Age": 0.2, INCOME: -0.4})) == "Average Customers"
    three = pd.Series({"Age": 0.7, INCOME: -2.0, SPENDING: 1.5})
    assert draft_label(three) == "Low Income · High Spending"


@pytest.mark.parametrize(
    ("column", "name"),
    [
        (INCOME, "Income"),
        (SPENDING, "Spending"),
        ("Age", "Age"),
        ("Fresh", "Fresh"),
        ("(k$)", "(k$)"),
    ],
)
def test_short_names(column, name):
    assert short_name(column) == name
