"""Feature preparation against scikit-learn's scalers, and the errors a user can act on."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from algorithms.errors import DataError, FeatureError, SegmentaError
from algorithms.preprocessing import (
    MAX_CATEGORIES,
    FeaturePreprocessor,
    PreparedFeatures,
    categorical_candidates,
    numeric_feature_candidates,
)
from tests.algorithms.helpers import INCOME, PROPERTY, SPENDING

FEATURES = ["Age", INCOME, SPENDING]


@pytest.mark.parametrize(
    ("scaling", "scaler"),
    [("standard", StandardScaler), ("minmax", MinMaxScaler), ("robust", RobustScaler)],
)
def test_each_scaling_is_the_sklearn_scaler(mall, scaling, scaler):
    prepared = FeaturePreprocessor(FEATURES, scaling).fit_transform(mall)
    expected = scaler().fit_transform(mall[FEATURES].to_numpy(dtype=float))

    np.testing.assert_allclose(prepared.matrix, expected, rtol=1e-12, atol=1e-12)
    assert prepared.matrix.flags["C_CONTIGUOUS"]
    assert prepared.columns == FEATURES
    np.testing.assert_array_equal(prepared.original.to_numpy(), mall[FEATURES].to_numpy())


def test_no_scaling_keeps_the_values(mall):
    prepared = FeaturePreprocessor(FEATURES, "none").fit_transform(mall)
    np.testing.assert_array_equal(prepared.matrix, mall[FEATURES].to_numpy(dtype=float))


@pytest.mark.parametrize("scaling", ["standard", "minmax", "robust", "none"])
def test_scaled_points_map_back_to_original_units(mall, scaling):
    prepared = FeaturePreprocessor(FEATURES, scaling, "Gender").fit_transform(mall)
    back = prepared.preprocessor.to_original_units(prepared.matrix)
    np.testing.assert_allclose(back, prepared.original.to_numpy(), rtol=1e-12, atol=1e-9)
    assert prepared.preprocessor.to_original_units(np.empty((0, 5))).shape == (0, 5)


def test_gender_is_one_hot_encoded_unscaled(mall):
    prepared = FeaturePreprocessor([INCOME, SPENDING], "standard", "Gender").fit_transform(mall)

    assert prepared.columns == [INCOME, SPENDING, "Gender=Female", "Gender=Male"]
    np.testing.assert_array_equal(prepared.matrix[:, 2], (mall["Gender"] == "Female").to_numpy())
    np.testing.assert_array_equal(prepared.matrix[:, 3], (mall["Gender"] == "Male").to_numpy())
    np.testing.assert_array_equal(prepared.original["Gender=Female"], prepared.matrix[:, 2])
    expected = StandardScaler().fit_transform(mall[[INCOME, SPENDING]].to_numpy(dtype=float))
    np.testing.assert_allclose(prepared.matrix[:, :2], expected)


def test_rows_with_missing_or_infinite_values_are_dropped_and_counted():
    table = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, 4.0, np.inf, 6.0, 7.0],
            "b": [1.0, 2.0, -np.inf, 4.0, 5.0, 6.0, 9.0],
            "Gender": ["F", "M", "F", None, "M", "F", "M"],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    prepared = FeaturePreprocessor(["a", "b"], "standard", "Gender").fit_transform(table)

    assert prepared.row_mask.tolist() == [True, False, False, False, False, True, True]
    assert prepared.n_dropped == 4
    assert prepared.matrix.shape == (3, 4)
    assert prepared.original.index.tolist() == [10, 15, 16]
    assert prepared.table_index.equals(table.index)
    kept = table.loc[prepared.row_mask, ["a", "b"]].to_numpy()
    np.testing.assert_allclose(prepared.matrix[:, :2], StandardScaler().fit_transform(kept))


@pytest.mark.parametrize(
    "values",
    [
        pd.array([1, None, 3, 7], dtype="Int64"),
        pd.array([1.0, None, 3.0, 7.0], dtype="Float64"),
        pd.array([1.0, None, 3.0, 7.0], dtype="double[pyarrow]"),
        pd.Series(["1", None, "3", "7"], dtype="str"),
        pd.Series(["1", None, " 3", "7.0"], dtype=object),
    ],
)
def test_nullable_arrow_and_text_numbers_are_read_as_numbers(values):
    table = pd.DataFrame({"a": values, "b": [2.0, 4.0, 6.0, 10.0]})
    prepared = FeaturePreprocessor(["a", "b"], "none").fit_transform(table)

    assert prepared.row_mask.tolist() == [True, False, True, True]
    np.testing.assert_array_equal(prepared.matrix, [[1, 2], [3, 6], [7, 10]])


def test_transform_uses_the_training_scaling_and_categories(mall):
    train, new = mall.iloc[:150], mall.iloc[150:].copy()
    new.loc[new.index[0], "Gender"] = "Other"
    preprocessor = FeaturePreprocessor([INCOME, SPENDING], "standard", "Gender").fit(train)
    prepared = preprocessor.transform(new)

    scaler = StandardScaler().fit(train[[INCOME, SPENDING]].to_numpy(dtype=float))
    expected = scaler.transform(new[[INCOME, SPENDING]].to_numpy(dtype=float))
    np.testing.assert_allclose(prepared.matrix[:, :2], expected)
    assert prepared.matrix[0, 2:].tolist() == [0.0, 0.0]


def test_feature_candidates_of_the_mall_table(mall):
    assert numeric_feature_candidates(mall) == FEATURES
    assert categorical_candidates(mall) == ["Gender"]


def error_message(table, features, scaling="standard", categorical=None, error=SegmentaError):
    with pytest.raises(error) as raised:
        FeaturePreprocessor(features, scaling, categorical).fit_transform(table)
    return str(raised.value)


def test_unknown_column_lists_the_available_ones(mall):
    message = error_message(mall, ["Income", SPENDING], error=FeatureError)
    assert "Unknown column 'Income'" in message
    for name in mall.columns:
        assert name in message


def test_non_numeric_column_names_the_column_row_and_value():
    table = pd.DataFrame({"Income": ["15", "16", "12k", "20", "n/a"], "Score": [1, 2, 3, 4, 5]})
    message = error_message(table, ["Income", "Score"], error=FeatureError)
    assert "'Income' is not numeric" in message
    assert "row 3" in message
    assert "'12k'" in message
    assert "2 such values" in message


def test_text_column_is_not_numeric(mall):
    message = error_message(mall, ["Gender", INCOME], error=FeatureError)
    assert "'Gender' is not numeric" in message and "'Male'" in message


def test_constant_column_is_named():
    table = pd.DataFrame({"a": [3.0, 3.0, 3.0], "b": [1.0, 2.0, 3.0]})
    message = error_message(table, ["a", "b"], error=FeatureError)
    assert "'a' has the same value (3) for every customer" in message


def test_column_constant_among_complete_rows_is_named():
    table = pd.DataFrame({"a": [3.0, 5.0, 3.0], "b": [1.0, np.nan, 3.0]})
    assert "'a' has the same value (3)" in error_message(table, ["a", "b"], error=FeatureError)


@pytest.mark.parametrize("empty", [[np.nan] * 3, [None] * 3, pd.array([None] * 3, dtype="Int64")])
def test_all_missing_column_is_named(empty):
    table = pd.DataFrame({"a": empty, "b": [1.0, 2.0, 3.0]})
    assert "'a' has no values" in error_message(table, ["a", "b"], error=FeatureError)


def test_true_false_column_is_refused():
    table = pd.DataFrame({"a": [True, False, True], "b": [1.0, 2.0, 3.0]})
    assert "'a' is true/false" in error_message(table, ["a", "b"], error=FeatureError)


def test_values_too_large_to_compute_with_are_named():
    table = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 8e307, 8e307]})
    for scaling in ("standard", "none"):
        message = error_message(table, ["a", "b"], scaling=scaling, error=FeatureError)
        assert "'b' holds values too large to compute with (up to 8e+307)" in message


def test_empty_table():
    table = pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=float)})
    assert "no rows" in error_message(table, ["a", "b"], error=DataError)


def test_no_complete_row():
    table = pd.DataFrame({"a": [1.0, np.nan], "b": [np.nan, 2.0]})
    assert "No customer has a value in every chosen column" in error_message(
        table, ["a", "b"], error=DataError
    )


def test_no_features_unknown_scaling_and_double_use(mall):
    assert "at least one numeric feature" in error_message(mall, [])
    assert "Unknown scaling 'zscore'" in error_message(mall, [INCOME], scaling="zscore")
    assert "cannot be a feature and encoded" in error_message(
        mall, ["Gender"], categorical="Gender"
    )


def test_too_many_categories():
    n = MAX_CATEGORIES + 5
    table = pd.DataFrame({"a": np.arange(n, dtype=float), "city": [f"c{i}" for i in range(n)]})
    message = error_message(table, ["a"], categorical="city", error=FeatureError)
    assert f"'city' has {n} distinct values" in message


def test_duplicate_features_are_used_once(mall):
    prepared = FeaturePreprocessor([INCOME, INCOME, SPENDING]).fit_transform(mall)
    assert prepared.columns == [INCOME, SPENDING]


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, 1e308, -1e308, 5e-324, 1e-310]),
)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@PROPERTY
@given(
    table=data_frames(
        [column("a", elements=numbers), column("b", elements=numbers)],
        index=range_indexes(min_size=0, max_size=25),
    ),
    scaling=st.sampled_from(["standard", "minmax", "robust", "none"]),
)
def test_random_numeric_tables_give_finite_features_or_a_segmenta_error(table, scaling):
    try:
        prepared = FeaturePreprocessor(["a", "b"], scaling).fit_transform(table)
    except SegmentaError:
        return
    assert isinstance(prepared, PreparedFeatures)
    assert prepared.matrix.shape == (prepared.row_mask.sum(), 2)
    assert np.isfinite(prepared.matrix).all()
    assert len(prepared.original) == prepared.row_mask.sum()


@PROPERTY
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.integers(-1000, 1000).map(str),
            st.floats(-1e6, 1e6).map(str),
            st.text(max_size=4),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_random_text_columns_give_features_or_a_segmenta_error(values):
    table = pd.DataFrame({"a": pd.Series(values, dtype=object), "b": np.arange(len(values))})
    try:
        prepared = FeaturePreprocessor(["a", "b"]).fit_transform(table)
    except SegmentaError as error:
        assert re.search(r"'a'|'b'|customer|row", str(error))
        return
    assert prepared.matrix.shape == (prepared.row_mask.sum(), 2)
    assert np.isfinite(prepared.matrix).all()
