"""Cluster profiles in the table's own units, and a drafted persona label for each.

The label is only a first draft ("High Income · Low Spending") built from the features on
which a cluster stands out most from the population; the persona editor lets people rename it.
"""

import re

import numpy as np
import pandas as pd

from algorithms.methods.base import NOISE

SHORT_NAMES = {"Annual Income": "Income", "Spending Score": "Spending"}
AGE_WORDS = ("Young", "Middle-aged", "Older")
LEVEL_WORDS = ("Low", "Mid", "High")
STAND_OUT = 0.5
MAX_LABEL_FEATURES = 2


def short_name(column: str) -> str:
    """'Annual Income (k$)' -> 'Income': the unit dropped, the usual words shortened."""
    name = re.sub(r"\s*\(.*?\)", "", str(column)).strip() or str(column)
    return SHORT_NAMES.get(name, name)


def profile_clusters(
    original: pd.DataFrame,
    labels: np.ndarray,
    categories: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per cluster (noise last, as cluster -1): size, share, mean and median of every
    feature, the difference from the overall mean, the category mix, and a drafted label.

    ``original`` holds the feature values (original units) of the clustered rows, ``labels``
    their clusters, ``categories`` an optional column such as Gender for the same rows.
    """
    labels = np.asarray(labels)
    overall_mean = original.mean()
    overall_std = original.std(ddof=0).replace(0, np.nan)
    clusters = sorted(set(labels.tolist()) - {NOISE}) + ([NOISE] if (labels == NOISE).any() else [])
    levels = sorted(categories.dropna().unique()) if categories is not None else []
    rows = []
    for cluster in clusters:
        members = original[labels == cluster]
        row = {"cluster": cluster, "size": len(members), "share": len(members) / len(original)}
        for column in original.columns:
            row[f"mean {column}"] = float(members[column].mean())
            row[f"median {column}"] = float(members[column].median())
            row[f"diff {column}"] = float(members[column].mean() - overall_mean[column])
        if categories is not None:
            mix = categories[labels == cluster].value_counts(normalize=True)
            mix = mix.reindex(levels, fill_value=0.0)
            for value, share in mix.items():
                row[f"share {categories.name}={value}"] = float(share)
        zscores = (members.mean() - overall_mean) / overall_std
        row["label"] = "Outliers (noise)" if cluster == NOISE else draft_label(zscores)
        rows.append(row)
    profile = pd.DataFrame(rows)
    profile["label"] = _make_unique(profile["label"].tolist())
    return profile


def draft_label(zscores: pd.Series) -> str:
    """Words for the features where the cluster stands out, in the features' order."""
    numeric = zscores.dropna()
    numeric = numeric[[("=" not in str(c)) for c in numeric.index]]
    standing_out = numeric[numeric.abs() >= STAND_OUT]
    if standing_out.empty:
        return "Average Customers"
    chosen = standing_out.abs().sort_values(ascending=False).index[:MAX_LABEL_FEATURES]
    words = [_describe(column, numeric[column]) for column in numeric.index if column in chosen]
    return " · ".join(words)


def _describe(column: str, zscore: float) -> str:
    level = 0 if zscore <= -STAND_OUT else 2 if zscore >= STAND_OUT else 1
    name = short_name(column)
    if name.lower() == "age":
        return AGE_WORDS[level]
    return f"{LEVEL_WORDS[level]} {name}"


def _make_unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique
