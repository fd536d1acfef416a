"""Per-segment work on thousands of segments, as DBSCAN with a small ``min_samples`` gives on a
large table: the one-pass implementations give what the per-segment loops they replaced gave.

The replaced loops are kept here as the references (``*_loop``). On the 200,000-row,
3,000-segment table they run in full where that takes a second at most, and on a random
subset of the segments otherwise; on smaller tables they run in full.
"""

import numpy as np
import pandas as pd
import pytest

from algorithms.methods import NOISE, make_method
from algorithms.methods.base import member_means, relabel, size_order
from algorithms.profiling import draft_label, profile_clusters
from algorithms.sampling import stratified_sample
from algorithms.stability import best_jaccards
from tests.algorithms.helpers import best_jaccard

N_SEGMENTS = 3_000
FEATURES = ["Age", "Annual Income (k$)", "Spending Score (1-100)"]


@pytest.fixture(scope="module")
def many_segments():
    """About 200,000 customers in 3,000 segments of 5 to 127 customers (so many sizes tie),
    5% noise, rows in random order, raw ids neither contiguous nor in size order."""
    rng = np.random.default_rng(7)
    sizes = rng.integers(5, 128, N_SEGMENTS)
    raw_ids = rng.permutation(N_SEGMENTS) * 3 + 2
    clustered = np.repeat(raw_ids, sizes)
    raw = rng.permutation(np.concatenate([clustered, np.full(len(clustered) // 19, NOISE)]))
    centres = rng.uniform(0, 100, size=(raw.max() + 1, len(FEATURES)))
    values = centres[np.where(raw == NOISE, 0, raw)] + rng.normal(0, 2, (len(raw), 3))
    original = pd.DataFrame(values.round(1), columns=FEATURES)
    gender = rng.choice(
        np.array(["Female", "Male", None], dtype=object), len(raw), p=[0.55, 0.4, 0.05]
    )
    categories = pd.Series(gender, name="Gender", index=np.arange(len(raw)) + 10_000)
    return raw, original, categories


def size_order_loop(raw_labels):
    ids = np.unique(raw_labels[raw_labels != NOISE])
    sizes = np.array([(raw_labels == i).sum() for i in ids])
    first = np.array([np.argmax(raw_labels == i) for i in ids])
    return ids[np.lexsort((first, -sizes))] if len(ids) else ids


def test_size_order_and_renumbering_are_the_loops(many_segments):
    raw, _, _ = many_segments
    order = size_order(raw)
    np.testing.assert_array_equal(order, size_order_loop(raw))

    labels = relabel(raw, order)
    new_number = {int(old): new for new, old in enumerate(order)}
    new_number[NOISE] = NOISE
    np.testing.assert_array_equal(labels, [new_number[old] for old in raw.tolist()])
    sizes = np.bincount(labels[labels != NOISE])
    assert len(sizes) == N_SEGMENTS and (np.diff(sizes) <= 0).all()
    tied = sizes[:-1] == sizes[1:]
    assert tied.sum() > 1000  # ties are what the first-appearance rule is for
    first_seen = pd.Series(np.arange(len(labels))).groupby(labels).min().drop(NOISE).to_numpy()
    assert (np.diff(first_seen)[tied] > 0).all()


def test_member_means_are_the_loop(many_segments):
    raw, original, _ = many_segments
    labels = relabel(raw, size_order(raw))
    matrix = original.to_numpy()
    means = member_means(matrix, labels, N_SEGMENTS)

    assert means.shape == (N_SEGMENTS, len(FEATURES))
    for cluster in np.random.default_rng(1).choice(N_SEGMENTS, 60, replace=False):
        np.testing.assert_allclose(means[cluster], matrix[labels == cluster].mean(axis=0))
    grouped = original.groupby(labels).mean().drop(NOISE)
    np.testing.assert_allclose(means, grouped.to_numpy(), rtol=1e-12)


def test_member_means_of_an_empty_cluster_are_nan():
    means = member_means(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0, NOISE]), 2)
    np.testing.assert_array_equal(means[0], [1.0, 2.0])
    assert np.isnan(means[1]).all()


def profile_rows_loop(original, labels, categories, clusters):
    """The replaced ``profile_clusters`` loop, for the given clusters (labels not de-duplicated)."""
    overall_mean = original.mean()
    overall_std = original.std(ddof=0).replace(0, np.nan)
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
    return pd.DataFrame(rows)


def drafted_as(labels: pd.Series, drafts: pd.Series) -> bool:
    """Whether each label is its draft, or its draft followed by what tells it apart from
    segments drafted alike ('High Income (Age ≈ 31)')."""
    return all(
        label == draft or label.startswith(f"{draft} (")
        for label, draft in zip(labels, drafts, strict=True)
    )


def test_profiles_of_thousands_of_segments_are_the_loop_on_a_subset(many_segments):
    raw, original, categories = many_segments
    labels = relabel(raw, size_order(raw))
    profile = profile_clusters(original, labels, categories)

    assert profile["cluster"].tolist() == [*range(N_SEGMENTS), NOISE]
    assert profile["label"].is_unique
    subset = [*np.random.default_rng(2).choice(N_SEGMENTS, 25, replace=False).tolist(), NOISE]
    expected = profile_rows_loop(original, labels, categories, subset)
    got = profile.set_index("cluster").loc[subset].reset_index()
    assert list(got.columns) == list(expected.columns)
    assert drafted_as(got["label"], expected["label"])
    pd.testing.assert_frame_equal(
        got.drop(columns="label"), expected.drop(columns="label"), check_dtype=False
    )


def test_profiles_are_the_loop_in_full_on_dbscan_micro_segments(mall):
    """DBSCAN with a small eps on the mall table: dozens of segments and much noise."""
    original = mall[["Age", "Annual Income (k$)", "Spending Score (1-100)"]].astype(float)
    scaled = ((original - original.mean()) / original.std()).to_numpy()
    labels = make_method("dbscan", eps=0.3, min_samples=3).fit(scaled).labels_
    assert labels.max() >= 9 and (labels == NOISE).any()
    gender = mall["Gender"].set_axis(mall.index + 1)
    gender[gender.index % 7 == 0] = None

    clusters = [*range(labels.max() + 1), NOISE]
    expected = profile_rows_loop(original, labels, gender, clusters)
    got = profile_clusters(original, labels, gender)
    assert got["label"].is_unique and drafted_as(got["label"], expected["label"])
    pd.testing.assert_frame_equal(
        got.drop(columns="label"), expected.drop(columns="label"), check_dtype=False
    )


def stratified_sample_loop(labels, size, seed=0, min_per_cluster=50):
    """The replaced loop (whose floor was always ``min_per_cluster``)."""
    if len(labels) <= size:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    clusters, counts = np.unique(labels, return_counts=True)
    quotas = np.maximum(np.round(counts * size / len(labels)), min_per_cluster)
    quotas = np.minimum(quotas, counts).astype(int)
    chosen = [
        rng.choice(np.flatnonzero(labels == cluster), size=quota, replace=False)
        for cluster, quota in zip(clusters, quotas, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


@pytest.mark.parametrize(("size", "min_per_cluster", "seed"), [(70_000, 20, 0), (100_000, 5, 3)])
def test_stratified_sample_is_the_loop_row_for_row(many_segments, size, min_per_cluster, seed):
    """Wherever the floors fit in the size (3,001 groups x 20 <= 70,000), row for row."""
    raw, _, _ = many_segments
    np.testing.assert_array_equal(
        stratified_sample(raw, size, seed, min_per_cluster),
        stratified_sample_loop(raw, size, seed, min_per_cluster),
    )


def test_stratified_sample_of_thousands_of_segments_stays_near_its_size(many_segments):
    """Up to 50 per segment would be about 125,000 rows for a 10,000 sample (a silhouette
    over 100 times the work): the floor drops to what the size allows, never below 2 rows."""
    raw, _, _ = many_segments
    groups, counts = np.unique(raw, return_counts=True)
    sample = stratified_sample(raw, 10_000, seed=4)
    floor = max(2, 10_000 // len(groups))

    assert (np.diff(sample) > 0).all()
    assert len(sample) < 2 * 10_000 + 2.5 * len(groups)
    in_sample = np.unique(raw[sample], return_counts=True)
    np.testing.assert_array_equal(in_sample[0], groups)
    assert (in_sample[1] >= np.minimum(counts, floor)).all()
    np.testing.assert_array_equal(sample, stratified_sample(raw, 10_000, seed=4))


def best_jaccard_loop(rows, in_cluster, refit):
    """The replaced set-based ``best_jaccard``."""
    members = set(rows[in_cluster].tolist())
    if not members:
        return 0.0
    best = 0.0
    for candidate in set(refit.tolist()) - {NOISE}:
        other = set(rows[refit == candidate].tolist())
        best = max(best, len(members & other) / len(members | other))
    return best


def test_best_jaccards_of_every_cluster_are_the_set_loop():
    """A bootstrap of 6,000 customers in 150 segments against 120 re-fitted ones, where
    a customer drawn twice may even land in two re-fitted segments."""
    rng = np.random.default_rng(5)
    labels = rng.integers(-1, 150, 6000)
    labels[labels == 149] = 400  # an id beyond the others
    rows = rng.choice(6000, 6000, replace=True)
    refit = np.where(rng.random(6000) < 0.8, labels[rows] % 120, rng.integers(-1, 120, 6000))
    clusters = np.unique(labels[labels != NOISE])
    codes = np.where(labels != NOISE, np.searchsorted(clusters, labels), NOISE)

    got = best_jaccards(rows, codes, refit, len(clusters))
    expected = [best_jaccard_loop(rows, labels[rows] == c, refit) for c in clusters]
    np.testing.assert_array_equal(got, expected)
    assert got.min() > 0 and got.max() < 1
    for cluster in clusters[:5]:
        in_cluster = labels[rows] == cluster
        assert best_jaccard(rows, in_cluster, refit) == best_jaccard_loop(rows, in_cluster, refit)


def test_a_cluster_never_drawn_scores_zero():
    codes = np.array([0, 0, 1, 1, NOISE])
    got = best_jaccards(np.array([0, 1, 4, 4]), codes, np.array([3, 3, NOISE, NOISE]), 2)
    np.testing.assert_array_equal(got, [1.0, 0.0])
