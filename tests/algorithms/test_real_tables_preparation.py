"""Preparation analysts expect on real tables: log and power scaling for skewed spend, the
skewness check, and category codes (Wholesale's Channel and Region) told apart from measures.
Checked against scikit-learn and pandas run directly on ``../shared/data``."""

import io

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import PowerTransformer, StandardScaler

from algorithms.column_use import category_codes, is_category_code
from algorithms.errors import FeatureError
from algorithms.model_io import SegmentModel
from algorithms.preprocessing import (
    SCALERS,
    SCALING_LABELS,
    SCALING_NOTES,
    FeaturePreprocessor,
    categorical_candidates,
    default_numeric_features,
    numeric_feature_candidates,
    skew_advice,
    skewed_features,
    skewness,
)
from algorithms.segmentation import SegmentationSpec, run_segmentation

CC_FEATURES = ["BALANCE", "PURCHASES"]
SPEND = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]


def test_every_scaling_has_a_label_and_a_note():
    assert set(SCALING_LABELS) == set(SCALERS) == set(SCALING_NOTES)


def test_log_scaling_is_log1p_then_standard(cc_general):
    prepared = FeaturePreprocessor(CC_FEATURES, "log").fit_transform(cc_general)
    values = cc_general[CC_FEATURES].dropna().to_numpy(dtype=float)
    expected = StandardScaler().fit_transform(np.log1p(values))
    np.testing.assert_allclose(prepared.matrix, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(prepared.original.to_numpy(), values)  # the table's own units


def test_power_scaling_is_yeo_johnson(wholesale):
    prepared = FeaturePreprocessor(SPEND, "power").fit_transform(wholesale)
    expected = PowerTransformer().fit_transform(wholesale[SPEND].to_numpy(dtype=float))
    np.testing.assert_allclose(prepared.matrix, expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("scaling", ["log", "power"])
def test_profiles_and_centroids_stay_in_the_tables_units(cc_general, scaling):
    result = run_segmentation(
        cc_general, SegmentationSpec(tuple(CC_FEATURES), "kmeans", {"n_clusters": 4}, scaling)
    )
    complete = cc_general[CC_FEATURES].dropna()
    means = complete.groupby(result.labels).mean()
    for column in CC_FEATURES:
        np.testing.assert_allclose(result.profile[f"mean {column}"], means[column].to_numpy())
    # K-Means centres mapped back through the inverse transform land inside the data's range
    centroids = result.centroids()
    assert (centroids[CC_FEATURES].min() >= complete.min() - 1e-6).all()
    assert (centroids[CC_FEATURES].max() <= complete.max() + 1e-6).all()


def test_log_scaling_spreads_cc_generals_skewed_spend(cc_general):
    """The issue's finding: standard scaling leaves one segment of >80 %, log does not."""
    shares = {}
    for scaling in ("standard", "log"):
        result = run_segmentation(
            cc_general, SegmentationSpec(tuple(CC_FEATURES), "kmeans", {"n_clusters": 4}, scaling)
        )
        shares[scaling] = pd.Series(result.labels).value_counts(normalize=True).max()
    assert shares["log"] < 0.5 < shares["standard"]


def test_log_scaling_refuses_a_negative_value_naming_column_and_row():
    table = pd.DataFrame({"spend": [1.0, 5.0, -3.0, 2.0], "visits": [1, 2, 3, 4]})
    with pytest.raises(FeatureError, match=r"'spend' has a negative value \(-3 in data row 3\)"):
        FeaturePreprocessor(["spend", "visits"], "log").fit(table)
    fitted = FeaturePreprocessor(["spend", "visits"], "log").fit(table.iloc[[0, 1, 3]])
    with pytest.raises(FeatureError, match="power scaling"):
        fitted.transform(table)


def test_a_saved_model_assigns_through_the_same_transform(cc_general):
    result = run_segmentation(
        cc_general, SegmentationSpec(tuple(CC_FEATURES), "kmeans", {"n_clusters": 4}, "power")
    )
    buffer = io.BytesIO()
    joblib.dump(SegmentModel.from_segmentation(result), buffer)
    buffer.seek(0)
    model = joblib.load(buffer)
    assert model.preprocessor.scaling == "power"
    assigned = model.assign(cc_general)
    expected = result.table_labels()
    assert (assigned["Cluster"].dropna().astype(int) == expected.dropna().astype(int)).all()


def test_skewness_matches_pandas_and_names_the_skewed_spend(cc_general, mall):
    features = ["BALANCE", "PURCHASES", "TENURE"]
    found = skewness(cc_general, features)
    for column in features:
        assert found[column] == pytest.approx(cc_general[column].skew())
    expected = [c for c in features if abs(cc_general[c].skew()) > 2]
    assert list(skewed_features(cc_general, features)) == expected
    assert "PURCHASES" in expected  # the long tail to 49,000
    right_tailed = [c for c in expected if cc_general[c].skew() > 0]
    advice = skew_advice(cc_general, right_tailed)
    assert "'PURCHASES' (skewness" in advice and "log scaling" in advice
    if any(cc_general[c].skew() < 0 for c in expected):  # a left tail (TENURE): log would not do
        assert "power scaling" in skew_advice(cc_general, features)
    mall_features = ["Annual Income (k$)", "Spending Score (1-100)"]
    assert all(abs(mall[c].skew()) <= 2 for c in mall_features)
    assert skew_advice(mall, mall_features) == ""


def test_skew_advice_says_power_when_a_skewed_feature_has_negative_values():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"change": np.concatenate([rng.exponential(1, 500) ** 3, [-5.0]])})
    assert abs(table["change"].skew()) > 2
    assert "power scaling" in skew_advice(table, ["change"])


def test_channel_and_region_are_category_codes(wholesale, mall):
    expected = [
        c
        for c in wholesale.columns
        if pd.api.types.is_integer_dtype(wholesale[c]) and 2 <= wholesale[c].nunique() <= 10
    ]
    assert category_codes(wholesale) == expected == ["Channel", "Region"]
    assert categorical_candidates(wholesale) == ["Channel", "Region"]
    assert default_numeric_features(wholesale) == SPEND
    assert set(numeric_feature_candidates(wholesale)) >= {"Channel", "Region"}  # still choosable
    assert category_codes(mall) == []
    assert not is_category_code(pd.Series([1.5, 2.0, 2.5]))
    assert is_category_code(pd.Series([1.0, 2.0, np.nan, 3.0]))


def test_a_code_can_still_be_a_feature_or_be_encoded(wholesale):
    as_feature = FeaturePreprocessor(["Fresh", "Channel"]).fit_transform(wholesale)
    assert as_feature.columns == ["Fresh", "Channel"]
    encoded = FeaturePreprocessor(["Fresh", "Milk"], categorical="Region").fit_transform(wholesale)
    levels = sorted(wholesale["Region"].astype(str).unique())
    assert encoded.columns == ["Fresh", "Milk"] + [f"Region={level}" for level in levels]
    shares = encoded.original[[f"Region={level}" for level in levels]].mean()
    counts = wholesale["Region"].astype(str).value_counts(normalize=True)
    np.testing.assert_allclose(shares.to_numpy(), counts[levels].to_numpy())
