"""The shared view and the controls that edit it: a table's default features, uploads (the
view itself and its checks are ``dashboard.view.state``'s).

One callback owns the view store and every control that edits it (dataset, features, scaling,
one-hot column, presets, uploads, deleting the table), so they cannot disagree: coming back to
the page shows the stored choice, and a choice that fails validation is explained and never
stored. Each trigger has its function here, returning a ``ViewControls``; tests call them
with the ``services``.
"""

import base64
import binascii
import re
from dataclasses import dataclass, fields
from typing import Any

import dash
import numpy as np
import pandas as pd
from dash import Output, html

from algorithms.column_use import is_category_code, nearly_numeric
from algorithms.errors import DataError, SegmentaError
from algorithms.loading import check_file_name, load_table
from algorithms.preprocessing import (
    PreparedFeatures,
    categorical_candidates,
    numeric_feature_candidates,
    only_one_customer,
)
from algorithms.projection import needs_projection
from dashboard import ids as shared_ids
from dashboard.figures import data as figures
from dashboard.ids import data as ids
from dashboard.services.dataset_removal import remove_table
from dashboard.services.results import result_key
from dashboard.shell.feedback import error_alert, info_alert
from dashboard.view.state import MIN_FEATURES, View, check_view

INCOME, SPENDING, AGE, GENDER = "Annual Income (k$)", "Spending Score (1-100)", "Age", "Gender"
PRESETS = {ids.PRESET_TWO: (INCOME, SPENDING), ids.PRESET_THREE: (AGE, INCOME, SPENDING)}
DRAWN_FEATURES = 3

CACHE_VERSION = 2  # 2: category codes (Channel, Region) offered for encoding
"""Part of this page's cache keys: bump it when what is cached changes shape."""
_ID_NAME = re.compile(r"(?i:(^|[\s_])id([\s_]|$))|ID$")


@dataclass(frozen=True)
class ColumnRoles:
    """What each column of a stored table can be used for; computed once per dataset."""

    numeric: list[str]
    distinct: dict[str, int]
    """The categorical candidates and their number of distinct values."""
    missing: dict[str, int]
    rows_with_missing: int

    @property
    def categorical(self) -> list[str]:
        return list(self.distinct)


def column_roles(services, dataset_id: str) -> ColumnRoles:
    def compute() -> ColumnRoles:
        table = services.analysis.table(dataset_id)
        return ColumnRoles(
            numeric=numeric_feature_candidates(table),
            distinct={c: int(table[c].nunique()) for c in categorical_candidates(table)},
            missing={column: int(n) for column, n in table.isna().sum().items()},
            rows_with_missing=int(table.isna().any(axis=1).sum()),
        )

    key = result_key("data-roles", dataset_id, version=CACHE_VERSION)
    return services.results.get_or_compute(key, compute)


def _looks_like_code(values: pd.Series, name: str) -> bool:
    """An identifier (unique integers named like an id) or a category code (Region:
    ``algorithms.column_use.is_category_code``)."""
    if is_category_code(values):
        return True
    whole = bool((values.dropna() % 1 == 0).all())
    return bool(_ID_NAME.search(name)) and whole and values.nunique() == values.notna().sum()


def default_features(table: pd.DataFrame) -> tuple[str, ...]:
    """Income × Spending for the classic mall columns, else the first two numeric columns that
    are measurements rather than identifiers or codes."""
    candidates = numeric_feature_candidates(table)
    if INCOME in candidates and SPENDING in candidates:
        return (INCOME, SPENDING)
    measures = [column for column in candidates if not _looks_like_code(table[column], column)]
    return tuple((measures + [c for c in candidates if c not in measures])[:MIN_FEATURES])


def table_view(services, dataset_id: str) -> View:
    """The view a stored table opens on: its default features (``default_features``); a new
    browser tab opens on the sample's (``dashboard.view.state.default_view``)."""
    return View(
        dataset_id=dataset_id, features=default_features(services.analysis.table(dataset_id))
    )


