"""The segment colours written out as plain data are plotly's, and the persona model reaches
them without the figure builders."""

import subprocess
import sys

import plotly.colors

from dashboard.services.palette import PALETTE, palette_color, unused_color


def test_the_palette_is_plotlys_d3_then_pastel():
    assert list(PALETTE) == plotly.colors.qualitative.D3 + plotly.colors.qualitative.Pastel


def test_a_persona_colour_is_the_palette_colour_as_lower_case_hex():
    for cluster, color in enumerate(PALETTE):
        rgb = (
            plotly.colors.hex_to_rgb(color)
            if color.startswith("#")
            else plotly.colors.unlabel_rgb(color)
        )
        assert palette_color(cluster) == "#{:02x}{:02x}{:02x}".format(*map(round, rgb))
    assert palette_color(len(PALETTE)) == palette_color(0)


def test_an_unused_colour_skips_the_colours_taken():
    taken = {palette_color(2), palette_color(3)}
    assert unused_color(taken, 2) == palette_color(4)
    assert unused_color({palette_color(c) for c in range(len(PALETTE))}, 1) == palette_color(1)


def test_the_persona_sets_do_not_import_the_figure_builders():
    code = (
        "import sys, dashboard.persona_sets; "
        "print(sorted(m for m in sys.modules if m.startswith('dashboard.figures')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
