"""What each Diagnostics callback computes and returns, one function per panel.

The callbacks in ``dashboard.pages.diagnostics`` only forward their inputs here, so the tests
call these with a ``services`` and get exactly what the browser would receive. Every function
catches its own errors and returns an alert plus a figure that says what went wrong: a panel
never freezes and never shows a traceback.
"""

from collections.abc import Callable

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from algorithms.diagnostics import (
    K_DISTANCE_SAMPLE,
    flagged_ks,
    skewed_k_distances,
    skipped_ks_text,
)
from algorithms.errors import ParameterError
from algorithms.methods import METHODS, NOISE, Param, with_capability
from algorithms.preprocessing import skewed_features
from algorithms.verdict import next_steps
from dashboard.figures import diagnostics as figures
from dashboard.figures.scatter import segment_names
from dashboard.ids import diagnostics as ids
from dashboard.services.analysis import View
from dashboard.shell.feedback import error_alert, info_alert
from dashboard.view.result_links import result_href

K_LIMIT = 20
SWEEP_METHOD = "kmeans"
"""The method ``algorithms.diagnostics.sweep_k`` fits for each k: a recommended k opens it."""
K_DISTANCE_MIN_SAMPLES = Param(
    "min_samples", int, None, "Neighbours (the point included) of a core point.", low=2, high=1000
)
CRITERION_BADGES = {
    "elbow": "Elbow knee",
    "silhouette": "Silhouette ↑",
    "calinski_harabasz": "Calinski-Harabasz ↑",
    "davies_bouldin": "Davies-Bouldin ↓",
}


def k_bounds(k_range) -> tuple[int, int]:
    """(k_min, k_max) from the range slider, checked against what the sweep allows."""
    try:
        k_min, k_max = (int(k) for k in k_range)
    except (TypeError, ValueError):
        raise ParameterError(f"The k range must be two whole numbers, not {k_range!r}.") from None
    if not 1 <= k_min < k_max <= K_LIMIT:
        raise ParameterError(
            f"Choose a k range within 1 to {K_LIMIT} with k_min below k_max "
            f"(got {k_min} to {k_max})."
        )
    return k_min, k_max


def sweep_progress(set_progress: Callable, k_min: int) -> Callable[[int, int], None]:
    """The sweep's ``progress(step, total)`` as (percent, label) for the progress bar."""

    def report(step: int, total: int) -> None:
        set_progress(
            (round(100 * step / total), f"k = {k_min + step - 1} fitted ({step} of {total})")
        )

    return report


def sweep_outputs(services, view_data: dict, k_range, set_progress=None) -> tuple:
    """(alerts, elbow figure, scores figure, recommendation) for the K-Means sweep;
    ``set_progress`` (the background callback's) receives (percent, label) after each k."""
    try:
        view = View.from_store(view_data)
        k_min, k_max = k_bounds(k_range)
        n_rows = len(services.analysis.prepare(view).matrix)
        progress = sweep_progress(set_progress, k_min) if set_progress else None
        result = services.analysis.sweep(view, k_min, k_max, seed=0, progress=progress)
    except Exception as error:  # noqa: BLE001  (shown as an alert, see dashboard.shell.feedback)
        message = figures.message_figure("No elbow curve: see the message above.")
        return error_alert(error, "the k sweep"), message, message, None
    sweep = result.sweep
    alerts = [info_alert(sweep.note)] if sweep.note else []
    if sweep.knee is None:
        alerts.append(info_alert("The elbow curve has no clear knee in this k range."))
    skewed = ()
    if result.recommendation is None:
        table = services.analysis.table(view.dataset_id)
        skewed = tuple(skewed_features(table, list(view.features)))
    return (
        alerts,
        figures.elbow_figure(sweep),
        figures.scores_figure(sweep),
        recommendation_block(result, n_rows, skewed),
    )


