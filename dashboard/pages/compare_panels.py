"""What each Compare panel shows, as functions of ``services`` the callbacks call.

A panel works in two steps, so that one slow fit never freezes the page: its controls become a
*request* (view, method, parameters); the request becomes the panel (scatter, profile table,
notes, alerts). Tables of ``BACKGROUND_MIN_ROWS`` customers or more are fitted by a background
callback first, which leaves the result in the shared cache; the panel is then drawn from the
cache. A panel draws from the fit alone (``fitted``); the quality scores, which only the metrics
show, are added after (``segmentation``). Errors stay inside their panel as an alert that says
what to change.
"""

import json
import logging
from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
import numpy as np
import plotly.graph_objects as go
from dash import html

from algorithms.diagnostics import suggest_min_samples
from algorithms.errors import SegmentaError
from algorithms.methods import get_method
from algorithms.methods.hierarchical import height_for
from algorithms.verdict import ONE_SEGMENT, degenerate_flags
from dashboard.figures.compare import matched_colors
from dashboard.figures.projection import category_note
from dashboard.figures.scatter import SVG_MAX_POINTS, empty_figure, segment_names
from dashboard.figures.segments import segmentation_scatter
from dashboard.pages.compare_controls import CUT_BY_HEIGHT, DEFAULT_EPS, params_from_controls
from dashboard.pages.compare_profile import profile_table
from dashboard.services.analysis import View
from dashboard.shell import feedback
from dashboard.view.result_links import diagnostics_href, result_href

log = logging.getLogger("segmenta")

BACKGROUND_MIN_ROWS = 20_000
SEED = 0
MANY_SEGMENTS = 20
PANEL_POINTS = SVG_MAX_POINTS
"""About how many customers a panel draws at most (a sample stratified by segment above, said
in its note): three panels share a screen's width, more points only overplot, and up to this
many SVG draws faster than WebGL in a browser (benchmarks: svg_or_webgl). The metrics use
every customer."""


@dataclass(frozen=True)
class PanelView:
    figure: go.Figure
    note: str
    alert: object
    profile: object
    href: str | None
    """The Personas page on this result; None while there is no segment to name."""
    shown: dict | None
    diagnostics_href: str | None = None
    """The Diagnostics page on this result: its silhouette plot and stability check."""
    colors: dict[str, str] | None = None
    """The colour each segment is drawn in (JSON keys), which later matches take."""

    def outputs(self) -> tuple:
        """In the order of the panel callback's outputs."""
        return (
            self.figure,
            self.note,
            self.alert,
            self.profile,
            self.href,
            self.href is None,
            self.diagnostics_href,
            self.diagnostics_href is None,
            self.shown,
            self.colors,
        )


def panel_request(
    services, view_data: dict, method: str, values: dict, cut_by: str | None = None
) -> tuple[dict, object]:
    """(request, background request): what the panel should show, and the same request
    again when the table is large enough to fit in the background (else ``no_update``)."""
    request = {"view": view_data, "method": method}
    try:
        request["params"] = params_from_controls(method, values, cut_by)
        n_rows = services.datasets.info(view_data["dataset_id"]).n_rows
    except Exception as error:  # noqa: BLE001  (shown in the panel, never raised to Dash)
        return request | _error_record(error, method), dash.no_update
    request["background"] = n_rows >= BACKGROUND_MIN_ROWS
    return request, request if request["background"] else dash.no_update


def fit_in_background(services, request: dict) -> dict:
    """Fit the request (in a background process) so its result lands in the shared cache."""
    try:
        segmentation(services, request)
    except Exception as error:  # noqa: BLE001
        return {"request": request} | _error_record(error, request["method"])
    return {"request": request}


def segmentation(services, request: dict):
    """The request's result with its quality scores (what the metrics compare)."""
    view = View.from_store(request["view"])
    return services.analysis.segmentation(view, request["method"], request["params"], SEED)


def fitted(services, request: dict):
    """The request's result, scored or not yet (what a panel draws: ``Analysis.fitted``)."""
    view = View.from_store(request["view"])
    return services.analysis.fitted(view, request["method"], request["params"], SEED)


def panel_view(
    services,
    request: dict | None,
    fitted: dict | None = None,
    reference: dict | None = None,
    reference_colors: dict | None = None,
) -> PanelView:
    """The panel for ``request``; ``fitted`` is the background fit's report, ``reference``
    the request another panel shows and ``reference_colors`` the colours it is drawn in
    (its own segments' numbers' colours when not given), which corresponding segments take."""
    if not request:
        return _blank(empty_figure())
    method_label = get_method(request["method"]).label
    if "error" in request:
        return _blank(empty_figure(), _record_alert(request, method_label))
    if waiting(request, fitted):
        return _blank(
            empty_figure(f"{method_label} not fitted"),
            feedback.info_alert("The fit was cancelled: change a parameter to fit again."),
        )
    if fitted and "error" in fitted:
        return _blank(empty_figure(), _record_alert(fitted, method_label))
    try:
        return _drawn(services, request, reference, reference_colors)
    except Exception as error:  # noqa: BLE001
        return _blank(empty_figure(), feedback.error_alert(error, f"the {method_label} panel"))


