"""Scatter legends below the plot in rows the figure grows to hold (issue 12 item 4): the
plot area keeps the height it has with a few segments, whatever the number of segments."""

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.legend import AXIS_TITLE_ROOM, ROW_HEIGHT, legend_rows
from dashboard.figures.scatter import GRAPH_HEIGHT, cluster_scatter


def scatter(n_segments: int, axes: int = 2):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(n_segments), 5)
    points = pd.DataFrame(rng.normal(size=(len(labels), axes)), columns=list("xyz"[:axes]))
    names = {c: f"High Income · High Spending (Income ≈ {80 + c})" for c in range(n_segments)}
    return cluster_scatter(points, labels, names=names)


def plot_height(figure) -> float:
    layout = figure.layout
    return layout.height - layout.margin.t - layout.margin.b


@pytest.mark.parametrize("axes", [2, 3])
def test_more_segments_make_the_figure_taller_not_the_plot_smaller(axes):
    few, many = scatter(3, axes), scatter(18, axes)
    assert plot_height(few) == plot_height(many) > GRAPH_HEIGHT * 0.75
    assert many.layout.height - few.layout.height == (18 - 3) * ROW_HEIGHT
    assert many.layout.legend.yanchor == "top" and many.layout.legend.itemsizing == "constant"


def test_the_legend_starts_below_the_x_axis_title():
    figure = scatter(12)
    legend_top = -figure.layout.legend.y * plot_height(figure)
    assert legend_top == pytest.approx(AXIS_TITLE_ROOM)
    assert figure.layout.margin.b >= AXIS_TITLE_ROOM + 12 * ROW_HEIGHT


def test_short_names_share_a_row():
    assert legend_rows(["Low x", "High x", "Noise"]) == (2, 2)
    assert legend_rows(["High Income · High Spending (Income ≈ 88)", "Noise"]) == (2, 1)