def recommendation_block(result, n_rows: int, skewed: tuple[str, ...] = ()) -> html.Div:
    """The recommended k in large type, the reason, one badge per criterion; without one,
    why (``skewed`` names the heavily skewed features the next step may transform)."""
    recommendation, sweep = result.recommendation, result.sweep
    if recommendation is None:
        return html.Div(no_recommendation(sweep, skewed), className="text-muted no-recommended-k")
    k = recommendation.k
    badges = [
        criterion_badge(label, recommendation.votes.get(criterion), k)
        for criterion, label in CRITERION_BADGES.items()
    ]
    notes = []
    if 0 < sweep.silhouette_sample_size < n_rows:
        notes.append(
            f"Silhouette estimated on a stratified sample of {sweep.silhouette_sample_size:,} "
            f"of {n_rows:,} customers at each k; the other scores use every customer."
        )
    return html.Div(
        [
            html.Div("Recommended number of segments", className="text-muted small"),
            html.H2(f"k = {k}", className="recommended-k mb-1"),
            html.P(recommendation.reason, className="mb-2"),
            html.Div(badges, className="mb-2"),
            *[html.P(note, className="small-note") for note in notes],
            html.Div(
                [
                    dbc.Button(
                        f"Inspect k = {k} below",
                        id=ids.INSPECT_RECOMMENDED,
                        value=k,
                        color="primary",
                        outline=True,
                        size="sm",
                    ),
                    dbc.Button(
                        f"Open {METHODS[SWEEP_METHOD].label} with k = {k} in Compare",
                        href=result_href(
                            "/compare", SWEEP_METHOD, {METHODS[SWEEP_METHOD].k_param: k}
                        ),
                        color="primary",
                        outline=True,
                        size="sm",
                    ),
                ],
                className="d-flex flex-wrap gap-2",
            ),
        ],
        className="segmenta-panel",
    )


def no_recommendation(sweep, skewed: tuple[str, ...] = ()) -> str:
    """Why no k is recommended: every scored k degenerate (as the verdict judges), and what
    to try next; or too few k to score."""
    flagged = flagged_ks(sweep)
    if not flagged:
        return "No recommendation: the criteria need at least k = 2 and 3 values of k."
    steps = next_steps({str(k): flags for k, flags in flagged.items()}, skewed)
    return (
        f"No k recommended: the segments of every k swept are degenerate. "
        f"{skipped_ks_text(flagged)} Next, try {', or '.join(steps)}."
    )


def criterion_badge(label: str, vote: int | None, recommended: int) -> dbc.Badge:
    """Green where the criterion agrees with the recommendation, grey where it does not."""
    return dbc.Badge(
        f"{label}: " + ("no knee" if vote is None else f"k = {vote}"),
        color="success" if vote == recommended else "secondary",
        className="me-1 mb-1",
    )


def silhouette_outputs(services, view_data: dict, method: str, params: dict) -> tuple:
    """(alerts, silhouette figure, summary) for one chosen segmentation (``params``: those of
    its controls, validated downstream)."""
    try:
        view = View.from_store(view_data)
        result = services.analysis.segmentation(view, method, params)
        rows, labels, values = services.analysis.silhouettes(view, method, params)
    except Exception as error:  # noqa: BLE001
        return (
            error_alert(error, "the silhouette plot"),
            figures.message_figure("No silhouette plot: see the message above."),
            None,
        )
    if len(values) == 0:
        message = (
            f"{result.method_label} found {segment_count(result)} with these parameters; "
            "a silhouette needs at least 2. Change the parameters."
        )
        return info_alert(message), figures.message_figure(message), None
    figure = figures.silhouette_figure(labels, values, names=segment_names(result.profile))
    return None, figure, silhouette_summary(result, values)


def silhouette_summary(result, values: np.ndarray) -> list:
    clustered = int((result.labels != NOISE).sum())
    negative = int((values < 0).sum())
    lines = [
        f"Mean silhouette {values.mean():.3f} over {len(values):,} customers "
        f"({result.method_label}, {segment_count(result)})."
    ]
    if negative:
        lines.append(
            f"{customers(negative)} ({negative / len(values):.1%}) with a negative silhouette: "
            "closer to another segment than to their own."
        )
    n_noise = len(result.labels) - clustered
    if n_noise:
        lines.append(f"{customers(n_noise)} marked as noise left out: they belong to no segment.")
    if len(values) < clustered:
        lines.append(
            f"Computed on a stratified sample of {len(values):,} of {clustered:,} customers."
        )
    return [html.P(line, className="small-note mb-1") for line in lines]


def segment_count(result) -> str:
    """'5 segments', noise not counted (it is no segment)."""
    count = result.scores["n_clusters"]
    return f"{count} segment{'' if count == 1 else 's'}"


def customers(count: int) -> str:
    return f"{count:,} customer{'' if count == 1 else 's'}"


def eps_text(eps: float) -> str:
    """eps as shown on the button and sent to Compare: 4 significant digits."""
    return f"{eps:.4g}"


