"""Cluster profiles in the table's own units, and a drafted persona label for each.

The label is only a first draft ("High Income · Low Spending") built from the features on
which a cluster stands out most from the population; the persona editor lets people rename it.
Segments drafted alike are told apart by what differs between them ("High PURCHASES
(PURCHASES ≈ 4,210)"), so twelve segments never read as five "High PURCHASES".
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
    their clusters, ``categories`` an optional column such as Gender for the same rows (matched
    by position). Every figure comes from one grouped pass, so thousands of clusters (DBSCAN
    with a small ``min_samples`` on a large table) cost about what five do.
    """
    labels = np.asarray(labels)
    present = np.unique(labels)
    clusters = [int(c) for c in present if c != NOISE] + ([NOISE] if NOISE in present else [])
    grouped = original.groupby(labels)
    sizes = grouped.size().reindex(clusters).to_numpy()
    means = grouped.mean().reindex(clusters)
    medians = grouped.median().reindex(clusters)
    differences = means - original.mean()
    profile = {"cluster": clusters, "size": sizes, "share": sizes / len(original)}
    for column in original.columns:
        profile[f"mean {column}"] = means[column].to_numpy(dtype=float)
        profile[f"median {column}"] = medians[column].to_numpy(dtype=float)
        profile[f"diff {column}"] = differences[column].to_numpy(dtype=float)
    if categories is not None:
        profile |= _category_shares(labels, categories, clusters)
    zscores = (differences / original.std(ddof=0).replace(0, np.nan)).to_numpy(dtype=float)
    names = list(original.columns)
    drafted = [
        "Outliers (noise)" if cluster == NOISE else _label_from(names, row)
        for cluster, row in zip(clusters, zscores, strict=True)
    ]
    told_apart = told_apart_labels(drafted, names, zscores, means.to_numpy(dtype=float))
    return pd.DataFrame(profile | {"label": _make_unique(told_apart)})


def _category_shares(labels: np.ndarray, categories: pd.Series, clusters: list[int]) -> dict:
    """``share <name>=<level>`` per level: the level's share of the cluster's known values
    (0 for a level the cluster lacks, and for every level when all its values are missing)."""
    levels = sorted(categories.dropna().unique())
    pairs = pd.DataFrame({"cluster": labels, "level": categories.to_numpy()})
    counts = pairs.groupby(["cluster", "level"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=clusters, columns=levels, fill_value=0).to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    return {
        f"share {categories.name}={level}": shares[:, index] for index, level in enumerate(levels)
    }


def draft_label(zscores: pd.Series) -> str:
    """Words for the features where the cluster stands out, in the features' order."""
    return _label_from(list(zscores.index), zscores.to_numpy(dtype=float))


def _label_from(columns: list, zscores: np.ndarray) -> str:
    """``draft_label`` on plain values: the two features farthest from the mean (ties to the
    first), if at least STAND_OUT standard deviations; encoded categories ('a=b') never."""
    numeric = [
        (column, z)
        for column, z in zip(columns, zscores, strict=True)
        if not np.isnan(z) and "=" not in str(column)
    ]
    standing_out = [(column, z) for column, z in numeric if abs(z) >= STAND_OUT]
    if not standing_out:
        return "Average Customers"
    ranked = sorted(standing_out, key=lambda pair: -abs(pair[1]))
    chosen = {column for column, _ in ranked[:MAX_LABEL_FEATURES]}
    return " · ".join(_describe(column, z) for column, z in numeric if column in chosen)


def _describe(column: str, zscore: float) -> str:
    level = 0 if zscore <= -STAND_OUT else 2 if zscore >= STAND_OUT else 1
    name = short_name(column)
    if name.lower() == "age":
        return AGE_WORDS[level]
    return f"{LEVEL_WORDS[level]} {name}"


def told_apart_labels(
    drafted: list[str], columns: list, zscores: np.ndarray, means: np.ndarray
) -> list[str]:
    """``drafted`` labels (one per row of ``zscores``/``means``, a column per feature), each
    label shared by several segments followed by what tells them apart: the feature on which
    they differ most, in words where each falls in its own level ("(Young)", "(Older)"), else
    its mean in the table's units ("(Income ≈ 88)")."""
    rows_by_label: dict[str, list[int]] = {}
    for row, text in enumerate(drafted):
        rows_by_label.setdefault(text, []).append(row)
    told_apart = list(drafted)
    numeric = [i for i, column in enumerate(columns) if "=" not in str(column)]
    for text, rows in rows_by_label.items():
        if len(rows) < 2 or not numeric:
            continue
        members = np.nan_to_num(zscores[np.ix_(rows, numeric)], nan=0.0)
        column = numeric[int(np.argmax(members.max(axis=0) - members.min(axis=0)))]
        suffixes = _what_differs(columns[column], zscores[rows, column], means[rows, column])
        for row, suffix in zip(rows, suffixes, strict=True):
            told_apart[row] = f"{text} ({suffix})"
    return told_apart


def _what_differs(column: str, zscores: np.ndarray, means: np.ndarray) -> list[str]:
    words = [_describe(column, z) for z in np.nan_to_num(zscores, nan=0.0)]
    if len(set(words)) == len(words):
        return words
    return [f"{short_name(column)} ≈ {_rounded(mean)}" for mean in means]


def _rounded(value: float) -> str:
    """Three significant digits, thousands with separators: 0.123, 88.4, 4,210."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _make_unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique
