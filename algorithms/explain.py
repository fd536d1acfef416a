"""What makes a segment: the features that set it apart from the other customers, and a short
rule a marketer can act on ("Annual Income (k$) > 69.5 and Spending Score (1-100) <= 40.5").

Profiles list means; a mean does not say which difference matters, nor where to draw the line
in a CRM filter. The ranking is the standardised difference of the segment's mean from the
rest's; the rule is the best leaf of a shallow one-vs-rest decision tree grown on the table's
own units, with its precision (customers matching the rule who are in the segment) and
coverage (the segment's customers the rule finds).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from algorithms.methods.base import NOISE
from algorithms.sampling import random_sample

MAX_DEPTH = 3
TOP_FEATURES = 3
MAX_EXPLAINED_SEGMENTS = 20
"""Beyond this many segments (DBSCAN on a large table) none is explained: no one reads them."""
TREE_SAMPLE = 20_000
"""Rows a tree is grown on; precision and coverage are measured on every row."""
MIN_LEAF_SHARE = 0.01


@dataclass(frozen=True)
class Rule:
    text: str
    precision: float
    coverage: float

    def as_dict(self) -> dict:
        return {"text": self.text, "precision": self.precision, "coverage": self.coverage}


def standardised_differences(original: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """One row per segment (noise left out), one column per feature: (segment mean - mean of
    every other customer) / the feature's standard deviation over all customers."""
    labels = np.asarray(labels)
    spread = original.std(ddof=0).replace(0, np.nan)
    totals, n_rows = original.sum(), len(original)
    grouped = original.groupby(labels)
    sums, sizes = grouped.sum(), grouped.size()
    segments = [c for c in sizes.index if c != NOISE]
    inside = sums.loc[segments].div(sizes.loc[segments], axis=0)
    outside_n = (n_rows - sizes.loc[segments]).replace(0, np.nan)
    outside = (totals - sums.loc[segments]).div(outside_n, axis=0)
    return (inside - outside) / spread


def top_features(differences: pd.Series, n: int = TOP_FEATURES) -> list[dict]:
    """The ``n`` features a segment differs most on, largest |difference| first."""
    ranked = differences.dropna().reindex(
        differences.dropna().abs().sort_values(ascending=False).index
    )
    return [
        {"feature": str(feature), "difference": float(value)}
        for feature, value in ranked.head(n).items()
    ]


def segment_rule(
    original: pd.DataFrame, in_segment: np.ndarray, max_depth: int = MAX_DEPTH, seed: int = 0
) -> Rule | None:
    """The rule of the tree leaf that best finds the segment (most of its customers at a
    precision above one half); None when no leaf holds mostly the segment's customers."""
    in_segment = np.asarray(in_segment, dtype=bool)
    rows = random_sample(len(original), TREE_SAMPLE, seed)
    values = original.to_numpy(dtype=float)
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(1, int(MIN_LEAF_SHARE * in_segment[rows].sum())),
        random_state=seed,
    ).fit(values[rows], in_segment[rows])
    best, best_score = None, 0.0
    for conditions in _leaf_paths(tree):
        matched = _matches(values, conditions)
        hits = int((matched & in_segment).sum())
        if not matched.any() or hits / matched.sum() <= 0.5:
            continue
        precision, coverage = hits / matched.sum(), hits / max(int(in_segment.sum()), 1)
        score = 2 * precision * coverage / (precision + coverage)
        if score > best_score:
            best, best_score = (conditions, precision, coverage), score
    if best is None:
        return None
    conditions, precision, coverage = best
    return Rule(_rule_text(list(original.columns), conditions), float(precision), float(coverage))


def explain_segments(original: pd.DataFrame, labels: np.ndarray, seed: int = 0) -> dict[int, dict]:
    """{segment: {"top_features": [...], "rule": {...} or None}}; empty beyond
    ``MAX_EXPLAINED_SEGMENTS`` segments or with a single one (nothing to set it apart from)."""
    labels = np.asarray(labels)
    segments = [int(c) for c in np.unique(labels) if c != NOISE]
    if not 2 <= len(segments) <= MAX_EXPLAINED_SEGMENTS:
        return {}
    differences = standardised_differences(original, labels)
    explained = {}
    for segment in segments:
        rule = segment_rule(original, labels == segment, seed=seed)
        explained[segment] = {
            "top_features": top_features(differences.loc[segment]),
            "rule": rule.as_dict() if rule else None,
        }
    return explained


def _leaf_paths(tree: DecisionTreeClassifier) -> list[list[tuple[int, str, float]]]:
    """For each leaf, the (feature, "<=" or ">", threshold) conditions leading to it."""
    structure = tree.tree_
    paths, stack = [], [(0, [])]
    while stack:
        node, conditions = stack.pop()
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # a leaf
            paths.append(conditions)
            continue
        feature, threshold = int(structure.feature[node]), float(structure.threshold[node])
        stack.append((left, [*conditions, (feature, "<=", threshold)]))
        stack.append((right, [*conditions, (feature, ">", threshold)]))
    return paths


def _matches(values: np.ndarray, conditions) -> np.ndarray:
    matched = np.ones(len(values), dtype=bool)
    for feature, op, threshold in conditions:
        column = values[:, feature]
        matched &= column <= threshold if op == "<=" else column > threshold
    return matched


def _rule_text(columns: list[str], conditions) -> str:
    """The conditions joined by "and", one bound per feature and side (the tightest), an
    encoded category ('Gender=Female') said as 'Gender is Female' / 'is not Female'."""
    bounds: dict[tuple[int, str], float] = {}
    for feature, op, threshold in conditions:
        tighter = min if op == "<=" else max
        key = (feature, op)
        bounds[key] = tighter(bounds[key], threshold) if key in bounds else threshold
    parts = []
    for (feature, op), threshold in sorted(bounds.items()):
        name = str(columns[feature])
        if "=" in name:
            column, level = name.split("=", 1)
            parts.append(f"{column} is {'not ' if op == '<=' else ''}{level}")
        else:
            parts.append(f"{name} {'≤' if op == '<=' else '>'} {_number(threshold)}")
    return " and ".join(parts)


def _number(value: float) -> str:
    """A threshold as people write it: 69.5, 1,250, 0.0417."""
    if abs(value) >= 100:
        return f"{value:,.0f}" if float(round(value)) == value else f"{value:,.1f}"
    return np.format_float_positional(value, precision=3, fractional=False, trim="-")
