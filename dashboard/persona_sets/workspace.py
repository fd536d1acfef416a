"""What the persona editor works on, resolved from the page's small source record.

The browser only holds ``{"view": ..., "method": ..., "params": ..., "seed": ...}`` (a fresh
segmentation of a stored table) or ``{"set_id": ..., "version": ...}`` (a saved set). The
server turns that into a ``Workspace``: the segmentation's record, the personas to show, and
the live result when the table is still stored. A saved set whose table is gone is still
shown, read-only, from its saved profiles.
"""

from dataclasses import dataclass

import numpy as np

from algorithms.errors import SegmentaError
from algorithms.methods import DEFAULT_COMPARED
from dashboard.persona_sets.records import (
    ROW_ID_COLUMN,
    clean_personas,
    draft_personas,
    population_stats,
)
from dashboard.services.analysis import SegmentationResult, View
from dashboard.storage.personas import PersonaSetContent, PersonaSetVersion

DEFAULT_METHOD = DEFAULT_COMPARED[0]
"""Without a result link, the page drafts personas from this method at its declared defaults."""


@dataclass(frozen=True)
class Workspace:
    segmentation: dict
    """Summary, dataset id and name, population statistics: what a save stores."""
    personas: list[dict]
    view: View | None
    result: SegmentationResult | None
    """None when the saved set's table is no longer stored: the page is read-only."""
    saved: PersonaSetVersion | None = None
    note: str = ""

    @property
    def read_only(self) -> bool:
        return self.result is None

    @property
    def method(self) -> str:
        return self.segmentation["method"]

    @property
    def params(self) -> dict:
        return self.segmentation["params"]

    @property
    def seed(self) -> int:
        return int(self.segmentation.get("seed", 0))

    def default_name(self) -> str:
        if self.saved is not None:
            return self.saved.name
        params = self.params
        size = f"k={params['n_clusters']}" if params.get("n_clusters") else "auto"
        return f"{self.segmentation['dataset_name']} · {self.segmentation['method_label']} {size}"


def live_source(view: View, method: str | None = None, params: dict | None = None) -> dict:
    return {
        "view": view.as_store(),
        "method": method or DEFAULT_METHOD,
        "params": dict({} if method is None else params or {}),
        "seed": 0,
    }


def saved_source(version: PersonaSetVersion) -> dict:
    return {"set_id": version.set_id, "version": version.version}


def resolve(services, source: dict) -> Workspace:
    if source.get("set_id") is not None:
        return _saved(services, services.personas.get(int(source["set_id"]), source["version"]))
    view = View.from_store(source["view"])
    method, params, seed = source["method"], source["params"], int(source.get("seed", 0))
    result = services.analysis.segmentation(view, method, params, seed)
    segmentation = segmentation_record(services, view, result)
    return Workspace(segmentation, draft_personas(segmentation["profiles"]), view, result)


def segmentation_record(services, view: View, result: SegmentationResult) -> dict:
    """The segmentation part of a saved set: the summary plus the dataset and the population."""
    info = services.datasets.info(view.dataset_id)
    table = services.analysis.table(view.dataset_id)
    return {
        **result.summary,
        "dataset_id": view.dataset_id,
        "dataset_name": info.name,
        "row_id_column": ROW_ID_COLUMN if ROW_ID_COLUMN in table.columns else None,
        "population": population_stats(services.analysis.prepare(view).original),
    }


def set_content(services, workspace: Workspace, personas: list[dict]) -> PersonaSetContent:
    """What saving the workspace with these personas writes (the segmentation as re-run now)."""
    if workspace.read_only:
        raise SegmentaError(
            "This persona set's table is no longer stored, so it cannot be saved again: "
            "upload the table, or export the persona set as JSON."
        )
    view, result = workspace.view, workspace.result
    segmentation = workspace.segmentation
    if workspace.saved is not None:
        segmentation = segmentation_record(services, view, result)
    table = services.analysis.table(view.dataset_id)
    row_ids = None
    if ROW_ID_COLUMN in table.columns:
        ids = table.loc[result.row_mask, ROW_ID_COLUMN].astype("string").fillna("")
        row_ids = ids.tolist()
    return PersonaSetContent(
        dataset_hash=view.dataset_id,
        dataset_name=segmentation["dataset_name"],
        segmentation=segmentation,
        personas=clean_personas(personas),
        labels=np.asarray(result.labels),
        row_ids=row_ids,
    )


def _saved(services, saved: PersonaSetVersion) -> Workspace:
    segmentation = saved.segmentation
    if not services.datasets.exists(saved.dataset_hash):
        note = (
            f"The table ‘{saved.dataset_name}’ is no longer stored on the server, so this "
            "persona set is shown read-only from its saved profiles; its JSON and report can "
            "still be exported. Upload the table again to edit it."
        )
        return Workspace(segmentation, saved.personas, None, None, saved, note)
    view = View(
        saved.dataset_hash,
        tuple(segmentation["features"]),
        segmentation["scaling"],
        segmentation.get("categorical"),
    )
    try:
        result = services.analysis.segmentation(
            view, segmentation["method"], segmentation["params"], int(segmentation["seed"])
        )
    except SegmentaError as error:
        note = f"The saved segmentation cannot be re-run ({error}); shown read-only."
        return Workspace(segmentation, saved.personas, None, None, saved, note)
    note = ""
    if len(result.labels) != len(saved.labels) or not np.array_equal(result.labels, saved.labels):
        changed = (
            int((result.labels != saved.labels).sum())
            if len(result.labels) == len(saved.labels)
            else "some"
        )
        note = (
            f"Re-running the saved settings put {changed} customers in another segment than "
            "when it was saved; the personas follow their segment numbers."
        )
    return Workspace(segmentation, saved.personas, view, result, saved, note)
