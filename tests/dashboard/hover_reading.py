"""Read a scatter point's hover as plotly.js draws it: the trace's ``hovertemplate`` with the
point's ``customdata`` (numbers, formatted as d3's ``,.2~f`` would), ``text`` and the trace's
name substituted, split into ``{column: value}`` (both still in plotly's escaped markup)."""

import re

import numpy as np

PLACEHOLDER = re.compile(r"%\{([^}:]+)(?::([^}]*))?\}")


def hover_lines(trace, point: int) -> list[str]:
    def value(match: re.Match) -> str:
        name, spec = match.groups()
        if name == "text":
            return str(trace.text[point])
        if name == "fullData.name":
            return trace.name
        column = int(re.fullmatch(r"customdata\[(\d+)\]", name).group(1))
        number = float(np.asarray(trace.customdata)[point][column])
        assert spec in (None, ",.2~f"), spec
        if spec is None:
            assert number.is_integer(), "a number without format must be a whole number"
            return str(int(number))
        return f"{number:,.2f}".rstrip("0").rstrip(".")

    template = trace.hovertemplate.removesuffix("<extra></extra>")
    return PLACEHOLDER.sub(value, template).split("<br>")


def hover_values(trace, point: int) -> dict[str, str]:
    """{escaped column name: shown value}; the first line, the segment's name, is left out."""
    return dict(line.split(": ", 1) for line in hover_lines(trace, point)[1:])