def read_upload(contents: str, filename: str | None, limits) -> pd.DataFrame:
    """The uploaded table, refused with a specific message when it cannot be segmented: one
    customer, or fewer than two numeric columns that vary (naming the columns of numbers that
    stray values keep as text, and where those values are)."""
    name = filename or "upload"
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error) as error:
        raise DataError(
            f"'{name}' arrived damaged (not a complete upload): upload it again."
        ) from error
    table = load_table(raw, name, limits=limits)
    if len(table) == 1:
        raise only_one_customer(f"'{name}'")
    numeric = numeric_feature_candidates(table)
    if len(numeric) >= MIN_FEATURES:
        return table
    if numeric:
        found, choice = f"has only one numeric column that varies ({numeric[0]!r})", "add one"
    else:
        columns = ", ".join(map(str, table.columns[:10]))
        found, choice = f"has no numeric column that varies (its columns: {columns})", "add them"
    strays = stray_values_said(table)
    advice = f"{choice.capitalize()} or choose another file."
    if strays:
        advice = f"{strays}: clean those values and upload the file again. {advice}"
    raise DataError(
        f"'{name}' {found}: segments need at least two numeric columns such as age, income or "
        f"spending score. {advice}"
    )


def stray_values_said(table: pd.DataFrame) -> str:
    """The columns of numbers that stray values keep as text, and where those values are
    (``algorithms.column_use``); empty when there are none."""
    return "; ".join(nearly_numeric(table))


class CallbackOutputs:
    """A dataclass whose fields are a callback's outputs, in the order they are declared."""

    def outputs(self) -> tuple:
        return tuple(getattr(self, field.name) for field in fields(self))


@dataclass
class ViewControls(CallbackOutputs):
    """The view store and every control that edits it, in the order of ``VIEW_OUTPUTS``.

    ``store`` is the shared view (written only when it changes); ``shown`` the valid view the
    page's panels draw. The panels follow that page-local copy rather than the shell's store:
    a callback mixing the shell's store with inputs of one page fails while another page is
    open, and the copy is also written when the page opens, so the panels draw at once.
    """

    store: Any
    shown: Any
    upload_contents: Any
    alert: Any
    dataset_options: list
    dataset: str
    feature_options: list
    features: list
    scaling: str
    categorical_options: list
    categorical: str | None
    preset_two_disabled: bool
    preset_three_disabled: bool
    feature_note: Any

    @classmethod
    def unchanged(cls, alert: Any) -> "ViewControls":
        """Every control left as it is, only ``alert`` shown."""
        names = [field.name for field in fields(cls)]
        return cls(**dict.fromkeys(names, dash.no_update) | {"alert": alert})


# The shared view is a duplicate output (with ``prevent_initial_call="initial_duplicate"``):
# as a plain output, the renderer would hold every callback reading the view at app load
# until this page's callback ran, which never happens while another page is open.
VIEW_OUTPUTS = [
    Output(shared_ids.VIEW, "data", allow_duplicate=True),
    Output(ids.SHOWN_VIEW, "data"),
    Output(ids.UPLOAD, "contents"),
    Output(ids.ALERT, "children"),
    Output(ids.DATASET, "options"),
    Output(ids.DATASET, "value"),
    Output(ids.FEATURES, "options"),
    Output(ids.FEATURES, "value"),
    Output(ids.SCALING, "value"),
    Output(ids.CATEGORICAL, "options"),
    Output(ids.CATEGORICAL, "value"),
    Output(ids.PRESET_TWO, "disabled"),
    Output(ids.PRESET_THREE, "disabled"),
    Output(ids.FEATURE_NOTE, "children"),
]


def dataset_options(services) -> list[dict]:
    """Every stored table, the sample first, then the most recently stored."""
    infos = services.datasets.list()
    infos.sort(key=lambda info: info.dataset_id != services.sample.dataset_id)
    return [
        {
            "label": f"{info.name} · {info.n_rows:,} rows × {info.n_columns} columns",
            "value": info.dataset_id,
        }
        for info in infos
    ]


