"""What leaves Segmenta as a file: the labelled customer table, the persona set (JSON, Markdown,
a one-page HTML report) and the fitted model. Pure functions from data to bytes or text, shared
by the page's download buttons, the API and the CLI.

Persona text is the team's free text and may hold anything, ``<script>`` included: every export
treats it as text. The HTML report escapes it, the Markdown report escapes both HTML and Markdown
syntax (so a ``[link](javascript:...)`` stays visible text). Spreadsheets run text that looks
like a formula (``=HYPERLINK(...)``, ``+cmd|...``), in persona names and customer cells alike:
the customer table is written by ``dashboard.services.spreadsheets``, which keeps every cell inert.
"""

import html
import json
import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from algorithms.methods.base import NOISE
from algorithms.model_io import PROBABILITY_COLUMN, SegmentModel, label_table
from algorithms.model_signing import ModelKey
from algorithms.segmentation import SegmentationSpec, run_segmentation

SILHOUETTE_COLUMN = "Silhouette"
CORE_COLUMN = "Core"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~])")


def customer_table(
    table: pd.DataFrame,
    row_mask: np.ndarray,
    labels: np.ndarray,
    names: dict[int, str],
    silhouette: tuple[np.ndarray, np.ndarray] | None = None,
    core_mask: np.ndarray | None = None,
    probabilities: np.ndarray | None = None,
) -> pd.DataFrame:
    """``table`` with Cluster and Persona (empty for rows left out for missing values), and
    optionally each row's Silhouette (NaN where it was not computed), Core (core, border or
    noise, for methods with core points) and Probability (of its segment, for methods that
    give one).

    ``labels`` cover the kept rows (``row_mask``); ``silhouette`` is (positions among the kept
    rows, values) as ``Analysis.silhouettes`` returns them. Original columns are untouched.
    """
    row_mask = np.asarray(row_mask, dtype=bool)
    full = pd.Series(pd.NA, index=table.index, dtype="Int64")
    full[row_mask] = np.asarray(labels)
    labelled = label_table(table, full, names)
    labelled["Persona"] = labelled["Persona"].where(full.notna().to_numpy(), None)
    if silhouette is not None:
        values = np.full(len(labels), np.nan)
        rows, scores = silhouette
        values[np.asarray(rows, dtype=int)] = scores
        labelled[SILHOUETTE_COLUMN] = _spread(values, row_mask, table.index).astype("float64")
    if core_mask is not None:
        kinds = np.where(np.asarray(labels) == NOISE, "noise", "border").astype(object)
        kinds[np.asarray(core_mask, dtype=bool)] = "core"
        labelled[CORE_COLUMN] = _spread(kinds, row_mask, table.index)
    if probabilities is not None:
        labelled[PROBABILITY_COLUMN] = _spread(probabilities, row_mask, table.index).astype(
            "float64"
        )
    return labelled


def _spread(values: np.ndarray, row_mask: np.ndarray, index: pd.Index) -> pd.Series:
    """Values of the kept rows placed on every row of the table, missing elsewhere."""
    column = np.full(len(row_mask), None, dtype=object)
    column[row_mask] = values
    return pd.Series(column, index=index)


def model_bytes(
    table: pd.DataFrame, spec: SegmentationSpec, names: dict[int, str], key: ModelKey
) -> bytes:
    """The fitted preprocessing and model (joblib) of ``spec`` on ``table``, with persona names,
    signed with ``key`` (the installation's, which ``segmenta assign`` checks).

    The page's cached result keeps no fitted model, so the run is repeated; with the same spec
    and seed it gives the same segments.
    """
    return SegmentModel.from_segmentation(run_segmentation(table, spec), names).to_bytes(key)


def persona_json(record: dict) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False, default=str)


def persona_markdown(record: dict) -> str:
    """The persona set as Markdown: a heading per persona with its profile and text."""
    segmentation = record["segmentation"]
    lines = [f"# {_md(record.get('name') or 'Unsaved persona set')}", ""]
    lines += [f"*{_md(line)}*" for line in _about(record)] + [""]
    for persona in record["personas"]:
        lines += [f"## {_md(persona['name'])}", ""]
        size = f"{persona['size']:,} customers ({persona['share']:.1%})"
        lines.append(f"- Segment {persona['cluster']}: {size}")
        lines += [f"- {_md(text)}" for text in profile_lines(segmentation, persona["cluster"])]
        if persona.get("tags"):
            lines.append(f"- Tags: {_md(', '.join(persona['tags']))}")
        for title, key in (("Description", "description"), ("Recommendation", "recommendation")):
            if persona.get(key):
                lines += ["", f"**{title}:** {_md(persona[key])}"]
        lines.append("")
    return "\n".join(lines)


