"""The panels' results side by side: quality metrics with the best marked and a verdict,
and how far the segmentations agree (adjusted Rand / AMI per pair, a cross-tab of two).

Results come through the panels' requests (``compare_panels.fitted_requests``): read back from
the cache, or for a small table fitted here while the panel fits it too (the result cache
computes it once), so the metrics arrive with the panels; a large table's result only once
its background fit is done. A panel without a result shows as '–'.
"""

import logging

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from algorithms.diagnostics import agreement
from algorithms.methods import METHODS
from algorithms.methods.base import NOISE
from algorithms.preprocessing import skewed_features
from algorithms.verdict import QUALITY, Balance, Candidate, degenerate_flags, share_text
from algorithms.verdict import best_methods as shared_best_methods
from algorithms.verdict import verdict as shared_verdict
from dashboard.figures.compare import crosstab_figure
from dashboard.figures.scatter import empty_figure, segment_names
from dashboard.pages.compare_panels import fitted, segmentation
from dashboard.services.analysis import View

log = logging.getLogger("segmenta")

MISSING = "–"


def shown_results(services, shown: dict[str, dict | None], scored: bool = True) -> dict:
    """{method: SegmentationResult} for the panels that show one; ``scored=False`` for what
    needs the segments only (the cross-tab), which then does not wait for the scores."""
    results = {}
    read = segmentation if scored else fitted
    for method in METHODS:
        request = shown.get(method)
        if not request:
            continue
        try:
            results[method] = read(services, request)
        except Exception as error:  # noqa: BLE001  (the panel itself shows the error)
            log.info("no %s result to compare: %s", method, error)
    return results


def best_methods(results: dict, metric: str) -> set[str]:
    """The methods with the best value of a quality metric (ties all count)."""
    return shared_best_methods(candidates(results), metric)


def metrics_outputs(
    services, shown: dict[str, dict | None], compared: list[str] | None = None
) -> tuple:
    """(metrics table, verdict sentence, agreement table) for the shown results; the table
    has a column for each of the ``compared`` methods (all when not given)."""
    results = shown_results(services, shown)
    columns = [m for m in METHODS if compared is None or m in compared]
    skewed = skewed_in_view(services, shown)
    return metrics_table(results, columns), verdict(results, skewed), agreement_table(results)


def skewed_in_view(services, shown: dict[str, dict | None]) -> tuple[str, ...]:
    """The heavily skewed features of the view the panels show, for the verdict's advice."""
    view_data = next((r["view"] for r in shown.values() if r and r.get("view")), None)
    if not view_data:
        return ()
    try:
        view = View.from_store(view_data)
        return tuple(skewed_features(services.analysis.table(view.dataset_id), view.features))
    except Exception as error:  # noqa: BLE001  (the advice then names no feature)
        log.info("no skewness for the verdict: %s", error)
        return ()


def metrics_table(results: dict, columns: list[str]) -> html.Div:
    best = {metric: best_methods(results, metric) for metric in QUALITY}
    header = html.Tr([html.Th("")] + [html.Th(METHODS[m].label) for m in columns])
    rows = [
        _row("n_clusters", "Segments", columns, results, lambda r: f"{r.scores['n_clusters']:,}"),
        _row("noise_share", "Noise", columns, results, _noise_text),
    ]
    for metric, (label, _, direction) in QUALITY.items():
        arrow = "higher" if direction is max else "lower"
        rows.append(
            _row(
                metric,
                f"{label} ({arrow} is better)",
                columns,
                results,
                lambda r, metric=metric: _score_text(metric, r.scores[metric]),
                best[metric],
            )
        )
    rows.append(_row("sizes", "Segment sizes", columns, results, lambda r: sizes_text(r.sizes)))
    rows.append(_row("balance", "Balance", columns, results, _balance_text))
    rows.append(
        _row("fit_seconds", "Fit time", columns, results, lambda r: f"{r.fit_seconds:.2f} s")
    )
    notes = [
        f"{METHODS[m].label}: {r.scores['note']}"
        for m, r in results.items()
        if r.scores.get("note")
    ]
    return html.Div(
        [
            dbc.Table(
                [html.Thead(header), html.Tbody(rows)],
                size="sm",
                bordered=False,
                className="metrics-table mb-1",
            ),
            html.Div("; ".join(notes), className="small-note") if notes else None,
        ],
        className="table-responsive",
    )


def _row(metric, label, columns, results, text, best=frozenset()) -> html.Tr:
    cells = [html.Th(label, scope="row", className="fw-normal")]
    for method in columns:
        result = results.get(method)
        cells.append(
            html.Td(
                text(result) if result is not None else MISSING,
                className="metric-best" if method in best else None,
                **{"data-metric": metric, "data-method": method},
            )
        )
    return html.Tr(cells)


