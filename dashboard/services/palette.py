"""The segment colours as plain data: the same on every page, in every panel and every export.

Segment ``c`` takes ``PALETTE[c]`` (plotly's D3 then Pastel qualitative colours, written out so
that persona sets, the CLI and the API pick colours without importing plotly); noise is grey.
The figures draw with these strings; a persona's colour is the same colour as ``#rrggbb``, which
is what a colour input takes and what a saved persona set stores.
"""

import re

PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
    "rgb(102, 197, 204)",
    "rgb(246, 207, 113)",
    "rgb(248, 156, 116)",
    "rgb(220, 176, 242)",
    "rgb(135, 197, 95)",
    "rgb(158, 185, 243)",
    "rgb(254, 136, 177)",
    "rgb(201, 219, 116)",
    "rgb(139, 224, 164)",
    "rgb(180, 151, 231)",
    "rgb(179, 179, 179)",
)
NOISE_COLOR = "#9e9e9e"
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_RGB_COLOR = re.compile(r"rgb\((\d+), *(\d+), *(\d+)\)")


def palette_color(cluster: int) -> str:
    """Segment ``cluster``'s palette colour as lower-case ``#rrggbb``."""
    color = PALETTE[cluster % len(PALETTE)]
    if HEX_COLOR.fullmatch(color):
        return color.lower()
    red, green, blue = (int(v) for v in _RGB_COLOR.fullmatch(color).groups())
    return f"#{red:02x}{green:02x}{blue:02x}"


def unused_color(used: set[str], start: int = 0) -> str:
    """The first palette colour (from ``start`` on) no persona has yet."""
    for offset in range(len(PALETTE)):
        color = palette_color(start + offset)
        if color not in used:
            return color
    return palette_color(start)