def persona_html(record: dict, figure: go.Figure | None = None) -> str:
    """A self-contained one-page report (plotly.js inlined: it opens without a network)."""
    segmentation = record["segmentation"]
    title = html.escape(record.get("name") or "Unsaved persona set")
    cards = [_persona_html(persona, segmentation) for persona in record["personas"]]
    chart = ""
    if figure is not None:
        chart = figure.to_html(include_plotlyjs=True, full_html=False, default_height="520px")
    about = "".join(f"<p class='about'>{html.escape(line)}</p>" for line in _about(record))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{_REPORT_CSS}</style></head><body>"
        f"<h1>{title}</h1>{about}<div class='chart'>{chart}</div>"
        f"<div class='cards'>{''.join(cards)}</div></body></html>\n"
    )


def _persona_html(persona: dict, segmentation: dict) -> str:
    color = html.escape(persona.get("color") or "#777777")
    rows = "".join(
        f"<li>{html.escape(t)}</li>" for t in profile_lines(segmentation, persona["cluster"])
    )
    tags = "".join(
        f"<span class='tag'>{html.escape(tag)}</span>" for tag in persona.get("tags", [])
    )
    texts = "".join(
        f"<h3>{title}</h3><p class='text'>{html.escape(persona[key])}</p>"
        for title, key in (("Description", "description"), ("Recommendation", "recommendation"))
        if persona.get(key)
    )
    return (
        f"<section class='card' style='border-top-color:{color}'>"
        f"<h2>{html.escape(persona['name'])}</h2>"
        f"<p class='size'>Segment {persona['cluster']} · {persona['size']:,} customers "
        f"({persona['share']:.1%})</p><ul>{rows}</ul><div>{tags}</div>{texts}</section>"
    )


def _about(record: dict) -> list[str]:
    segmentation = record["segmentation"]
    params = ", ".join(f"{k}={v}" for k, v in segmentation.get("params", {}).items())
    lines = [
        f"Dataset: {record['dataset'].get('name') or '?'} · "
        f"features: {', '.join(segmentation.get('features', []))} "
        f"({segmentation.get('scaling', '?')} scaling)",
        f"Method: {segmentation.get('method_label', segmentation.get('method', '?'))} ({params})",
    ]
    if record.get("version"):
        lines.append(
            f"Version {record['version']} saved by {record.get('author', '?')} "
            f"on {record.get('saved_at', '?')}"
        )
    else:
        lines.append(f"Not saved; exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    return lines


def profile_lines(segmentation: dict, cluster: int) -> list[str]:
    """'Annual Income (k$): 86.5 (everyone 60.6)' per feature, then the gender mix if known,
    then the segment's rule (``algorithms.explain``) when the record has one."""
    profile = next((p for p in segmentation.get("profiles", []) if p["cluster"] == cluster), None)
    if profile is None:
        return []
    lines = []
    for feature in segmentation.get("features", []):
        mean, diff = profile.get(f"mean {feature}"), profile.get(f"diff {feature}")
        if mean is not None and diff is not None:
            lines.append(f"{feature}: {mean:,.1f} (everyone {mean - diff:,.1f})")
    mix = [(k.split("=", 1)[1], v) for k, v in profile.items() if k.startswith("share Gender=")]
    if mix:
        lines.append("Gender: " + ", ".join(f"{value} {share:.0%}" for value, share in mix))
    rule = profile.get("rule")
    if rule:
        lines.append(
            f"Rule: {rule['text']} (precision {rule['precision']:.0%}, "
            f"coverage {rule['coverage']:.0%})"
        )
    return lines


def _md(text: str) -> str:
    """Text that Markdown shows as written: HTML escaped, Markdown syntax backslashed."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))
    return escaped.replace("\n", "  \n")


_REPORT_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
    ".about{color:#555;margin:.2rem 0}.cards{display:flex;flex-wrap:wrap;gap:1rem}"
    ".card{border:1px solid #ddd;border-top:6px solid #777;border-radius:6px;padding:1rem;"
    "width:22rem}.card h2{margin:0 0 .3rem;font-size:1.2rem}.size{color:#555;margin:0}"
    ".text{white-space:pre-wrap}.tag{background:#eee;border-radius:4px;padding:0 .4rem;"
    "margin-right:.3rem;font-size:.85rem}.chart{margin:1rem 0}"
)