def _score_text(metric: str, value: float | None) -> str:
    if value is None:
        return MISSING
    return f"{value:,.1f}" if metric == "calinski_harabasz" else f"{value:.3f}"


def _noise_text(result) -> str:
    n_noise = result.scores["n_noise"]
    return f"{n_noise:,} ({share_text(result.scores['noise_share'])})" if n_noise else "none"


def _balance_text(result) -> str:
    """'largest 81 % · smallest 4 %', then why the result is flagged as degenerate."""
    balance = Balance.of(result.sizes)
    flags = "; ".join(flag.text for flag in degenerate_flags(result.sizes))
    text = balance.text() if balance else MISSING
    return f"{text} ⚠ {flags}" if flags else text


def sizes_text(sizes: dict, max_shown: int = 8) -> str:
    """'40 · 39 · 35 · 23 · 22 (+ 12 noise)': segment sizes, largest first."""
    clustered = [n for c, n in sorted(sizes.items()) if c != NOISE]
    text = " · ".join(f"{n:,}" for n in clustered[:max_shown])
    if len(clustered) > max_shown:
        text += f" · … {len(clustered) - max_shown} more"
    if sizes.get(NOISE):
        text += f" (+ {sizes[NOISE]:,} noise)"
    return text or MISSING


def verdict(results: dict, skewed: tuple[str, ...] = ()) -> str:
    """Which result the quality metrics favour among those not flagged as degenerate, and
    why the others were skipped (``algorithms.verdict``, shared with ``segmenta compare``);
    ``skewed`` names the features the advice may transform when every result is flagged."""
    return shared_verdict(candidates(results), skewed=skewed).reason


def candidates(results: dict) -> dict[str, Candidate]:
    return {
        method: Candidate(METHODS[method].label, r.scores, r.sizes, r.labels, r.row_mask)
        for method, r in results.items()
    }


def agreement_table(results: dict) -> html.Div:
    """Adjusted Rand and adjusted mutual information for each pair of shown results."""
    rows = []
    methods = list(METHODS)
    for i, first in enumerate(methods):
        for second in methods[i + 1 :]:
            pair = _agreement(results, first, second)
            if pair is None:
                continue
            rows.append(
                html.Tr(
                    [
                        html.Td(f"{METHODS[first].label} · {METHODS[second].label}"),
                        html.Td(f"{pair.adjusted_rand:.2f}", **{"data-pair": f"{first}-{second}"}),
                        html.Td(f"{pair.adjusted_mutual_info:.2f}"),
                        html.Td(agreement_words(pair.adjusted_rand), className="small"),
                    ]
                )
            )
    if not rows:
        return html.Div("Two results are needed to compare them.", className="small-note")
    header = html.Tr(
        [html.Th("Pair"), html.Th("Adjusted Rand"), html.Th("Adjusted MI"), html.Th("")]
    )
    return html.Div(
        [
            dbc.Table(
                [html.Thead(header), html.Tbody(rows)], size="sm", className="agreement-table mb-1"
            ),
            html.Div(
                "1 = the same segments, 0 = no more alike than chance; noise counts as a group.",
                className="small-note",
            ),
        ],
        className="table-responsive",
    )


def agreement_words(adjusted_rand: float) -> str:
    """Adjusted Rand in the words an analyst would use."""
    if adjusted_rand >= 0.9:
        return "almost the same segments"
    if adjusted_rand >= 0.7:
        return "largely agree"
    if adjusted_rand >= 0.4:
        return "partly agree"
    return "different segmentations"


def _agreement(results: dict, first: str, second: str):
    a, b = results.get(first), results.get(second)
    if a is None or b is None or not np.array_equal(a.row_mask, b.row_mask):
        return None
    return agreement(a.labels, b.labels)


def crosstab_output(services, shown: dict[str, dict | None], rows: str, columns: str):
    """The cross-tab figure of two shown results (customers in each pair of segments)."""
    results = shown_results(services, shown, scored=False)
    missing = [METHODS[m].label for m in (rows, columns) if m not in results]
    if missing:
        return empty_figure(f"{' and '.join(dict.fromkeys(missing))}: no result to compare yet")
    pair = _agreement(results, rows, columns)
    if pair is None:
        return empty_figure("The two results are on different views")
    return crosstab_figure(
        pair,
        segment_names(results[rows].profile),
        segment_names(results[columns].profile),
        METHODS[rows].label,
        METHODS[columns].label,
    )