def feature_note(table: pd.DataFrame, view: View, prepared: PreparedFeatures) -> list:
    """How many customers the chosen columns leave out, and a warning above three features."""
    total = len(table)
    if prepared.n_dropped:
        columns = list(view.features) + ([view.categorical] if view.categorical else [])
        missing = {c: int(np.isnan(figures.numeric_values(table, c)).sum()) for c in view.features}
        if view.categorical:
            missing[view.categorical] = int(table[view.categorical].isna().sum())
        detail = ", ".join(f"{c}: {missing[c]:,}" for c in columns if missing[c])
        notes = [
            html.P(
                f"{prepared.n_dropped:,} of {total:,} customers have a missing value in the "
                f"chosen columns ({detail}) and are left out of the segmentation.",
                className="text-warning-emphasis mb-1",
            )
        ]
    else:
        notes = [
            html.P(
                f"All {total:,} customers have a value in every chosen column.", className="mb-1"
            )
        ]
    if len(view.features) > DRAWN_FEATURES:
        notes.append(
            html.P(
                f"Segments use all {len(view.features)} features; scatter plots show them "
                f"{_drawn_as(len(view.features))}: check the segments on the profiles as well.",
                className="text-warning-emphasis mb-1",
            )
        )
    return notes


def _drawn_as(n_features: int) -> str:
    if needs_projection(n_features):
        return "on their first two principal components (PCA)"
    return f"on the first {DRAWN_FEATURES} of them"


def _controls(
    services, view: View, *, store: Any = dash.no_update, alert: Any = None, prepared=None
) -> ViewControls:
    roles = column_roles(services, view.dataset_id)
    available = set(roles.numeric)
    table = services.analysis.table(view.dataset_id)
    return ViewControls(
        store=store,
        shown=view.as_store() if prepared else dash.no_update,
        upload_contents=dash.no_update,
        alert=alert,
        dataset_options=dataset_options(services),
        dataset=view.dataset_id,
        feature_options=[  # numbers that are also categories are category codes
            {"label": f"{c} (category code)" if c in roles.distinct else c, "value": c}
            for c in roles.numeric
        ],
        features=list(view.features),
        scaling=view.scaling,
        categorical_options=[
            {"label": f"{c} ({n} values)", "value": c} for c, n in roles.distinct.items()
        ],
        categorical=view.categorical,
        preset_two_disabled=not available.issuperset(PRESETS[ids.PRESET_TWO]),
        preset_three_disabled=not available.issuperset(PRESETS[ids.PRESET_THREE]),
        feature_note=feature_note(table, view, prepared) if prepared else None,
    )


def _write(services, view: View, alert: Any = None) -> ViewControls:
    """Controls for a new view, and the view written to the store."""
    prepared = check_view(services.analysis.table(view.dataset_id), view)
    return _controls(services, view, store=view.as_store(), alert=alert, prepared=prepared)


def stored_controls(services, view_data: dict | None) -> ViewControls:
    """The controls showing the stored view: the sample when its table is gone, the table's
    default features when the stored ones no longer fit it."""
    try:
        view = View.from_store(view_data)
        stored = services.datasets.exists(view.dataset_id)
    except (DataError, KeyError, TypeError):
        stored = False
    if not stored:
        note = info_alert(
            "The table chosen earlier is no longer on the server: showing the sample."
        )
        return _write(services, table_view(services, services.sample.dataset_id), alert=note)
    try:
        prepared = check_view(services.analysis.table(view.dataset_id), view)
    except SegmentaError as error:
        return _write(services, table_view(services, view.dataset_id), alert=error_alert(error))
    return _controls(services, view, prepared=prepared)


def linked_controls(services, linked: dict) -> ViewControls | None:
    """Controls for a view named by a link, written to the store; None when it cannot be
    used here (the shell says why and the stored view is shown)."""
    try:
        view = View.from_store(linked)
        if not services.datasets.exists(view.dataset_id):
            return None
        return _write(services, view)
    except (SegmentaError, KeyError, TypeError):
        return None


