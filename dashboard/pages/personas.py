"""Personas page: name, describe and colour each segment of a chosen segmentation, save the
set for the team (versioned, conflict-checked), carry names over to a re-run, and export.

``/personas?method=kmeans&n_clusters=5`` (Compare's "Use this segmentation") opens that
segmentation of the current view, ``/personas?set=12&version=3`` a saved set (``personas_link``);
without a query, K-Means with k=5. The page edits a
*source* (a fresh segmentation, or a saved set's version) resolved on the server
(``dashboard.persona_sets.workspace``). Saving, the library and the exports have their own
modules (``personas_save``, ``personas_library``, ``personas_exports``).
"""

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, Patch, State, ctx, dcc, html, no_update

from algorithms.stability import Stability
from dashboard import ids as shared_ids
from dashboard.figures.personas import label, workspace_scatter
from dashboard.figures.scatter import empty_figure, graph_config
from dashboard.ids import personas as ids
from dashboard.pages.personas_cards import card_style, carry_report, persona_cards
from dashboard.pages.personas_exports import export_panel, register_export_callbacks
from dashboard.pages.personas_library import library_panel, register_library_callbacks
from dashboard.pages.personas_link import entry_query, named_settings, published
from dashboard.pages.personas_save import register_save_callbacks, save_panel
from dashboard.persona_sets import (
    Workspace,
    carry_over_personas,
    carry_over_report,
    live_source,
    persona_set_record,
    resolve,
)
from dashboard.services.analysis import View
from dashboard.shell import feedback
from dashboard.view import url_settings
from dashboard.view.result_links import checked_params, diagnostics_href

PAGE = {"path": "/personas", "name": "Personas", "title": "Segmenta · Personas", "order": 3}
__all__ = ["PAGE", "layout", "named_settings", "register_callbacks"]


def layout(**query):
    link = url_settings.page_link(PAGE["path"], query, named_settings)
    if link.unchanged:
        return no_update  # the URL caught up with the page: keep it as it is
    entry, problems = entry_query(link.query)
    return html.Div(
        [
            dcc.Store(id=ids.QUERY, data=entry),
            dcc.Store(id=ids.SOURCE),
            dcc.Store(id=ids.LOADED),
            dcc.Store(id=ids.TRACES),
            html.H3("Personas"),
            html.P(
                "Give every segment a name, a description and a marketing recommendation, "
                "save the set for your team, and export it.",
                className="text-muted",
            ),
            url_settings.link_note(problems),
            html.Div(id=ids.ALERT),
            dbc.Row(
                [dbc.Col(_editor(), lg=8), dbc.Col(_sidebar(), lg=4)],
                className="g-3",
            ),
        ],
        className="personas-page",
    )


def _editor() -> list:
    """What the analyst works on: the set's name and Save, which segmentation it names, and
    the persona cards, so that the first row of cards is on the first screen."""
    return [
        save_panel(),
        html.Div(id=ids.SUMMARY, className="segmenta-panel small mb-3"),
        dcc.Loading(dbc.Row(id=ids.CARDS, className="g-3")),
    ]


def _sidebar() -> list:
    """Beside the cards: the segments in feature space, carrying names over, exports and the
    team's saved sets."""
    scatter = html.Div(
        dcc.Loading(
            dcc.Graph(
                id=ids.SCATTER,
                figure=empty_figure("Loading…"),
                config=graph_config("segmenta-personas"),
            )
        ),
        className="segmenta-panel mb-3",
    )
    carry = html.Div(
        [
            dbc.Label("Carry over names from", html_for=ids.CARRY_FROM, className="small mb-0"),
            dcc.Dropdown(id=ids.CARRY_FROM, placeholder="a saved persona set…", clearable=True),
            html.Div(
                "Matches this run's segments to the saved personas by their profiles.",
                className="small-note",
            ),
            html.Div(id=ids.CARRY_REPORT),
        ],
        className="segmenta-panel mb-3",
    )
    return [scatter, carry, html.Div(export_panel(), className="mb-3"), library_panel()]


