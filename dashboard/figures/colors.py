"""One colour per segment, the same on every page, in every panel and in every export.

Segment ``c`` takes ``PALETTE[c]`` (plain data in ``dashboard.services.palette``); noise is
always grey.
Where a persona set gives a segment its own colour, that colour wins (``colors`` overrides).
Panels whose clusters correspond to a reference result are recoloured through
``algorithms.matching`` before calling these.
"""

from dashboard.services.palette import NOISE_COLOR, PALETTE


def cluster_color(cluster: int, colors: dict[int, str] | None = None) -> str:
    if colors and cluster in colors:
        return colors[cluster]
    if cluster < 0:
        return NOISE_COLOR
    return PALETTE[cluster % len(PALETTE)]


def cluster_name(cluster: int, names: dict[int, str] | None = None) -> str:
    if names and cluster in names:
        return names[cluster]
    return "Noise" if cluster < 0 else f"Segment {cluster}"