def upload_controls(services, contents: str, filename: str | None) -> ViewControls:
    """Store the uploaded table and switch the view to it with its default features."""
    table = read_upload(contents, filename, services.config.table_limits)
    view = View(dataset_id="", features=default_features(table))
    check_view(table, view)
    info = services.datasets.put(table, filename or "upload")
    view = View(dataset_id=info.dataset_id, features=view.features)
    message = f"Loaded '{info.name}': {info.n_rows:,} customers, {info.n_columns} columns."
    if filename and info.name != filename:
        message = f"'{filename}' holds the same table as '{info.name}', already loaded: using it."
    strays = stray_values_said(table)
    if strays:
        message += f" Not offered as features: {strays}. Clean those values to use them."
    controls = _write(services, view, alert=info_alert(message))
    controls.upload_contents = None
    return controls


def rejected_controls(services, view_data, rejected: dict) -> ViewControls:
    """A file the browser refused to send: of a format Segmenta does not read (said by its
    name: a legacy .xls, a .json...) or over the size limit."""
    filename = rejected.get("filename") or "The file"
    check_file_name(filename)
    services.config.table_limits.check_bytes(int(rejected.get("size") or 0), f"'{filename}'")
    return stored_controls(services, view_data)


def delete_controls(services, dataset_id: str | None) -> ViewControls:
    """The chosen table deleted (after the page's confirmation) and the sample shown; a
    TableKept saying why when it must stay."""
    info = remove_table(services, dataset_id)
    message = f"Deleted '{info.name}' ({info.n_rows:,} customers) from the server."
    view = table_view(services, services.sample.dataset_id)
    return _write(services, view, alert=info_alert(f"{message} Showing the sample."))


def choice_controls(services, view_data, features, scaling, categorical) -> ViewControls:
    """Validate the user's feature choice; store it, or explain why not and keep the old view."""
    current = View.from_store(view_data)
    view = View(
        current.dataset_id, tuple(features or ()), scaling or "standard", categorical or None
    )
    if view == current:
        return stored_controls(services, view_data)
    try:
        return _write(services, view)
    except SegmentaError as error:
        return _controls(services, view, alert=error_alert(error))


def view_controls(
    services,
    trigger: str | None,
    view_data: dict | None,
    *,
    contents: str | None = None,
    filename: str | None = None,
    rejected: dict | None = None,
    dataset: str | None = None,
    features: list | None = None,
    scaling: str | None = None,
    categorical: str | None = None,
    linked: dict | None = None,
) -> ViewControls:
    """What the page's view callback returns for the control that triggered it; on opening,
    the view the page's URL names (``linked``) when it can be used here."""
    try:
        if trigger is None and linked:
            opened = linked_controls(services, linked)
            if opened is not None:
                return opened
        if trigger == ids.UPLOAD and contents:
            return upload_controls(services, contents, filename)
        if trigger == ids.UPLOAD_REJECTED and rejected:
            return rejected_controls(services, view_data, rejected)
        if trigger == ids.DELETE_CONFIRM:
            return delete_controls(services, dataset)
        if trigger == ids.DATASET and dataset and dataset != (view_data or {}).get("dataset_id"):
            return _write(services, table_view(services, dataset))
        if trigger in PRESETS:
            return choice_controls(services, view_data, PRESETS[trigger], scaling, categorical)
        if trigger in (ids.FEATURES, ids.SCALING, ids.CATEGORICAL):
            return choice_controls(services, view_data, features, scaling, categorical)
        return stored_controls(services, view_data)
    except Exception as error:  # noqa: BLE001  (shown on the page, the old view kept)
        alert = error_alert(error, "the customer table")
        try:
            controls = stored_controls(services, view_data)
        except Exception:  # noqa: BLE001  (the stored view itself is unreadable)
            return ViewControls.unchanged(alert)
        controls.alert = alert
        controls.upload_contents = None if trigger == ids.UPLOAD else dash.no_update
        return controls