def register_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.SOURCE, "data"),
        Output(ids.LOADED, "data"),
        Input(shared_ids.VIEW, "data"),
        Input(ids.QUERY, "data"),
    )
    def choose_source(view, query):
        source = entry_source(view, query)
        return source, loaded_set(services, source)

    @app.callback(
        Output(shared_ids.PAGE_QUERY, "data", allow_duplicate=True),
        Input(ids.SOURCE, "data"),
        Input(ids.LOADED, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def publish(source, loaded):
        return url_settings.changed_on_page(published(source, loaded))

    @app.callback(
        Output(ids.CARDS, "children"),
        Output(ids.SCATTER, "figure"),
        Output(ids.TRACES, "data"),
        Output(ids.SUMMARY, "children"),
        Output(ids.CARRY_REPORT, "children"),
        Output(ids.SET_NAME, "value"),
        Output(ids.ALERT, "children"),
        Output(ids.SAVE, "disabled"),
        Input(ids.SOURCE, "data"),
        Input(ids.CARRY_FROM, "value"),
    )
    def render(source, carry_from):
        keep_name = ctx.triggered_id == ids.CARRY_FROM
        return editor_outputs(services, source, carry_from, keep_name=keep_name)

    @app.callback(
        Output(ids.SCATTER, "figure", allow_duplicate=True),
        Output(ids.TRACES, "data", allow_duplicate=True),
        Input({"type": ids.NAME, "cluster": ALL}, "value"),
        Input({"type": ids.COLOR, "cluster": ALL}, "value"),
        State(ids.TRACES, "data"),
        prevent_initial_call=True,
    )
    def restyle(names, colors, traces):
        return restyled_scatter(names, colors, traces)

    @app.callback(
        Output({"type": ids.CARD, "cluster": MATCH}, "style"),
        Output({"type": ids.CHART, "cluster": MATCH}, "figure"),
        Input({"type": ids.COLOR, "cluster": MATCH}, "value"),
        prevent_initial_call=True,
    )
    def recolor_card(color):
        return recolored_card(color)

    register_save_callbacks(app, services)
    register_library_callbacks(app, services)
    register_export_callbacks(app, services)


def entry_source(view: dict | None, query: dict | None) -> dict | None:
    """What the page opens on: the URL's saved set, else the URL's segmentation or the
    default one, of the current view."""
    if query and query.get("set_id") is not None:
        return {"set_id": query["set_id"], "version": query.get("version")}
    if not view:
        return None
    if query:
        return live_source(View.from_store(view), query["method"], query["params"])
    return live_source(View.from_store(view))


def loaded_set(services, source: dict | None) -> dict | None:
    """The saved set and version a source opens (what the next save builds on), if any."""
    if not source or source.get("set_id") is None:
        return None
    try:
        saved = services.personas.get(int(source["set_id"]), source.get("version"))
    except Exception:  # noqa: BLE001  (the editor's own alert says the set cannot be opened)
        return None
    return {"set_id": saved.set_id, "version": saved.version, "name": saved.name}


def editor_outputs(services, source: dict | None, carry_from, keep_name: bool = False):
    """(cards, scatter, trace map, summary, carry-over report, set name, alert, save disabled)."""
    if not source:
        message = "Choose a table and features on the Data page first."
        return [], empty_figure(message), None, "", None, "", feedback.info_alert(message), True
    try:
        workspace = resolve(services, source)
    except Exception as error:  # noqa: BLE001  (shown in the page's alert area)
        alert = feedback.error_alert(error, "this segmentation")
        return [], empty_figure("No segmentation"), None, "", None, no_update, alert, True
    alerts = [feedback.info_alert(workspace.note)] if workspace.note else []
    personas, report = workspace.personas, None
    if carry_from is not None:
        try:
            personas, report = carried(services, workspace, int(carry_from))
        except Exception as error:  # noqa: BLE001
            alerts.append(feedback.error_alert(error, "the carried-over names"))
    figure, traces, note = scatter(services, workspace, personas)
    traces = traces | {"drawn": [[p["name"] for p in personas], [p["color"] for p in personas]]}
    stability = cached_stability(services, workspace)
    return (
        persona_cards(workspace, personas, stability),
        figure,
        traces,
        summary(workspace, note, stability),
        report,
        no_update if keep_name else workspace.default_name(),
        alerts,
        workspace.read_only,
    )


def carried(services, workspace: Workspace, set_id: int):
    """The personas carried over from a saved set, and the table saying what happened."""
    if workspace.read_only:
        raise ValueError("a read-only persona set cannot take other names")
    record = persona_set_record(services.personas.get(set_id))
    preprocessor = services.analysis.prepare(workspace.view).preprocessor
    result = workspace.result
    personas, outcome = carry_over_personas(
        record, preprocessor, result.centroids, result.sizes, workspace.segmentation["profiles"]
    )
    return personas, carry_report(carry_over_report(outcome, record, personas))


def scatter(services, workspace: Workspace, personas: list[dict]):
    """(figure, trace map, note) of the workspace's customers coloured by persona."""
    table = None if workspace.read_only else services.analysis.table(workspace.view.dataset_id)
    return workspace_scatter(workspace, table, personas, services.config.display_points)


def restyled_scatter(names: list, colors: list, traces: dict | None):
    """(patch, trace map): a patch renaming and recolouring the persona traces (and the
    centroid markers), and the trace map noting what is drawn now; nothing when the names and
    colours are drawn so already (``traces["drawn"]``). The cards' fields fire this as they
    appear, and a patch arriving after the user left the page would find no figure."""
    if not traces or len(names) != traces["personas"] or len(colors) != len(names):
        return no_update, no_update
    drawn = [list(names), list(colors)]
    if traces.get("drawn") == drawn:
        return no_update, no_update
    patch = Patch()
    for index, (name, color) in enumerate(zip(names, colors, strict=True)):
        patch["data"][index]["name"] = label(name or "")
        patch["data"][index]["marker"]["color"] = color
    if traces["centroids"] is not None:
        patch["data"][traces["centroids"]]["marker"]["color"] = list(colors)
        patch["data"][traces["centroids"]]["text"] = [label(name or "") for name in names]
    return patch, traces | {"drawn": drawn}


def recolored_card(color: str):
    """(card style, chart patch): a persona's card border and profile bars in its colour."""
    chart = Patch()
    chart["data"][0]["marker"]["color"] = color
    return card_style(color), chart


def cached_stability(services, workspace: Workspace) -> Stability | None:
    """The workspace segmentation's stability if the Diagnostics page already checked it;
    never computed here (twenty refits are the user's call)."""
    if workspace.read_only:
        return None
    n_clusters = workspace.result.scores["n_clusters"]
    params = checked_params(workspace.method, workspace.params, n_clusters)
    return services.analysis.cached_stability(
        workspace.view, workspace.method, params, workspace.seed
    )


def stability_link(workspace: Workspace) -> dcc.Link | None:
    """The link to check this segmentation's stability on Diagnostics, which checks the
    current view's results: so only for a fresh segmentation of it, of two segments or more."""
    if workspace.saved is not None:
        return None
    n_clusters = workspace.result.scores["n_clusters"]
    href = diagnostics_href(workspace.method, workspace.params, n_clusters)
    if href is None:
        return None
    return dcc.Link(
        "Check how stable these segments are →", href=href, className="persona-stability-link"
    )


def summary(workspace: Workspace, note: str, stability: Stability | None = None) -> list:
    segmentation = workspace.segmentation
    metrics = segmentation.get("metrics", {})
    params = ", ".join(f"{k}={v}" for k, v in segmentation["params"].items() if v is not None)
    parts = [
        html.Strong(f"{segmentation['method_label']} ({params})"),
        f" on {segmentation['dataset_name']} · "
        f"{' × '.join(segmentation['features'])} ({segmentation['scaling']} scaling)",
    ]
    if metrics.get("silhouette") is not None:
        parts.append(f" · silhouette {metrics['silhouette']:.3f}")
    if segmentation.get("n_dropped_missing"):
        parts.append(
            f" · {segmentation['n_dropped_missing']:,} customers left out (missing values)"
        )
    if workspace.saved is None:
        parts += [" · ", dcc.Link("choose another segmentation on Compare", href="/compare")]
    link = None if stability is not None else stability_link(workspace)
    if link is not None:
        parts += [" · ", link]
    if note:
        parts.append(html.Div(note, className="small-note"))
    return parts
