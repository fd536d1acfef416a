"""Feature choice, encoding and scaling: one fitted preprocessor feeds every method and metric.

``FeaturePreprocessor`` follows scikit-learn's shape (parameters in ``__init__``, ``fit``
returns self, learned state in trailing-underscore attributes) so a fitted one can be saved
with the model and applied to new customers by ``segmenta assign``.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    PowerTransformer,
    RobustScaler,
    StandardScaler,
)

from algorithms.column_use import category_codes, not_numeric
from algorithms.errors import DataError, FeatureError


def log_standard_scaler():
    """log1p then standard scaling: for spend-like columns, most customers near 0 and a long
    tail, which standard scaling alone leaves as one crowded segment plus specks."""
    return make_pipeline(
        FunctionTransformer(np.log1p, inverse_func=np.expm1, check_inverse=False),
        StandardScaler(),
    )


SCALERS = {
    "none": None,
    "standard": StandardScaler,
    "minmax": MinMaxScaler,
    "robust": RobustScaler,
    "log": log_standard_scaler,
    "power": PowerTransformer,  # Yeo-Johnson, then standardised: any sign
}
SCALING_LABELS = {
    "none": "None",
    "standard": "Standard",
    "minmax": "Min–max",
    "robust": "Robust",
    "log": "Log",
    "power": "Power",
}
SCALING_NOTES = {
    "none": "Raw values: a column with a wider range (income in k$ against age) weighs more.",
    "standard": "Each feature to mean 0 and standard deviation 1: equal weight, the usual choice.",
    "minmax": "Each feature to the 0–1 range: one extreme value squeezes all the others.",
    "robust": "Centred on the median and scaled by the interquartile range: outliers pull less.",
    "log": "log(1 + value), then standard: spreads skewed spend where most customers sit near 0 "
    "(values must be 0 or more).",
    "power": "Yeo-Johnson power transform, then standard: makes skewed features symmetric, "
    "any sign.",
}
SKEWED = 2.0
"""Features with a larger |skewness| than this are heavily skewed: log or power scaling helps."""
MAX_CATEGORIES = 20
MAX_MAGNITUDE = 1e100  # squares of larger values overflow float64


def numeric_feature_candidates(table: pd.DataFrame) -> list[str]:
    """Columns that can serve as features: numeric and not constant (min != max is O(n),
    far cheaper than counting distinct values on a million rows)."""
    return [
        column
        for column in table.columns
        if pd.api.types.is_numeric_dtype(table[column])
        and not pd.api.types.is_bool_dtype(table[column])
        and _varies(table[column])
    ]


def _varies(values: pd.Series) -> bool:
    low, high = values.min(), values.max()
    return bool(pd.notna(low) and low != high)


def categorical_candidates(table: pd.DataFrame) -> list[str]:
    """Columns usable for one-hot encoding: text with few distinct values (Gender) and
    category codes (Channel, Region: whole numbers with few values), in the table's order."""
    codes = set(category_codes(table))
    return [
        column
        for column in table.columns
        if column in codes
        or (
            not pd.api.types.is_numeric_dtype(table[column])
            and 1 < table[column].nunique(dropna=True) <= MAX_CATEGORIES
        )
    ]


def default_numeric_features(table: pd.DataFrame) -> list[str]:
    """The numeric feature candidates that measure something: category codes left out."""
    codes = set(category_codes(table))
    return [column for column in numeric_feature_candidates(table) if column not in codes]


def skewness(table: pd.DataFrame, features: list[str]) -> dict[str, float]:
    """{feature: sample skewness} over each feature's present values (pandas' ``skew``)."""
    return {
        column: float(pd.to_numeric(table[column], errors="coerce").skew()) for column in features
    }


def skewed_features(
    table: pd.DataFrame, features: list[str], threshold: float = SKEWED
) -> dict[str, float]:
    """{feature: skewness} for the features whose |skewness| is above ``threshold``."""
    return {
        column: value
        for column, value in skewness(table, features).items()
        if abs(value) > threshold
    }


def skew_remedy(values: pd.Series, skew: float) -> str:
    """The scalings that spread a skewed feature: "log or power" for a long right tail of
    values of 0 or more, "power" otherwise (log1p would stretch a left tail further, and
    refuses negative values)."""
    negative = bool((pd.to_numeric(values, errors="coerce") < 0).any())
    return "power" if negative or skew < 0 else "log or power"