def density_method() -> str:
    """The method whose radius the k-distance curve suggests (``neighbourhood_params``)."""
    return with_capability("neighbourhood_params")[0]


def tree_method() -> str:
    """The method whose tree the dendrogram draws (``cut_params``)."""
    return with_capability("cut_params")[0]


def k_distance_outputs(services, view_data: dict, min_samples, log_axis: bool = False) -> tuple:
    """(alerts, k-distance figure, button label, button href, button disabled, note); the
    alert says plainly when DBSCAN at the suggested eps gives one segment or mostly noise."""
    try:
        view = View.from_store(view_data)
        m = K_DISTANCE_MIN_SAMPLES.check(min_samples)
        result = services.analysis.k_distance(view, m)
    except Exception as error:  # noqa: BLE001
        return (
            error_alert(error, "the k-distance curve"),
            figures.message_figure("No k-distance curve: see the message above."),
            "Use eps in Compare",
            "/compare",
            True,
            None,
        )
    figure = figures.k_distance_figure(result.distances, result.suggested_eps, m, log_axis)
    notes = [
        f"Each customer's distance to its {figures.ordinal(m)} nearest neighbour, counting "
        "itself as DBSCAN's min_samples does. Below the knee customers sit in dense "
        "regions; eps at the knee makes them core points."
    ]
    if skewed_k_distances(result.distances):
        notes.append(
            "The curve has a long tail (a few customers far from any other), so its knee is "
            "found on the log of the distances"
            + ("." if log_axis else ": switch on the log axis to see where it bends.")
        )
    n_rows = services.datasets.info(view.dataset_id).n_rows
    if len(result.distances) == K_DISTANCE_SAMPLE < n_rows:
        notes.append(
            f"Curve over a random sample of {K_DISTANCE_SAMPLE:,} customers "
            f"(the table has {n_rows:,}); their neighbours are searched among all of them."
        )
    note = [html.P(line, className="small-note mb-1") for line in notes]
    method = density_method()
    radius, neighbours = METHODS[method].neighbourhood_params
    if result.suggested_eps is None:
        return (
            info_alert("The k-distance curve has no clear knee: read eps off the curve."),
            figure,
            "No suggested eps",
            result_href("/compare", method, {neighbours: m}),
            True,
            note,
        )
    eps = eps_text(result.suggested_eps)
    href = result_href("/compare", method, {radius: eps, neighbours: m})
    check = services.analysis.eps_check(view, float(eps), m)
    alert = warning_alert(check.advice) if check and check.advice else None
    return alert, figure, f"Use eps = {eps} in Compare", href, False, note


def warning_alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="warning", className="mb-2 small")


def dendrogram_outputs(services, view_data: dict, linkage: str, k, height) -> tuple:
    """(alerts, dendrogram figure, note) for the tree method cut at k or a height."""
    try:
        view = View.from_store(view_data)
        method = tree_method()
        count, at_height = METHODS[method].cut_params
        params = {count: k, "linkage": linkage, at_height: height}
        result = services.analysis.segmentation(view, method, params)
        figure = figures.dendrogram_figure(
            result.linkage_matrix,
            result.cut_height,
            result.scores["n_clusters"],
            y_title=f"Merge distance ({linkage} linkage, scaled units)",
            names=segment_names(result.profile),
        )
    except Exception as error:  # noqa: BLE001
        return (
            error_alert(error, "the dendrogram"),
            figures.message_figure("No dendrogram: see the message above."),
            None,
        )
    sizes = ", ".join(f"{size:,}" for size in result.sizes.values())
    lines = [
        f"Cut at height {result.cut_height:.3g}: {segment_count(result)} of {sizes} customers."
    ]
    if result.note:
        lines.append(f"Note: {result.note}.")
    return None, figure, [html.P(line, className="small-note mb-1") for line in lines]


def criteria_outputs(services, view_data: dict, method: str, k_range) -> tuple:
    """(alert, figure) of the per-k criteria ``method`` declares, over the sweep's k range."""
    try:
        view = View.from_store(view_data)
        k_min, k_max = k_bounds(k_range)
        by_criterion = services.analysis.criteria(view, method, k_min, k_max)
    except Exception as error:  # noqa: BLE001
        return (
            error_alert(error, f"the {METHODS[method].label} criteria"),
            figures.message_figure("No criteria: see the message above."),
        )
    ks = list(range(k_min, k_max + 1))
    return None, figures.criteria_figure(ks, by_criterion, METHODS[method].label)
