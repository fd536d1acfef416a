"""Where a scatter's legend goes: below the plot, in rows the figure grows to hold.

A legend left to plotly below a plot takes its room from the plot: at 12 or 18 segments it
became a scroll box over the x axis and squeezed the scatter to ~150 px, and a 3D scene lost
a third of its height to six rows. Here the legend gets a fixed place under the axis title
(or under the scene), one entry per column, as many rows as it needs, and the figure is made
that much taller, so the plot keeps its size whatever the number of segments and nothing
overlaps. Entries short enough share a row two by two.
"""

import math

ROW_HEIGHT = 19  # px per legend row at FONT_SIZE
FONT_SIZE = 11
AXIS_TITLE_ROOM = 55  # px under a 2D plot for its tick labels and the x axis title
PAIRED_NAME_CHARS = 26  # entries up to this long go two to a row
BOTTOM_GAP = 8
# A 3D scene's cube grows with the scene's height (the camera's field of view is vertical):
# kept this much shorter than a 2D plot, the cube's corner titles stay whole in a panel a
# third of a wide screen wide.
SCENE_TRIM = 60


def legend_rows(names: list[str]) -> tuple[int, int]:
    """(rows, columns) of a legend listing ``names``."""
    columns = 2 if names and max(len(name) for name in names) <= PAIRED_NAME_CHARS else 1
    return math.ceil(len(names) / columns), columns


def place_legend_below(traces: list[dict], layout: dict) -> dict:
    """The layout of a finished scatter (its plain trace and layout dicts) with the legend
    under the plot and the figure grown to hold it (its ``height`` and top margin as the
    builder set them); a figure without a legend keeps its layout. Works on the dicts, before
    the figure exists: through ``update_layout`` this was most of a cached panel's time."""
    names = [trace.get("name") or "" for trace in traces if trace.get("showlegend") is not False]
    if not names:
        return layout
    rows, columns = legend_rows(names)
    legend_height = rows * ROW_HEIGHT
    is_scene = any(trace.get("type") == "scatter3d" for trace in traces)
    under_plot, trim = (0, SCENE_TRIM) if is_scene else (AXIS_TITLE_ROOM, 0)
    margin = layout.get("margin", {})
    top = margin.get("t", 10)
    plot_height = layout["height"] - trim - top - under_plot - BOTTOM_GAP
    legend = {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": -under_plot / plot_height,
        "yanchor": "top",
        "entrywidth": 1 / columns,
        "entrywidthmode": "fraction",
        "font": {"size": FONT_SIZE},
        "tracegroupgap": 0,
        "itemsizing": "constant",
    }
    return layout | {
        "height": layout["height"] - trim + legend_height,
        "margin": margin | {"b": under_plot + legend_height + BOTTOM_GAP},
        "legend": layout.get("legend", {}) | legend,
    }
