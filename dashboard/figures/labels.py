"""Text that plotly draws, shown as written.

Plotly reads every title, legend entry, tick, annotation and hover text as a small HTML-like
markup (``<b>``, ``<br>``, ``&amp;``...), so a column named ``<b>Income</b>`` or a persona
named ``A & B`` would be drawn bold or garbled. Every figure builder passes the text it did not
write itself (column names, segment and persona names, cell values, messages) through ``label``.
"""

import html


def label(text: object) -> str:
    """``text`` escaped for plotly's label markup; quotes are left alone, since plotly decodes
    only a few named entities and would show ``&quot;`` literally."""
    return html.escape(str(text), quote=False)
