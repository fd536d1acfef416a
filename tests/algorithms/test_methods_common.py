"""What every method shares: size-ordered labels, parameter validation, label invariants."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from algorithms.errors import ParameterError
from algorithms.methods import METHODS, NOISE, make_method
from algorithms.methods.base import relabel, size_order
from tests.algorithms.helpers import PROPERTY, blobs


def test_renumbering_puts_the_largest_cluster_first_and_keeps_noise():
    raw = np.array([2, 2, 0, 1, 1, 1, -1, 0, 2, -1])
    labels = relabel(raw, size_order(raw))
    # sizes: raw 1 -> 3 rows, raw 2 -> 3 rows (appears first, so before raw 1), raw 0 -> 2 rows
    np.testing.assert_array_equal(labels, [0, 0, 2, 1, 1, 1, -1, 2, 0, -1])


def test_renumbering_of_all_noise_and_of_nothing():
    assert relabel(np.array([-1, -1]), size_order(np.array([-1, -1]))).tolist() == [-1, -1]
    assert relabel(np.array([], dtype=int), size_order(np.array([], dtype=int))).tolist() == []


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("kmeans", {"n_clusters": 4, "random_state": 3}),
        ("dbscan", {"eps": 1.5, "min_samples": 5}),
        ("hierarchical", {"n_clusters": 4, "linkage": "average"}),
    ],
)
def test_labels_are_size_ordered_and_deterministic(name, params):
    sizes = [250, 40, 120, 80]
    points, _ = blobs(n_samples=sizes, centers=[[0, 0], [9, 0], [0, 9], [9, 9]], seed=20)
    first = make_method(name, **params).fit(points)
    again = make_method(name, **params).fit(points)

    np.testing.assert_array_equal(first.labels_, again.labels_)
    counts = np.bincount(first.labels_[first.labels_ != NOISE])
    assert counts.tolist() == sorted(sizes, reverse=True)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("kmeans", {"n_clusters": 0}, "n_clusters must be a whole number from 1 to 50, not 0"),
        ("kmeans", {"n_clusters": 51}, "n_clusters must be a whole number from 1 to 50, not 51"),
        ("kmeans", {"n_clusters": 2.5}, "n_clusters must be a whole number from 1 to 50"),
        ("kmeans", {"n_clusters": "five"}, "n_clusters must be a whole number from 1 to 50"),
        ("kmeans", {"n_clusters": [3]}, "n_clusters must be a whole number"),
        ("kmeans", {"n_clusters": float("inf")}, "n_clusters must be a whole number"),
        ("kmeans", {"n_clusters": float("nan")}, "n_clusters must be a whole number"),
        ("kmeans", {"n_clusters": True}, "n_clusters must be a whole number"),
        ("kmeans", {"n_init": 0}, "n_init must be a whole number from 1 to 100"),
        ("kmeans", {"init": "first"}, "init must be one of k-means++, random, not 'first'"),
        ("kmeans", {"random_state": -1}, "random_state must be a whole number from 0 to"),
        ("kmeans", {"random_state": 2**40}, "random_state must be a whole number from 0 to"),
        ("dbscan", {"eps": 0}, "eps must be a number of at least 1e-09, not 0"),
        ("dbscan", {"eps": -0.5}, "eps must be a number of at least 1e-09"),
        ("dbscan", {"eps": "wide"}, "eps must be a number"),
        ("dbscan", {"eps": float("inf")}, "eps must be a number"),
        ("dbscan", {"min_samples": 0}, "min_samples must be a whole number from 1 to 1000"),
        ("hierarchical", {"linkage": "centroid"}, "linkage must be one of ward, complete,"),
        ("hierarchical", {"linkage": 3}, "linkage must be one of ward"),
        ("hierarchical", {"distance_threshold": -1}, "distance_threshold must be a number"),
    ],
)
def test_bad_parameter_values_name_the_parameter_and_what_is_allowed(name, params, message):
    with pytest.raises(ParameterError) as raised:
        make_method(name, **params)
    assert message in str(raised.value)


@pytest.mark.parametrize("name", list(METHODS))
def test_unknown_parameter_lists_the_known_ones(name):
    with pytest.raises(ParameterError) as raised:
        make_method(name, n_cluster=3)
    text = str(raised.value)
    assert "has no parameter n_cluster" in text
    for param in METHODS[name].params:
        assert param.name in text


def test_unknown_method_lists_the_methods():
    with pytest.raises(ParameterError, match="Unknown method 'kmedoids'.*kmeans, dbscan"):
        make_method("kmedoids")


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("kmeans", {"n_clusters": "4"}, {"n_clusters": 4}),
        ("kmeans", {"n_clusters": " 4 "}, {"n_clusters": 4}),
        ("kmeans", {"n_clusters": 4.0}, {"n_clusters": 4}),
        ("kmeans", {"n_clusters": np.int64(4)}, {"n_clusters": 4}),
        ("kmeans", {"n_clusters": ""}, {"n_clusters": 5}),
        ("kmeans", {"n_clusters": None}, {"n_clusters": 5}),
        ("kmeans", {"random_state": 2**32 - 1}, {"random_state": 2**32 - 1}),
        ("dbscan", {"eps": "0.25"}, {"eps": 0.25}),
        ("dbscan", {"eps": np.float32(0.5)}, {"eps": 0.5}),
        ("hierarchical", {"distance_threshold": ""}, {"distance_threshold": None}),
        ("hierarchical", {"distance_threshold": "2"}, {"distance_threshold": 2.0}),
    ],
)
def test_values_from_forms_and_numpy_are_converted(name, params, expected):
    got = make_method(name, **params).get_params()
    assert {key: got[key] for key in expected} == expected
    assert all(type(got[key]) is type(value) for key, value in expected.items())


def test_largest_seed_is_accepted_by_the_fit():
    points, _ = blobs(n_samples=60, centers=3, seed=21)
    make_method("kmeans", n_clusters=3, random_state=2**32 - 1).fit(points)


def test_every_parameter_default_passes_its_own_check():
    for method in METHODS.values():
        for param in method.params:
            assert param.check(None) == param.default


def method_and_params():
    return st.one_of(
        st.tuples(
            st.just("kmeans"),
            st.fixed_dictionaries(
                {"n_clusters": st.integers(1, 6), "n_init": st.just(2), "random_state": st.just(0)}
            ),
        ),
        st.tuples(
            st.just("dbscan"),
            st.fixed_dictionaries({"eps": st.floats(0.05, 3.0), "min_samples": st.integers(1, 8)}),
        ),
        st.tuples(
            st.just("hierarchical"),
            st.fixed_dictionaries(
                {
                    "n_clusters": st.integers(1, 6),
                    "linkage": st.sampled_from(["ward", "complete", "average", "single"]),
                }
            ),
        ),
    )


@PROPERTY
@given(
    points=st.integers(1, 40).flatmap(
        lambda n: arrays(
            np.float64,
            (n, 2),
            elements=st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 1)),
        )
    ),
    method=method_and_params(),
)
@example(  # two customers with the same values cannot make two K-Means segments
    points=np.array([[1.0, 2.0], [1.0, 2.0]]),
    method=("kmeans", {"n_clusters": 2, "n_init": 2, "random_state": 0}),
)
def test_label_invariants(points, method):
    name, params = method
    model = make_method(name, **params)
    k = params.get("n_clusters", 1)
    too_few = k > len(points) or (name == "hierarchical" and len(points) < 2)
    if too_few or (name == "kmeans" and k > len(np.unique(points, axis=0))):
        with pytest.raises(ParameterError):
            model.fit(points)
        return
    model.fit(points)
    labels = model.labels_

    assert labels.shape == (len(points),)
    assert set(labels.tolist()) <= set(range(model.n_clusters_)) | {NOISE}
    if name != "dbscan":
        assert model.n_noise_ == 0 and (labels != NOISE).all()
    sizes = np.bincount(labels[labels != NOISE], minlength=model.n_clusters_)
    assert sizes.sum() + model.n_noise_ == len(points)
    assert (sizes > 0).all()
    assert list(sizes) == sorted(sizes, reverse=True)
    assert model.cluster_centers_.shape == (model.n_clusters_, 2)
    if name == "hierarchical":
        assert model.n_clusters_ == k
