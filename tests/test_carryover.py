"""Carry-over of saved personas to a new segmentation: the pure matching
(``algorithms.carryover``) and the persona names it gives a re-run (``dashboard.persona_sets``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

from algorithms.carryover import (
    DISAPPEARED,
    GREW,
    MATCHED,
    NEW,
    SHRANK,
    SPLIT,
    UNCHANGED,
    Centers,
    carry_over,
    scale_points,
    typical_separation,
)
from algorithms.errors import FeatureError
from algorithms.loading import load_sample
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.segmentation import SegmentationSpec, run_segmentation
from dashboard.persona_sets import (
    carry_over_personas,
    carry_over_report,
    carry_over_run,
    draft_personas,
    draft_record,
)

FEATURES = ("Annual Income (k$)", "Spending Score (1-100)")
SQUARE = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])


def centers(points, shares=None, ids=None) -> Centers:
    points = np.asarray(points, dtype=float)
    ids = list(range(len(points))) if ids is None else ids
    shares = shares if shares is not None else [1 / len(points)] * len(points)
    return Centers.of(ids, points, shares)


# --- pure matching ------------------------------------------------------------------------------


def test_permuted_and_shifted_centres_match_their_own_persona():
    order = [2, 0, 3, 1]
    shifted = SQUARE[order] + np.random.default_rng(0).normal(0, 0.3, SQUARE.shape)
    outcome = carry_over(centers(SQUARE), centers(shifted))
    assert {c: o.persona for c, o in outcome.clusters.items()} == dict(enumerate(order))
    assert all(o.status == MATCHED and o.keeps_name for o in outcome.clusters.values())
    assert all(f.status == UNCHANGED for f in outcome.personas.values())


def test_size_changes_are_reported_as_grew_and_shrank_with_the_relative_change():
    outcome = carry_over(
        centers(SQUARE, [0.25, 0.25, 0.25, 0.25]), centers(SQUARE, [0.40, 0.10, 0.25, 0.25])
    )
    fates = outcome.personas
    assert (fates[0].status, fates[1].status, fates[2].status) == (GREW, SHRANK, UNCHANGED)
    assert fates[0].change == pytest.approx(0.40 / 0.25 - 1)
    assert fates[1].change == pytest.approx(0.10 / 0.25 - 1)


def test_a_persona_without_a_near_cluster_disappeared():
    outcome = carry_over(centers(SQUARE), centers(SQUARE[[0, 1, 3]], ids=[0, 1, 2]))
    assert outcome.personas[2].status == DISAPPEARED
    assert outcome.personas[2].clusters == ()
    assert {c: o.persona for c, o in outcome.clusters.items()} == {0: 0, 1: 1, 2: 3}


def test_two_clusters_nearest_the_same_persona_are_its_split():
    halves = [[9.0, 10.0], [11.0, 10.0]]
    outcome = carry_over(centers(SQUARE), centers([*SQUARE[:3], *halves]))
    assert outcome.personas[3].status == SPLIT
    assert outcome.personas[3].clusters == (3, 4)
    parts = [outcome.clusters[3], outcome.clusters[4]]
    assert all(p.status == SPLIT and p.persona == 3 for p in parts)
    assert sum(p.keeps_name for p in parts) == 1


def test_a_far_new_cluster_is_new_not_paired_with_a_vanished_persona():
    far = [[100.0, -50.0]]
    outcome = carry_over(centers(SQUARE), centers([*SQUARE[:3], *far]))
    assert outcome.clusters[3].status == NEW
    assert outcome.clusters[3].persona is None
    assert outcome.personas[3].status == DISAPPEARED
    assert outcome.reach == pytest.approx(0.75 * typical_separation(SQUARE))


def test_noise_takes_no_part():
    outcome = carry_over(
        centers(SQUARE), Centers.of([-1, 0, 1, 2, 3], [[5, 5], *SQUARE], [0.1] + [0.225] * 4)
    )
    assert -1 not in outcome.clusters
    assert set(outcome.clusters) == {0, 1, 2, 3}


def test_scale_points_is_the_scaler_transform_and_inverts_to_original_units():
    table = load_sample()
    preprocessor = FeaturePreprocessor(list(FEATURES), "standard").fit(table)
    points = pd.DataFrame([[50.0, 20.0], [120.0, 90.0]], columns=list(FEATURES))
    expected = (
        StandardScaler().fit(table[list(FEATURES)].to_numpy(float)).transform(points.to_numpy())
    )
    scaled = scale_points(preprocessor, points)
    np.testing.assert_allclose(scaled, expected)
    np.testing.assert_allclose(preprocessor.to_original_units(scaled), points.to_numpy())


def test_scale_points_names_the_missing_feature():
    preprocessor = FeaturePreprocessor(["Age", *FEATURES]).fit(load_sample())
    with pytest.raises(FeatureError, match="'Age'"):
        scale_points(preprocessor, pd.DataFrame([[1.0, 2.0]], columns=list(FEATURES)))


# --- re-runs of real segmentations --------------------------------------------------------------


def named_record(table: pd.DataFrame, spec: SegmentationSpec) -> tuple[dict, pd.Series]:
    """A saved-like record whose personas are named after their cluster, and each customer's
    persona name by CustomerID."""
    segmentation = run_segmentation(table, spec)
    personas = draft_personas(segmentation.summary()["profiles"])
    for persona in personas:
        persona["name"] = f"Persona {persona['cluster']}"
        persona["description"] = f"about {persona['cluster']}"
    record = draft_record(segmentation.summary(), personas)
    by_id = pd.Series(
        [f"Persona {c}" for c in segmentation.labels],
        index=table.loc[segmentation.prepared.row_mask, "CustomerID"].to_numpy(),
    )
    return record, by_id


def majority_names(table, segmentation, by_id: pd.Series) -> dict[int, str]:
    """For each new cluster, the saved persona most of its customers belonged to."""
    ids = table.loc[segmentation.prepared.row_mask, "CustomerID"].to_numpy()
    frame = pd.DataFrame({"cluster": segmentation.labels, "old": by_id.reindex(ids).to_numpy()})
    return frame.groupby("cluster")["old"].agg(lambda names: names.mode().iloc[0]).to_dict()


def test_a_shuffled_noisy_rerun_gets_the_same_names_on_the_same_customers():
    table = load_sample()
    spec = SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5, "random_state": 3})
    record, by_id = named_record(table, spec)
    rng = np.random.default_rng(7)
    rerun_table = table.sample(frac=1.0, random_state=1).reset_index(drop=True)
    for feature in FEATURES:
        rerun_table[feature] = rerun_table[feature] + rng.normal(0, 0.5, len(rerun_table))
    rerun = run_segmentation(rerun_table, SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5}))

    names = {int(p["cluster"]): p["name"] for p in carry_over_run(rerun, record)[0]}

    assert names == majority_names(rerun_table, rerun, by_id)
    assert sorted(names.values()) == [f"Persona {c}" for c in range(5)]


def test_carried_personas_keep_text_and_colour_and_a_removed_segment_disappears():
    table = load_sample()
    spec = SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5})
    record, by_id = named_record(table, spec)
    record["personas"][0]["color"] = "#123456"
    gone = "Persona 2"
    kept_table = table[table["CustomerID"].map(by_id) != gone].reset_index(drop=True)
    rerun = run_segmentation(kept_table, SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 4}))

    personas, outcome = carry_over_personas(
        record,
        rerun.prepared.preprocessor,
        rerun.centroids(),
        rerun.sizes(),
        rerun.profile.to_dict(orient="records"),
    )

    assert outcome.personas[2].status == DISAPPEARED
    names = {p["cluster"]: p["name"] for p in personas}
    assert names == majority_names(kept_table, rerun, by_id)
    carried_first = next(p for p in personas if p["name"] == "Persona 0")
    assert (carried_first["color"], carried_first["description"]) == ("#123456", "about 0")
    report = {row["persona"]: row["status"] for row in carry_over_report(outcome, record, personas)}
    assert report[gone] == DISAPPEARED


def blob_table(centres, per_blob=60, seed=0) -> pd.DataFrame:
    points, _ = make_blobs(
        n_samples=[per_blob] * len(centres), centers=centres, cluster_std=0.6, random_state=seed
    )
    return pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(len(points))],
            "x": points[:, 0],
            "y": points[:, 1],
        }
    )


def test_a_segment_that_splits_in_two_is_reported_as_split():
    saved_table = blob_table([[0, 0], [12, 0], [0, 12], [12, 12]])
    spec = SegmentationSpec(("x", "y"), "kmeans", {"n_clusters": 4})
    record, _ = named_record(saved_table, spec)
    split_table = blob_table([[0, 0], [12, 0], [0, 12], [10.5, 12], [13.5, 12]], per_blob=48)
    rerun = run_segmentation(split_table, SegmentationSpec(("x", "y"), "kmeans", {"n_clusters": 5}))

    personas, outcome = carry_over_personas(
        record,
        rerun.prepared.preprocessor,
        rerun.centroids(),
        rerun.sizes(),
        rerun.profile.to_dict(orient="records"),
    )

    saved_centroids = pd.DataFrame.from_dict(record["segmentation"]["centroids"], orient="index")
    top_right = int(((saved_centroids - [12, 12]) ** 2).sum(axis=1).idxmin())
    fate = outcome.personas[top_right]
    assert fate.status == SPLIT and len(fate.clusters) == 2
    split_names = sorted(p["name"] for p in personas if p["cluster"] in fate.clusters)
    assert split_names == [f"Persona {top_right}", f"Persona {top_right} (part 2)"]
    colors = [p["color"] for p in personas]
    assert len(set(colors)) == len(colors)