def colour_reference(
    request: dict | None,
    others_shown: list,
    others_colors: list,
    earlier_requests: list | None = None,
) -> tuple[dict | None, dict | None]:
    """(request, colours) whose colours a panel's corresponding segments take: the first
    other panel showing a result on the same view, with the colours it is drawn in; else,
    while the page opens and no other panel is drawn yet, the first earlier panel asked for
    the same view (``earlier_requests``), in its own numbers' colours, which is how that panel
    draws with nothing before it. So every panel draws in the same round and the colours still
    correspond; (None, None) when there is no such panel."""
    view = (request or {}).get("view")
    for shown, colors in zip(others_shown, others_colors, strict=True):
        if shown and shown.get("view") == view:
            return shown, colors
    for earlier in earlier_requests or ():
        if earlier and "error" not in earlier and earlier.get("view") == view:
            return earlier, None
    return None, None


def fitted_requests(methods: list[str], requests_then_fits: tuple) -> dict[str, dict | None]:
    """{method: request} of the panels whose result can be read (or fitted here, for a small
    table) now: no error, and a large table's background fit done; None for the others.
    ``requests_then_fits``: every method's request, then every method's fit report."""
    requests, fits = requests_then_fits[: len(methods)], requests_then_fits[len(methods) :]
    return {
        method: request
        if request
        and "error" not in request
        and not waiting(request, fitted)
        and not (fitted and fitted.get("request") == request and "error" in fitted)
        else None
        for method, request, fitted in zip(methods, requests, fits, strict=True)
    }


def waiting(request: dict | None, fitted: dict | None) -> bool:
    """Whether the panel still lacks its background fit (its table is large, and the last
    report is about another request).

    Dash holds the panel's callback back while the background fit runs (the fit's output is
    one of its inputs), so a panel found waiting is one whose fit was cancelled.
    """
    return bool(
        request and request.get("background") and (not fitted or fitted.get("request") != request)
    )


def _drawn(services, request: dict, reference, reference_colors) -> PanelView:
    """The panel drawn from the request's result, once per worker for each request and set of
    colours (``services.drawn``, one per app and so per configuration): a revisit reads it
    back instead of drawing it again. The result need not be scored yet: the panel shows no
    score, the metrics wait for them."""
    result = fitted(services, request)
    view = View.from_store(request["view"])
    table = services.analysis.table(view.dataset_id)  # a removed table is not drawn from memory
    colors = _colors(services, request, result, reference, reference_colors)
    key = json.dumps([request, sorted(colors.items())], sort_keys=True)
    return services.drawn.get_or_compute(
        key, lambda: _draw(services, request, result, view, table, colors)
    )


def _draw(services, request: dict, result, view: View, table, colors) -> PanelView:
    names = segment_names(result.profile)
    scatter = segmentation_scatter(
        result,
        table,
        view.features,
        names=names,
        colors=colors,
        max_points=min(services.config.display_points, PANEL_POINTS),
        show_centroids=get_method(request["method"]).centers_are_model,
        uirevision=f"{view.dataset_id}:{'|'.join(view.features)}",
        seed=SEED,
    )
    n_clusters = result.scores["n_clusters"]
    method, params = request["method"], result.spec["params"]
    return PanelView(
        figure=scatter.figure,
        note=_note(result, scatter.note),
        alert=_warnings(services, request, result),
        profile=profile_table(
            result.profile,
            view.features,
            names,
            colors,
            explained=(result.summary or {}).get("profiles"),
            category=view.categorical,
        ),
        href=result_href("/personas", method, params) if n_clusters else None,
        shown=request,
        diagnostics_href=diagnostics_href(method, params, n_clusters),
        colors={str(cluster): color for cluster, color in colors.items()},
    )


def _colors(
    services, request: dict, result, reference: dict | None, reference_colors: dict | None
) -> dict[int, str]:
    """Segments take the colour of the reference's segment they share most customers with
    (when both panels show the same view); without a reference, the colours of their
    numbers."""
    if not reference or reference.get("view") != request["view"]:
        return matched_colors(None, result.labels)
    try:
        reference_labels = _reference_result(services, reference).labels
    except Exception as error:  # noqa: BLE001  (the reference's own panel shows the error)
        log.info("no reference colours: %s", error)
        return matched_colors(None, result.labels)
    known = {int(c): color for c, color in reference_colors.items()} if reference_colors else None
    return matched_colors(reference_labels, result.labels, known)


