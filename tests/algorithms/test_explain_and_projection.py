"""Segments explained (standardised differences, a shallow-tree rule) and the PCA view of 4-20
features, on the public tables, against pandas and scikit-learn run directly."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from algorithms.explain import explain_segments, segment_rule, standardised_differences
from algorithms.projection import needs_projection, pca_projection
from algorithms.segmentation import SegmentationSpec, run_segmentation

MALL = ("Annual Income (k$)", "Spending Score (1-100)")
CC_FEATURES = 17


@pytest.fixture(scope="module")
def mall_kmeans(mall):
    return run_segmentation(mall, SegmentationSpec(MALL, "kmeans", {"n_clusters": 5}))


def rule_mask(table: pd.DataFrame, text: str) -> np.ndarray:
    """Evaluate a rule's text ('A > 1 and B ≤ 2') on ``table`` independently of the code."""
    mask = np.ones(len(table), dtype=bool)
    for part in text.split(" and "):
        column, op, number = part.rsplit(" ", 2)
        value = float(number.replace(",", ""))
        mask &= (table[column] > value) if op == ">" else (table[column] <= value)
    return mask


def test_standardised_differences_match_pandas(mall_kmeans):
    original, labels = mall_kmeans.prepared.original, mall_kmeans.labels
    found = standardised_differences(original, labels)
    for segment in np.unique(labels):
        inside, outside = original[labels == segment], original[labels != segment]
        expected = (inside.mean() - outside.mean()) / original.std(ddof=0)
        np.testing.assert_allclose(found.loc[segment].to_numpy(), expected.to_numpy())


def test_rules_hold_their_precision_and_coverage_in_the_tables_units(mall, mall_kmeans):
    explained = explain_segments(mall_kmeans.prepared.original, mall_kmeans.labels)
    assert sorted(explained) == sorted(np.unique(mall_kmeans.labels).tolist())
    for segment, explanation in explained.items():
        rule = explanation["rule"]
        assert rule is not None and rule["text"]
        assert rule["text"].count(" and ") <= 2  # depth 3 at most
        matched = rule_mask(mall, rule["text"])
        in_segment = mall_kmeans.labels == segment
        assert rule["precision"] == pytest.approx((matched & in_segment).sum() / matched.sum())
        assert rule["coverage"] == pytest.approx((matched & in_segment).sum() / in_segment.sum())
        assert rule["precision"] > 0.5
        ranked = explanation["top_features"]
        assert abs(ranked[0]["difference"]) >= abs(ranked[-1]["difference"])
    # the mall's five segments are boxes in income x spending: each rule finds most of its own
    assert np.mean([e["rule"]["coverage"] for e in explained.values()]) > 0.8


def test_an_encoded_category_is_said_in_words(mall):
    result = run_segmentation(
        mall, SegmentationSpec(MALL, "kmeans", {"n_clusters": 5}, categorical="Gender")
    )
    texts = [p["rule"]["text"] for p in result.summary()["profiles"] if p.get("rule")]
    assert any("Gender is" in text for text in texts)
    assert not any("Gender=" in text for text in texts)


def test_no_rule_for_a_segment_no_leaf_finds():
    table = pd.DataFrame({"x": np.tile([0.0, 1.0], 50)})
    assert segment_rule(table, np.arange(100) % 4 == 0) is None


def test_the_summary_carries_rules_and_top_features(mall_kmeans):
    profiles = mall_kmeans.summary()["profiles"]
    assert all(set(p) >= {"rule", "top_features"} for p in profiles)
    assert {p["top_features"][0]["feature"] for p in profiles} <= set(MALL)


@pytest.mark.parametrize(
    ("n", "projected"), [(2, False), (3, False), (4, True), (20, True), (21, False)]
)
def test_which_feature_counts_are_projected(n, projected):
    assert needs_projection(n) is projected


def test_pca_projection_matches_scikit_learn_on_cc_general(cc_general):
    numeric = cc_general.select_dtypes("number").dropna()
    assert numeric.shape[1] == CC_FEATURES
    matrix = StandardScaler().fit_transform(numeric)
    projection = pca_projection(matrix, list(numeric.columns))
    reference = PCA(n_components=2, random_state=0).fit(matrix)
    np.testing.assert_allclose(
        projection.explained_variance_ratio, reference.explained_variance_ratio_
    )
    np.testing.assert_allclose(
        np.abs(projection.coordinates), np.abs(reference.transform(matrix)), atol=1e-8
    )
    np.testing.assert_allclose(
        np.abs(projection.loadings.to_numpy()), np.abs(reference.components_.T)
    )
    ratio = reference.explained_variance_ratio_[0]
    assert projection.axis_titles()[0] == f"PC1 ({round(ratio * 100)} % of variance)"
    strongest = projection.loadings["PC1"].abs().idxmax()
    assert projection.loading_text("PC1").startswith(strongest + " ")
    assert "all 17 features" in projection.note
