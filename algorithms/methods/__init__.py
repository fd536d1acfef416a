"""The clustering methods Segmenta offers, by name: adding one is a module plus a line here."""

from algorithms.errors import ParameterError
from algorithms.methods.base import NOISE, ClusteringMethod, Param
from algorithms.methods.dbscan import DBSCANMethod
from algorithms.methods.gmm import GaussianMixtureMethod
from algorithms.methods.hdbscan import HDBSCANMethod
from algorithms.methods.hierarchical import HierarchicalMethod
from algorithms.methods.kmeans import KMeansMethod

METHODS: dict[str, type[ClusteringMethod]] = {
    method.name: method
    for method in (
        KMeansMethod,
        DBSCANMethod,
        HierarchicalMethod,
        HDBSCANMethod,
        GaussianMixtureMethod,
    )
}
DEFAULT_COMPARED = ("kmeans", "dbscan", "hierarchical")
"""The methods the Compare page shows until the user chooses others."""


def with_capability(attribute: str) -> list[str]:
    """The methods declaring ``attribute`` (``criteria``, ``cut_params``, ...), in order."""
    return [name for name, method in METHODS.items() if getattr(method, attribute)]


def get_method(name: str) -> type[ClusteringMethod]:
    try:
        return METHODS[name]
    except KeyError:
        raise ParameterError(
            f"Unknown method '{name}': choose one of {', '.join(METHODS)}."
        ) from None


def make_method(name: str, **params) -> ClusteringMethod:
    """A validated, unfitted method; parameters left out take their defaults."""
    return get_method(name)(**params)


__all__ = [
    "DEFAULT_COMPARED",
    "METHODS",
    "NOISE",
    "ClusteringMethod",
    "Param",
    "get_method",
    "make_method",
    "with_capability",
]
