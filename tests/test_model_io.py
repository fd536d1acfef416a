"""The saved model: a signed file round trip, the training labels reproduced by ``assign``,
sensible segments for new customers and <NA> where a feature value is missing. (What a file
that is not signed with the key meets: ``tests/test_model_signing.py``.)"""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.errors import DataError, SegmentaError
from algorithms.loading import load_sample
from algorithms.model_io import SegmentModel, load_model, save_model
from algorithms.model_signing import ModelKey, signed
from algorithms.segmentation import SegmentationSpec, run_segmentation

INCOME = "Annual Income (k$)"
SCORE = "Spending Score (1-100)"
FEATURES = (INCOME, SCORE)
RUNS = {
    "kmeans": {"n_clusters": 5},
    "dbscan": {"eps": 0.3, "min_samples": 5},
    "hierarchical": {"n_clusters": 5, "linkage": "ward"},
}


@pytest.fixture(scope="module")
def key() -> ModelKey:
    return ModelKey(b"k" * 32, "a test key")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_sample()


@pytest.fixture(scope="module", params=list(RUNS))
def segmentation(request, table):
    return run_segmentation(table, SegmentationSpec(FEATURES, request.param, RUNS[request.param]))


@pytest.fixture(scope="module")
def kmeans_model(table) -> SegmentModel:
    spec = SegmentationSpec(FEATURES, "kmeans", RUNS["kmeans"])
    return SegmentModel.from_segmentation(run_segmentation(table, spec))


@pytest.fixture(scope="module")
def encoded_model(table) -> SegmentModel:
    """K-Means on income, spending and one-hot Gender."""
    spec = SegmentationSpec(FEATURES, "kmeans", RUNS["kmeans"], categorical="Gender")
    return SegmentModel.from_segmentation(run_segmentation(table, spec))


def test_assigning_the_training_table_reproduces_its_labels(segmentation, table):
    assigned = SegmentModel.from_segmentation(segmentation).assign(table)
    assert assigned["Cluster"].dtype == "Int64"
    np.testing.assert_array_equal(assigned["Cluster"].to_numpy(), segmentation.labels)
    labels = dict(zip(segmentation.profile["cluster"], segmentation.profile["label"], strict=True))
    expected = ["Noise" if c == -1 else labels[c] for c in segmentation.labels]
    assert assigned["Persona"].tolist() == expected
    pd.testing.assert_frame_equal(assigned[table.columns], table)


def test_round_trip_through_a_file_and_bytes(segmentation, table, key, tmp_path):
    model = SegmentModel.from_segmentation(segmentation, {0: "Core customers"})
    path, downloaded = tmp_path / "model.joblib", tmp_path / "downloaded.joblib"
    save_model(model, path, key)
    downloaded.write_bytes(model.to_bytes(key))
    for loaded in (load_model(path, key), load_model(downloaded, key)):
        assert loaded.cluster_names == model.cluster_names
        assert loaded.cluster_names[0] == "Core customers"
        assert loaded.spec == segmentation.spec.as_dict()
        pd.testing.assert_frame_equal(loaded.assign(table), model.assign(table))


def test_new_customers_get_the_persona_they_resemble(kmeans_model):
    newcomers = pd.DataFrame({INCOME: [18.0, 130.0, 60.0], SCORE: [95.0, 5.0, 50.0]})
    assert kmeans_model.assign(newcomers)["Persona"].tolist() == [
        "Low Income · High Spending",
        "High Income · Low Spending",
        "Average Customers",
    ]


def test_new_customers_are_scaled_and_encoded_as_the_training_table(encoded_model, table):
    newcomers = pd.DataFrame(
        {INCOME: [18.0, 130.0, 60.0, 25.0], SCORE: [95.0, 5.0, 50.0, 12.0]},
    ).assign(Gender=["Female", "Male", "Male", "Other"])
    assigned = encoded_model.assign(newcomers)
    scaler = StandardScaler().fit(table[list(FEATURES)].to_numpy(dtype=float))
    genders = np.array(["Female", "Male"])
    encoded = (newcomers["Gender"].to_numpy()[:, None] == genders).astype(float)
    points = np.hstack([scaler.transform(newcomers[list(FEATURES)].to_numpy()), encoded])
    centres = encoded_model.method.cluster_centers_
    nearest = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(assigned["Cluster"].to_numpy(), nearest)


def test_dbscan_assigns_within_eps_of_a_core_point_else_noise(table):
    segmentation = run_segmentation(table, SegmentationSpec(FEATURES, "dbscan", RUNS["dbscan"]))
    model = SegmentModel.from_segmentation(segmentation)
    rng = np.random.default_rng(3)
    newcomers = pd.DataFrame({INCOME: rng.uniform(0, 150, 300), SCORE: rng.uniform(-10, 110, 300)})
    assigned = model.assign(newcomers)["Cluster"].to_numpy()
    scaler = StandardScaler().fit(table[list(FEATURES)].to_numpy(dtype=float))
    core = segmentation.model.core_sample_mask_
    distance, nearest = (
        NearestNeighbors(n_neighbors=1)
        .fit(segmentation.prepared.matrix[core])
        .kneighbors(scaler.transform(newcomers.to_numpy()))
    )
    expected = np.where(distance[:, 0] <= 0.3, segmentation.labels[core][nearest[:, 0]], -1)
    np.testing.assert_array_equal(assigned, expected)
    assert 0 < (expected == -1).sum() < len(expected)


def test_missing_values_give_na_not_a_guess(encoded_model):
    newcomers = pd.DataFrame(
        {INCOME: [20.0, np.nan, 120.0], SCORE: [90.0, 40.0, 10.0], "Gender": ["Male", "Male", None]}
    )
    assigned = encoded_model.assign(newcomers)
    assert assigned["Cluster"].isna().tolist() == [False, True, True]
    assert assigned["Persona"].isna().tolist() == [False, True, True]
    assert assigned.index.equals(newcomers.index)


def test_a_missing_feature_column_names_it(kmeans_model):
    with pytest.raises(SegmentaError, match=re.escape(f"Unknown column '{SCORE}'")):
        kmeans_model.assign(pd.DataFrame({INCOME: [1.0], "Gender": ["Male"]}))


def test_files_that_are_not_models_are_refused(tmp_path, kmeans_model, key):
    not_pickle, other = tmp_path / "table.csv", tmp_path / "other.joblib"
    not_pickle.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not a model saved by"):
        load_model(not_pickle, key)
    other.write_bytes(signed(pickle.dumps({"a": 1}), key))
    with pytest.raises(DataError, match="holds a dict, not a Segmenta model"):
        load_model(other, key)
    other.write_bytes(signed(b"not a pickle", key))
    with pytest.raises(DataError, match="not a model saved by"):
        load_model(other, key)
    with pytest.raises(DataError, match="No model file"):
        load_model(tmp_path / "absent.joblib", key)
    old = pickle.loads(pickle.dumps(kmeans_model))
    old.format_version = 0
    save_model(old, other, key)
    with pytest.raises(DataError, match="model format 0"):
        load_model(other, key)
