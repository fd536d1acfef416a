"""The scatter of a segmentation whatever the number of its features: 2 or 3 drawn on their
own axes (``figures.scatter``), 4 to 20 on their principal components (``figures.projection``,
which draws with the scatter's pieces, so the choice lives here rather than in either)."""

from algorithms.projection import needs_projection
from dashboard.figures.projection import projected_scatter
from dashboard.figures.scatter import ScatterView, feature_scatter


def segmentation_scatter(result, table, features, **options) -> ScatterView:
    """A ``SegmentationResult``'s customers: ``feature_scatter``'s options and answer."""
    draw = projected_scatter if needs_projection(len(features)) else feature_scatter
    return draw(result, table, features, **options)