def _reference_result(services, reference: dict):
    """The reference's result: fitted here for a small table (a panel fitting it at the same
    time shares the work, ``ResultCache``), only read back for a large one, whose fit belongs to
    its background job (a KeyError until that is done: no reference yet)."""
    if not reference.get("background"):
        return fitted(services, reference)
    view = View.from_store(reference["view"])
    result = services.analysis.cached_segmentation(
        view, reference["method"], reference["params"], SEED
    )
    if result is None:
        raise KeyError("the reference is still fitting")
    return result


def _note(result, scatter_note: str) -> str:
    scores = result.scores
    parts = [_count(scores["n_clusters"], "segment")]
    if get_method(result.spec["method"]).leaves_noise:
        parts.append(f"{scores['n_noise']:,} noise ({scores['noise_share']:.0%})")
    if result.cut_height is not None:
        parts.append(f"tree cut at height {result.cut_height:.2f}")
    parts.append(f"fitted in {result.fit_seconds:.2f} s")
    dropped = int((~np.asarray(result.row_mask)).sum())
    if dropped:
        parts.append(f"{_count(dropped, 'customer')} with missing values left out")
    parts += [result.note, scatter_note, category_note(result.spec)]
    return " · ".join(filter(None, parts))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _warnings(services, request: dict, result) -> list | None:
    """Alerts for results that fit but are no use as they are, with what to change: the
    degenerate flags the verdict skips the result for, then the method's own advice."""
    alerts = [flags_alert(result.sizes), _method_warning(services, request, result)]
    return [alert for alert in alerts if alert is not None] or None


def flags_alert(sizes: dict) -> dbc.Alert | None:
    """'Not recommended' with each degenerate flag (``algorithms.verdict``), so the panel says
    why the verdict skips it; the one-segment flag is left to the method's own advice."""
    flags = [flag for flag in degenerate_flags(sizes) if flag.kind != ONE_SEGMENT]
    if not flags or not any(cluster >= 0 for cluster in sizes):
        return None
    reasons = "; ".join(flag.text for flag in flags)
    return dbc.Alert(
        [
            dbc.Badge("Not recommended", color="warning", text_color="dark", className="me-2"),
            f"{reasons[0].upper()}{reasons[1:]}.",
        ],
        color="warning",
        className="degenerate-flags mb-2 small",
    )


def _method_warning(services, request: dict, result):
    n_clusters = result.scores["n_clusters"]
    method = get_method(request["method"])
    if n_clusters == 0:
        return dbc.Alert(
            f"Every customer is noise: {_all_noise_advice(services, request)}.",
            color="warning",
            className="mb-2",
        )
    if n_clusters == 1:
        return feedback.info_alert(
            f"Only one segment: {method.more_segments_advice} to split the customers."
        )
    if n_clusters > MANY_SEGMENTS:
        return feedback.info_alert(
            f"{n_clusters:,} segments are too many to act on: {method.fewer_segments_advice}."
        )
    return None


def _all_noise_advice(services, request: dict) -> str:
    """'increase eps (suggested: 0.42) or lower min_samples' for a method with a radius."""
    method = get_method(request["method"])
    if not method.neighbourhood_params:
        return method.more_segments_advice
    radius, neighbours = method.neighbourhood_params
    suggestion = suggested_eps(services, request["view"], request["params"][neighbours])
    return f"increase {radius} (suggested: {suggestion:.2f}) or lower {neighbours}"


def suggested_eps(services, view_data: dict, min_samples: int) -> float:
    """eps at the knee of the k-distance curve for ``min_samples``, to 3 significant digits
    (the Diagnostics link carries more; both are accepted); the declared default where the
    curve has no knee."""
    result = services.analysis.k_distance(View.from_store(view_data), int(min_samples), SEED)
    if result.suggested_eps is None:
        return DEFAULT_EPS
    return float(f"{result.suggested_eps:.3g}")


