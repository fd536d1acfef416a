"""Download buttons: the customer table (CSV, Excel) with each customer's segment, persona,
silhouette, core status (DBSCAN) and probability (Gaussian mixture), from what the method
declares; the persona set (JSON, HTML report, Markdown); the fitted
model (joblib). Exports use the form as it is now, saved or not."""

import re

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update

from algorithms.diagnostics import SILHOUETTE_SAMPLE
from algorithms.model_signing import ModelKey
from dashboard.figures.personas import workspace_scatter
from dashboard.ids import personas as ids
from dashboard.pages.personas_cards import FORM_STATES, form_personas
from dashboard.persona_sets import Workspace, clean_personas, draft_record, resolve
from dashboard.services.exports import (
    customer_table,
    model_bytes,
    persona_html,
    persona_json,
    persona_markdown,
)
from dashboard.services.spreadsheets import csv_bytes, excel_bytes
from dashboard.shell import feedback

BUTTONS = {
    ids.EXPORT_CSV: ("Customers CSV", "csv"),
    ids.EXPORT_XLSX: ("Customers Excel", "xlsx"),
    ids.EXPORT_JSON: ("Personas JSON", "json"),
    ids.EXPORT_HTML: ("Report (HTML)", "html"),
    ids.EXPORT_MD: ("Report (Markdown)", "md"),
    ids.EXPORT_MODEL: ("Model (joblib)", "joblib"),
}
NEEDS_DATA = {ids.EXPORT_CSV, ids.EXPORT_XLSX, ids.EXPORT_MODEL}


def export_panel() -> html.Div:
    return html.Div(
        [
            dcc.Download(id=ids.DOWNLOAD),
            html.H6("Export"),
            html.Div(
                [
                    dbc.Button(text, id=button, size="sm", color="secondary", outline=True)
                    for button, (text, _) in BUTTONS.items()
                ],
                className="d-flex flex-wrap gap-1",
            ),
            html.Div(
                "The customer table keeps every original column and adds Cluster, Persona, "
                f"Silhouette (computed for up to {SILHOUETTE_SAMPLE:,} customers, a sample "
                "stratified by segment above that: empty for the others and for noise) and, "
                "for methods with core points (DBSCAN), Core (core, border or noise), and for "
                "methods giving probabilities (Gaussian mixture), each customer's Probability "
                "of its segment. Rows left out for missing values "
                "have an empty Cluster. The model file is for `segmenta assign`.",
                className="small-note mt-2",
            ),
            html.Div(id=ids.EXPORT_ALERT, className="mt-2"),
        ],
        className="segmenta-panel",
    )


def register_export_callbacks(app, services) -> None:
    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Output(ids.EXPORT_ALERT, "children"),
        *(Input(button, "n_clicks") for button in BUTTONS),
        State(ids.SOURCE, "data"),
        State(ids.LOADED, "data"),
        State(ids.SET_NAME, "value"),
        *FORM_STATES,
        prevent_initial_call=True,
    )
    def download(*values):
        source, loaded, set_name, *form = values[len(BUTTONS) :]
        return export_outputs(services, ctx.triggered_id, source, loaded, set_name, form)


def export_outputs(services, button: str, source, loaded, set_name, form):
    """(download, alert) for one export button."""
    try:
        workspace = resolve(services, source)
        personas = workspace.personas if workspace.read_only else form_personas(*form)
        content, extension = export_file(services, button, workspace, personas, set_name, loaded)
    except Exception as error:  # noqa: BLE001
        return no_update, feedback.error_alert(error, "the export")
    filename = f"{_slug(set_name or workspace.default_name())}.{extension}"
    return dcc.send_bytes(content, filename), None


def export_file(services, button, workspace: Workspace, personas, set_name, loaded):
    """(bytes, file extension)."""
    personas = clean_personas(personas)
    extension = BUTTONS[button][1]
    if button in NEEDS_DATA and workspace.read_only:
        raise ValueError("the customers of this persona set are no longer stored")
    names = {p["cluster"]: p["name"] for p in personas}
    if button in (ids.EXPORT_CSV, ids.EXPORT_XLSX):
        table = labelled_customers(services, workspace, names)
        return (csv_bytes(table) if extension == "csv" else excel_bytes(table)), extension
    if button == ids.EXPORT_MODEL:
        table = services.analysis.table(workspace.view.dataset_id)
        spec = workspace.view.spec(workspace.method, workspace.params, workspace.seed)
        key = ModelKey.for_instance(services.config.instance_path)
        return model_bytes(table, spec, names, key), extension
    note = f"based on saved version {loaded['version']}" if loaded else ""
    record = draft_record(
        workspace.segmentation,
        personas,
        name=set_name or workspace.default_name(),
        set_id=loaded and loaded["set_id"],
        note=note,
    )
    if button == ids.EXPORT_JSON:
        return persona_json(record).encode("utf-8"), extension
    if button == ids.EXPORT_MD:
        return persona_markdown(record).encode("utf-8"), extension
    figure = _report_figure(services, workspace, personas)
    return persona_html(record, figure).encode("utf-8"), extension


def labelled_customers(services, workspace: Workspace, names: dict[int, str]):
    view, result = workspace.view, workspace.result
    rows, _, values = services.analysis.silhouettes(
        view, workspace.method, workspace.params, workspace.seed
    )
    return customer_table(
        services.analysis.table(view.dataset_id),
        result.row_mask,
        result.labels,
        names,
        silhouette=(rows, values),
        core_mask=result.core_mask,
        probabilities=result.probabilities,
    )


def _report_figure(services, workspace: Workspace, personas: list[dict]):
    table = None if workspace.read_only else services.analysis.table(workspace.view.dataset_id)
    figure, _, _ = workspace_scatter(workspace, table, personas, services.config.display_points)
    figure.update_layout(height=520, uirevision=None)
    return figure


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "personas"
