"""What the Stability card's callbacks return: bootstrap stability of the result the silhouette
plot shows (the same method and parameter controls).

Twenty refits take a while on a large table, so the check runs only when asked, as a
background callback. What it shows belongs to the settings it was computed for (``checked``,
kept in a store beside it); as soon as the chosen result differs, ``staleness`` dims it and
says which result it belongs to, so old numbers are never read as current ones.
"""

from collections.abc import Callable

from dash import html

from algorithms.methods import METHODS
from algorithms.stability import DISSOLVING, STABLE, Stability
from dashboard.figures import diagnostics as figures
from dashboard.figures.colors import cluster_name
from dashboard.figures.scatter import segment_names
from dashboard.pages.diagnostics_panels import customers, segment_count
from dashboard.services.analysis import View
from dashboard.shell.feedback import error_alert, info_alert

CURRENT = {}
STALE = {"opacity": 0.35}
GRADE_LINES = {
    "stable": f"Stable (Jaccard ≥ {STABLE:g}), found again in nearly every resample: {{}}.",
    "doubtful": f"Doubtful (Jaccard {DISSOLVING:g}–{STABLE:g}), found again only in part: {{}}.",
    "dissolving": (
        f"Dissolve (Jaccard < {DISSOLVING:g}), artefacts of this seed and sample rather than "
        "real groups (try fewer segments or other parameters): {}."
    ),
}


def chosen_result(view_data: dict, method: str, params: dict) -> dict:
    """The settings a stability check belongs to: the view and the chosen method's parameters."""
    return {"view": view_data, "method": method, "params": dict(params)}


def resample_label(refitted: int, total: int) -> str:
    """'resample 8 of 20' while the 8th is refitted; '20 of 20 resamples refitted' at the end."""
    if refitted >= total:
        return f"{total} of {total} resamples refitted"
    return f"resample {refitted + 1} of {total}"


def stability_progress(set_progress: Callable) -> Callable[[int, int], None]:
    """The check's ``progress(step, total)`` (``step`` resamples refitted) as (percent, label)
    for the progress bar."""

    def report(step: int, total: int) -> None:
        set_progress((round(100 * step / total), resample_label(step, total)))

    return report


def stability_outputs(
    services, view_data: dict, method: str, params: dict, set_progress=None
) -> tuple:
    """(alerts, Jaccard figure, verdict, the settings checked) for the chosen result;
    ``set_progress`` (the background callback's) receives (percent, label) after each refit."""
    checked = chosen_result(view_data, method, params)
    try:
        view = View.from_store(view_data)
        params = checked["params"]
        result = services.analysis.segmentation(view, method, params)
        progress = stability_progress(set_progress) if set_progress else None
        stability = services.analysis.stability(view, method, params, progress=progress)
    except Exception as error:  # noqa: BLE001  (shown as an alert, see dashboard.shell.feedback)
        return (
            error_alert(error, "the stability check"),
            figures.message_figure("No stability check: see the message above."),
            None,
            checked,
        )
    names = segment_names(result.profile)
    figure = figures.stability_figure(stability.jaccard_by_cluster, names=names)
    return None, figure, stability_verdict(stability, result), checked


def stability_verdict(stability: Stability, result) -> list:
    """Which segments are stable, doubtful or dissolve, the mean adjusted Rand, and the
    sample the resamples were drawn from when the table was above the cap."""
    drafted = segment_names(result.profile)
    lines = [
        f"{result.method_label} ({segment_count(result)}) refitted on "
        f"{stability.n_resamples} bootstrap resamples of the customers."
    ]
    for grade, clusters in stability.clusters_by_grade().items():
        if clusters:
            names = ", ".join(cluster_name(cluster, drafted) for cluster in clusters)
            lines.append(GRADE_LINES[grade].format(names))
    lines.append(
        f"Mean adjusted Rand {stability.mean_adjusted_rand:.2f} between this result and its "
        "refits (1 = the same segments every time, 0 = no better than chance)."
    )
    n_noise = result.scores["n_noise"]
    if n_noise:
        lines.append(f"{customers(n_noise)} marked as noise are no segment and are not graded.")
    n_customers = len(result.labels)
    if stability.customers < n_customers:
        lines.append(
            f"On a stratified sample of {stability.customers:,} of {customers(n_customers)}."
        )
    return [html.P(line, className="small-note mb-1") for line in lines]


def staleness(view_data: dict, method: str, params: dict, checked: dict | None) -> tuple:
    """(note, style of the shown check): nothing while it belongs to the chosen result, else a
    note naming the result it belongs to and a dimmed style."""
    if checked is None or checked == chosen_result(view_data, method, params):
        return None, CURRENT
    return (
        info_alert(
            f"The stability below was checked for {settings_text(checked)}, not for the result "
            "chosen above: press Check stability to check this one."
        ),
        STALE,
    )


def settings_text(checked: dict) -> str:
    """'K-Means (n_clusters = 5) on Annual Income (k$) × Spending Score (1-100), standard
    scaling'."""
    method = METHODS.get(checked["method"])
    params = ", ".join(
        f"{name} = {value}" for name, value in checked["params"].items() if value is not None
    )
    view = checked.get("view") or {}
    features = " × ".join(view.get("features") or [])
    where = f" on {features}, {view.get('scaling', 'standard')} scaling" if features else ""
    return f"{method.label if method else checked['method']} ({params}){where}"
