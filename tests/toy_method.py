"""A clustering method no page or command names, for tests that register it and check every
page and command picks it up from the registry."""

from contextlib import contextmanager

import numpy as np

from algorithms.methods import METHODS, ClusteringMethod, Param


class SplitMethod(ClusteringMethod):
    """Two segments either side of a threshold on the first feature."""

    name = "toysplit"
    label = "Toy split"
    summary = "Customers either side of a line."
    params = (
        Param("threshold", float, 0.0, "Where to split the first feature.", low=-10, high=10,
              label="Split at"),
    )  # fmt: skip

    def _fit(self, matrix):
        return self.predict(matrix), None

    def predict(self, matrix):
        return (np.asarray(matrix)[:, 0] > self.params_in["threshold"]).astype(np.int64)


@contextmanager
def registered(method: type[ClusteringMethod] = SplitMethod):
    """``method`` in the registry for the duration of the block."""
    METHODS[method.name] = method
    try:
        yield method.name
    finally:
        del METHODS[method.name]
