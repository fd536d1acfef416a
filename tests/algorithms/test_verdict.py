"""Degenerate results and the verdict, on the public tables, against scikit-learn run directly."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN, KMeans
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import flagged_ks, k_distances, recommend_k, suggest_eps, sweep_k
from algorithms.segmentation import SegmentationSpec, run_segmentation
from algorithms.verdict import (
    DOMINANT,
    NOISY,
    ONE_SEGMENT,
    TINY,
    Balance,
    Candidate,
    degenerate_flags,
    share_text,
    verdict,
)

CC_FEATURES = ("BALANCE", "PURCHASES")
SPEND = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]


def sizes_of(labels: np.ndarray) -> dict[int, int]:
    clusters, counts = np.unique(labels, return_counts=True)
    return dict(zip(clusters.tolist(), counts.tolist(), strict=True))


def candidate(label: str, segmentation) -> Candidate:
    return Candidate(
        label,
        segmentation.scores.as_dict(),
        segmentation.sizes(),
        segmentation.labels,
        segmentation.prepared.row_mask,
    )


@pytest.fixture(scope="module")
def cc_dbscan_labels(cc_general):
    """scikit-learn's DBSCAN on CC GENERAL's BALANCE x PURCHASES at the suggested eps."""
    matrix = StandardScaler().fit_transform(cc_general[list(CC_FEATURES)].dropna())
    eps = suggest_eps(k_distances(matrix, 5))
    return eps, DBSCAN(eps=eps, min_samples=5).fit(matrix).labels_


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.004, "<1 %"), (0.0, "0 %"), (0.34, "34 %"), (0.995, ">99 %"), (1.0, "100 %")],
)
def test_shares_never_round_a_minority_away(share, text):
    assert share_text(share) == text


def test_dbscan_at_the_suggested_eps_on_cc_general_is_flagged(cc_dbscan_labels):
    _, labels = cc_dbscan_labels
    clustered = pd.Series(labels[labels != -1])
    shares = clustered.value_counts(normalize=True)
    kinds = {flag.kind for flag in degenerate_flags(sizes_of(labels))}
    assert (DOMINANT in kinds) == (shares.max() > 0.9)
    assert (TINY in kinds) == (shares.min() < 0.01)
    assert (NOISY in kinds) == ((labels == -1).mean() > 0.3)
    assert DOMINANT in kinds  # the finding: one segment holds 95-98 %
    balance = Balance.of(sizes_of(labels))
    assert balance.largest == pytest.approx(shares.max())
    assert balance.smallest == pytest.approx(shares.min())
    assert balance.text() == f"largest {share_text(shares.max())} · smallest <1 %"


def test_thresholds_are_parameters(cc_dbscan_labels):
    _, labels = cc_dbscan_labels
    sizes = sizes_of(labels)
    largest = Balance.of(sizes).largest
    loose = degenerate_flags(sizes, max_largest_share=largest + 1e-9, min_segment_share=0.0)
    assert {flag.kind for flag in loose} == set()
    strict = degenerate_flags(sizes, max_noise_share=(labels == -1).mean() / 2)
    assert NOISY in {flag.kind for flag in strict}


def test_one_segment_and_all_noise_are_flagged():
    assert [f.kind for f in degenerate_flags({0: 424, -1: 16})] == [ONE_SEGMENT]
    assert degenerate_flags({-1: 30})[0].text == "no segment: every customer is noise"


def test_the_verdict_skips_a_flagged_result_with_better_metrics(cc_general):
    kmeans = run_segmentation(
        cc_general, SegmentationSpec(CC_FEATURES, "kmeans", {"n_clusters": 4}, "log")
    )
    dominated = run_segmentation(
        cc_general,
        SegmentationSpec(CC_FEATURES, "hierarchical", {"n_clusters": 4, "linkage": "average"}),
    )
    reference = KMeans(4, n_init=10, random_state=0).fit(kmeans.prepared.matrix).labels_
    assert sorted(sizes_of(reference).values()) == sorted(kmeans.sizes().values())
    shares = pd.Series(dominated.labels).value_counts(normalize=True)
    assert shares.max() > 0.9  # the finding: average linkage puts almost all in one
    candidates = {
        "dominated": candidate("Average linkage", dominated),
        "kmeans": candidate("Log k=4", kmeans),
    }
    assert dominated.scores.silhouette > kmeans.scores.silhouette  # the metric alone would pick it
    result = verdict(candidates)
    assert result.method == "kmeans"
    assert result.reason.startswith("The metrics favour Log k=4")
    assert "Average linkage is not recommended: one segment holds" in result.reason
    assert list(result.skipped) == ["dominated"]


def test_when_every_result_is_flagged_the_verdict_says_what_to_try(cc_general, cc_dbscan_labels):
    eps, labels = cc_dbscan_labels
    dbscan = run_segmentation(
        cc_general, SegmentationSpec(CC_FEATURES, "dbscan", {"eps": eps, "min_samples": 5})
    )
    assert sorted(sizes_of(labels).items())[:1] == sorted(dbscan.sizes().items())[:1]  # noise
    assert sorted(sizes_of(labels).values()) == sorted(dbscan.sizes().values())
    result = verdict({"dbscan": candidate("DBSCAN", dbscan)}, skewed=CC_FEATURES)
    assert result.method is None
    assert result.reason.startswith("No result is recommended: every one is degenerate (DBSCAN:")
    assert "log or power scaling ('BALANCE' and 'PURCHASES' are heavily skewed)" in result.reason
    assert "another k" in result.reason and "min_samples" in result.reason
    assert result.as_dict() == {"method": None, "reason": result.reason}


def test_unflagged_results_keep_the_metrics_verdict(mall):
    features = ("Annual Income (k$)", "Spending Score (1-100)")
    runs = {
        method: run_segmentation(mall, SegmentationSpec(features, method, {"n_clusters": 5}))
        for method in ("kmeans", "hierarchical")
    }
    result = verdict({m: candidate(m, r) for m, r in runs.items()})
    best = max(runs, key=lambda m: runs[m].scores.silhouette)
    assert result.method is not None and result.skipped == {}
    assert f"{best} has the best" in result.reason or "equally" in result.reason


def test_recommended_k_skips_flagged_k(wholesale):
    matrix = StandardScaler().fit_transform(wholesale[SPEND])
    sweep = sweep_k(matrix, 2, 6, n_init=4)
    flagged = flagged_ks(sweep)
    for k in range(2, 7):
        reference = KMeans(k, n_init=4, random_state=0).fit(matrix).labels_
        shares = pd.Series(reference).value_counts(normalize=True)
        assert (k in flagged) == (shares.max() > 0.9 or shares.min() < 0.01)
    assert flagged, "K-Means on Wholesale's skewed spend leaves specks of a few customers"
    recommendation = recommend_k(sweep)
    if recommendation is not None:
        assert recommendation.k not in flagged
        assert "Skipped k=" in recommendation.reason