def skew_advice(table: pd.DataFrame, features: list[str], threshold: float = SKEWED) -> str:
    """A sentence naming the heavily skewed features and the scaling to try; "" when none is."""
    skewed = skewed_features(table, features, threshold)
    if not skewed:
        return ""
    named = ", ".join(f"'{column}' (skewness {value:.1f})" for column, value in skewed.items())
    verb = "is" if len(skewed) == 1 else "are"
    remedies = {skew_remedy(table[column], value) for column, value in skewed.items()}
    scaling = "power scaling" if "power" in remedies else "log scaling (or power)"
    return (
        f"{named} {verb} heavily skewed: most customers sit at one end, so try {scaling} "
        "to spread them before clustering."
    )


@dataclass(frozen=True)
class PreparedFeatures:
    """What a clustering run consumes: the scaled matrix plus what it takes to explain it."""

    matrix: np.ndarray
    original: pd.DataFrame
    row_mask: np.ndarray
    preprocessor: "FeaturePreprocessor"
    table_index: pd.Index
    """The input table's index (``row_mask`` is positional over it), to label its rows."""

    @property
    def n_dropped(self) -> int:
        return int((~self.row_mask).sum())

    @property
    def columns(self) -> list[str]:
        return self.preprocessor.columns_


class FeaturePreprocessor:
    """Chooses numeric features, one-hot encodes an optional categorical column and scales.

    Rows with a missing or infinite value in any chosen column are left out of the fit and
    reported (``row_mask``), never silently imputed: a segment should not be made of guesses.
    """

    def __init__(
        self,
        features: list[str],
        scaling: str = "standard",
        categorical: str | None = None,
    ):
        self.features = list(dict.fromkeys(features))
        self.scaling = scaling
        self.categorical = categorical

    def fit(self, table: pd.DataFrame) -> "FeaturePreprocessor":
        self._validate(table)
        numeric, mask = self._numeric_block(table)
        self.categories_ = self._categories(table, mask)
        mask &= self._categorical_mask(table)
        if not mask.any():
            raise DataError(
                "No customer has a value in every chosen column: choose other features "
                "or fill in the missing values."
            )
        self._reject_single_customer(int(mask.sum()), len(table))
        # before the scaler, whose variance would overflow (with warnings) on such values
        self._reject_unusable(numeric[mask], numeric[mask])
        self._reject_constant(numeric[mask])
        self._reject_negative_for_log(numeric, mask)
        scaler_class = SCALERS[self.scaling]
        self.scaler_ = scaler_class().fit(numeric[mask]) if scaler_class else None
        self.columns_ = self.features + [f"{self.categorical}={c}" for c in self.categories_]
        return self

    def transform(self, table: pd.DataFrame) -> PreparedFeatures:
        """Scale ``table``'s rows; rows with missing values are excluded and flagged."""
        self._validate(table)
        numeric, mask = self._numeric_block(table)
        mask &= self._categorical_mask(table)
        if not mask.any():
            raise DataError("No row has a value in every feature column.")
        self._reject_negative_for_log(numeric, mask)
        numeric = numeric[mask]
        scaled = self.scaler_.transform(numeric) if self.scaler_ else numeric.copy()
        self._reject_unusable(numeric, scaled)
        encoded = self._one_hot(table.loc[mask])
        original = pd.DataFrame(
            np.hstack([numeric, encoded]), columns=self.columns_, index=table.index[mask]
        )
        matrix = np.ascontiguousarray(np.hstack([scaled, encoded]), dtype=np.float64)
        return PreparedFeatures(
            matrix=matrix,
            original=original,
            row_mask=mask,
            preprocessor=self,
            table_index=table.index,
        )

    def fit_transform(self, table: pd.DataFrame) -> PreparedFeatures:
        return self.fit(table).transform(table)

    def to_original_units(self, matrix: np.ndarray) -> np.ndarray:
        """Map points of the scaled space (e.g. centroids) back to the table's units."""
        matrix = np.array(matrix, dtype=np.float64, ndmin=2)
        n_numeric = len(self.features)
        if self.scaler_ is not None and len(matrix):
            matrix[:, :n_numeric] = self.scaler_.inverse_transform(matrix[:, :n_numeric])
        return matrix

    def _validate(self, table: pd.DataFrame) -> None:
        if self.scaling not in SCALERS:
            raise FeatureError(
                f"Unknown scaling '{self.scaling}': choose one of {', '.join(SCALERS)}."
            )
        if not self.features:
            raise FeatureError("Choose at least one numeric feature column.")
        if len(table) == 0:
            raise DataError("The table has no rows.")
        wanted = self.features + ([self.categorical] if self.categorical else [])
        missing = [column for column in wanted if column not in table.columns]
        if missing:
            raise FeatureError(
                f"Unknown column {', '.join(repr(m) for m in missing)}; "
                f"available columns: {', '.join(map(str, table.columns))}."
            )
        if self.categorical in self.features:
            raise FeatureError(f"'{self.categorical}' cannot be a feature and encoded at once.")
        for column in self.features:
            _require_numeric(table, column)

    def _numeric_block(self, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        numeric = table[self.features].apply(pd.to_numeric).to_numpy(dtype=np.float64)
        return numeric, np.isfinite(numeric).all(axis=1)

    def _categories(self, table: pd.DataFrame, mask: np.ndarray) -> list[str]:
        if not self.categorical:
            return []
        values = table.loc[mask, self.categorical].dropna().astype(str)
        categories = sorted(values.unique())
        if len(categories) > MAX_CATEGORIES:
            raise FeatureError(
                f"'{self.categorical}' has {len(categories)} distinct values; one-hot encoding "
                f"takes at most {MAX_CATEGORIES}. Choose a column with fewer categories."
            )
        return categories

    def _categorical_mask(self, table: pd.DataFrame) -> np.ndarray:
        if not self.categorical:
            return np.ones(len(table), dtype=bool)
        return table[self.categorical].notna().to_numpy()

    def _one_hot(self, table: pd.DataFrame) -> np.ndarray:
        if not self.categorical:
            return np.empty((len(table), 0))
        values = table[self.categorical].astype(str).to_numpy()
        return (values[:, None] == np.array(self.categories_)[None, :]).astype(np.float64)

    def _reject_unusable(self, numeric: np.ndarray, scaled: np.ndarray) -> None:
        """Values so large that scaling or squared distances overflow are corrupt data, and
        would otherwise surface as NaN deep inside a clustering library."""
        with np.errstate(invalid="ignore"):
            usable = np.isfinite(scaled) & (np.abs(scaled) <= MAX_MAGNITUDE)
        for position, column in enumerate(self.features):
            if not usable[:, position].all():
                largest = np.abs(numeric[:, position]).max()
                raise FeatureError(
                    f"Column '{column}' holds values too large to compute with (up to "
                    f"{largest:g}): check it for corrupt values, or rescale it."
                )

    @staticmethod
    def _reject_single_customer(n_complete: int, n_rows: int) -> None:
        """One customer is no segmentation; said before "the same value for every customer",
        which is true of one row but points at the wrong fix."""
        if n_complete == 1 and n_rows == 1:
            raise only_one_customer("The table")
        if n_complete == 1:
            raise DataError(
                f"Only 1 of {n_rows:,} customers has a value in every chosen column, and "
                "segments need many: choose columns with fewer missing values."
            )

    def _reject_negative_for_log(self, numeric: np.ndarray, mask: np.ndarray) -> None:
        """log1p is no scaling of negative values: name the first one and its row."""
        if self.scaling != "log":
            return
        negative = (numeric < 0) & mask[:, None]
        for position, column in enumerate(self.features):
            rows = np.flatnonzero(negative[:, position])
            if len(rows):
                raise FeatureError(
                    f"Column '{column}' has a negative value ({numeric[rows[0], position]:g} in "
                    f"data row {rows[0] + 1}), and log scaling needs values of 0 or more: "
                    "choose power scaling, which takes any sign."
                )

    def _reject_constant(self, numeric: np.ndarray) -> None:
        for column, values in zip(self.features, numeric.T, strict=True):
            if np.ptp(values) == 0:
                raise FeatureError(
                    f"Column '{column}' has the same value ({values[0]:g}) for every customer, "
                    "so it cannot separate segments: remove it from the features."
                )


def only_one_customer(table_name: str) -> DataError:
    """The error for a table of one row (``table_name``: "The table", or the file's name)."""
    return DataError(
        f"{table_name} has only 1 customer, and segments need many: load the whole customer table."
    )


def _require_numeric(table: pd.DataFrame, column: str) -> None:
    values = table[column]
    if pd.api.types.is_bool_dtype(values):
        raise FeatureError(
            f"Column '{column}' is true/false, not a number: choose another feature."
        )
    if pd.api.types.is_numeric_dtype(values):
        if values.isna().all():
            raise FeatureError(f"Column '{column}' has no values: choose another feature.")
        return
    coerced = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & coerced.isna()
    if bad.any():
        raise FeatureError(
            f"Column {not_numeric(column, values, bad)}. Clean the column or choose another "
            "feature."
        )
    if coerced.isna().all():
        raise FeatureError(f"Column '{column}' has no values: choose another feature.")