def radius_hint(
    services, view_data: dict, min_samples, names: tuple[str, str] = ("eps", "min_samples")
):
    """The hint under the radius field: the suggestion for ``min_samples`` (the request fills
    an empty field with it, ``suggested_controls``), with advice when it gives one segment or
    mostly noise. ``names``: the method's ``neighbourhood_params``, as the hint calls them."""
    if min_samples is None or not view_data:
        return ""
    try:
        suggestion = suggested_eps(services, view_data, min_samples)
    except Exception as error:  # noqa: BLE001  (the panel's own fit will show the error)
        log.info("no radius suggestion: %s", error)
        return ""
    radius, neighbours = names
    hint = f"Suggested {radius} for {neighbours}={min_samples}: {suggestion:.3g} (k-distance knee)"
    hint += min_samples_advice(services, view_data, int(min_samples))
    advice = eps_advice(services, view_data, suggestion, int(min_samples))
    if advice:
        hint = [hint, html.Div(advice, className="eps-advice text-warning-emphasis mt-1")]
    return hint


def eps_advice(services, view_data: dict, eps: float, min_samples: int) -> str:
    """When DBSCAN at ``eps`` gives one segment or mostly noise: that, plainly, and what to
    try (``algorithms.eps_check``); empty otherwise, and above the check's table size."""
    try:
        check = services.analysis.eps_check(View.from_store(view_data), eps, min_samples, SEED)
    except Exception as error:  # noqa: BLE001  (the panel's own fit will show the error)
        log.info("no eps check: %s", error)
        return ""
    return check.advice if check else ""


def min_samples_advice(services, view_data: dict, min_samples: int) -> str:
    """On large tables a small min_samples splits segments into hundreds of specks: say which
    min_samples suits the table's size when the chosen one is far below it."""
    n_rows = services.datasets.info(view_data["dataset_id"]).n_rows
    suited = suggest_min_samples(n_rows, len(view_data["features"]))
    if min_samples * 2 > suited:
        return ""
    return f" · for {n_rows:,} customers, min_samples ≈ {suited} gives steadier segments"


def suggested_control_names(method: str) -> list[str]:
    """The controls ``suggested_controls`` may fill in for ``method``: its radius, its cut
    height."""
    method_class = get_method(method)
    radius = method_class.neighbourhood_params and method_class.neighbourhood_params[0]
    height = method_class.cut_params and method_class.cut_params[1]
    return [name for name in (radius, height) if name]


def suggested_controls(
    services, method: str, view_data, controls: dict, cut_by: str | None
) -> dict:
    """The empty controls a panel fills in before it fits: the suggested radius (methods
    with ``neighbourhood_params``; the declared default when there is none) and, when the
    tree is cut by height, the height that cuts it into the current count
    (``cut_height_default``)."""
    suggested = {}
    neighbourhood = get_method(method).neighbourhood_params
    if neighbourhood and view_data:
        radius, neighbours = neighbourhood
        if controls.get(radius) is None and controls.get(neighbours) is not None:
            try:
                suggested[radius] = suggested_eps(services, view_data, controls[neighbours])
            except Exception as error:  # noqa: BLE001  (the panel's own fit shows the error)
                log.info("no radius suggestion: %s", error)
                suggested[radius] = DEFAULT_EPS
    if get_method(method).cut_params and cut_by is not None:
        height = cut_height_default(services, method, view_data, cut_by, controls)
        if height is not dash.no_update:
            suggested[get_method(method).cut_params[1]] = height
    return suggested


def cut_height_default(services, method: str, view_data, cut_by: str, controls: dict) -> object:
    """The height that cuts the tree into the panel's current count, filled in when the tree
    is cut by height and no height is set: on switching to the cut height, and on opening the
    page for a new view (heights are in the view's scaled units, so a link does not carry
    one over to another view)."""
    count, height = get_method(method).cut_params
    if cut_by != CUT_BY_HEIGHT or controls.get(height) is not None or not view_data:
        return dash.no_update
    try:
        params = params_from_controls(method, controls)
        tree = services.analysis.fitted(View.from_store(view_data), method, params, SEED)
        suggested = height_for(tree.linkage_matrix, int(controls[count]))
    except Exception:  # noqa: BLE001  (the field says to enter a height instead)
        return dash.no_update
    return dash.no_update if suggested is None else suggested


def _error_record(error: Exception, method: str) -> dict:
    """An error as stored data: its message, and whether it is the user's to fix."""
    if isinstance(error, SegmentaError):
        return {"error": str(error), "expected": True}
    log.error("unexpected error in the %s panel", method, exc_info=error)
    return {"error": type(error).__name__, "expected": False}


def _record_alert(record: dict, method_label: str):
    if record.get("expected"):
        return feedback.error_alert(SegmentaError(record["error"]))
    return dbc.Alert(
        f"Segmenta could not fit {method_label} ({record['error']}). The error was logged; "
        "try other settings or reload the page.",
        color="danger",
        className="mb-2",
    )


def _blank(figure: go.Figure, alert=None) -> PanelView:
    return PanelView(figure=figure, note="", alert=alert, profile=None, href=None, shown=None)
