"""Saved personas carried over to a new segmentation (``algorithms.carryover`` does the
matching): the personas to pre-fill, the names for the CLI, and what happened, in words."""

import pandas as pd

from algorithms.carryover import (
    DISAPPEARED,
    NEW,
    SPLIT,
    CarryOver,
    Centers,
    carry_over,
    scale_points,
)
from algorithms.preprocessing import FeaturePreprocessor
from algorithms.segmentation import Segmentation
from dashboard.persona_sets.records import draft_personas
from dashboard.services.palette import unused_color


def carry_over_personas(
    record: dict,
    preprocessor: FeaturePreprocessor,
    centroids: pd.DataFrame,
    sizes: dict,
    profiles: list[dict],
) -> tuple[list[dict], CarryOver]:
    """Personas for a new segmentation, carried over from ``record`` where clusters match.

    ``centroids`` (table units, indexed by cluster), ``sizes`` and ``profiles`` describe the
    new run, ``preprocessor`` is its fitted preprocessor. A matched cluster takes the saved
    persona whole (name, text, colour, tags); the other parts of a split get the name with
    '(part N)' and a colour of their own; new clusters keep their drafted label.
    """
    saved_segmentation = record["segmentation"]
    saved_frame = pd.DataFrame.from_dict(saved_segmentation["centroids"], orient="index")
    saved_frame.index = saved_frame.index.astype(int)
    saved = Centers.of(
        saved_frame.index.tolist(),
        scale_points(preprocessor, saved_frame),
        _shares(saved_segmentation["sizes"], saved_frame.index),
    )
    new = Centers.of(
        centroids.index.tolist(),
        scale_points(preprocessor, centroids),
        _shares(sizes, centroids.index),
    )
    outcome = carry_over(saved, new)
    saved_personas = {int(p["cluster"]): p for p in record["personas"]}
    personas, parts = [], {}
    for draft in draft_personas(profiles):
        origin = outcome.clusters.get(draft["cluster"])
        source = saved_personas.get(origin.persona) if origin else None
        if source is None:
            personas.append({**draft, "color": None})
            continue
        persona = {**draft, **{k: source[k] for k in _CARRIED if k in source}}
        if not origin.keeps_name:
            parts[origin.persona] = parts.get(origin.persona, 1) + 1
            persona |= {"name": f"{source['name']} (part {parts[origin.persona]})", "color": None}
        personas.append(persona)
    return _distinct(personas), outcome


_CARRIED = ("name", "description", "recommendation", "color", "tags")


def _shares(sizes: dict, clusters) -> list[float]:
    sizes = {int(k): int(v) for k, v in sizes.items()}
    total = sum(sizes.values()) or 1
    return [sizes.get(int(c), 0) / total for c in clusters]


def _distinct(personas: list[dict]) -> list[dict]:
    """Carried personas keep their names and colours; the others avoid both."""
    names = {p["name"].casefold() for p in personas if p["color"] is not None}
    used = {p["color"] for p in personas if p["color"] is not None}
    for persona in personas:
        if persona["color"] is None:
            if persona["name"].casefold() in names:
                persona["name"] = free_label(persona["name"], names)
            names.add(persona["name"].casefold())
            persona["color"] = unused_color(used, persona["cluster"])
            used.add(persona["color"])
    return personas


def free_label(name: str, taken: set[str]) -> str:
    candidate, number = f"{name} (new)", 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} (new {number})"
    return candidate


def carry_over_run(segmentation: Segmentation, record: dict) -> tuple[list[dict], CarryOver]:
    """A saved persona set carried over to a fresh run (the CLI's ``segment --personas``)."""
    return carry_over_personas(
        record,
        segmentation.prepared.preprocessor,
        segmentation.centroids(),
        segmentation.sizes(),
        segmentation.profile.to_dict(orient="records"),
    )


def carry_over_report(outcome: CarryOver, record: dict, personas: list[dict]) -> list[dict]:
    """One row per saved persona and per new cluster: what happened, in words."""
    saved_names = {int(p["cluster"]): p["name"] for p in record["personas"]}
    new_names = {int(p["cluster"]): p["name"] for p in personas}
    rows = []
    for persona, fate in outcome.personas.items():
        name = saved_names.get(persona, f"Segment {persona}")
        if fate.status == DISAPPEARED:
            detail = f"no segment near it now (was {fate.share_before:.1%})"
        elif fate.status == SPLIT:
            parts = ", ".join(f"‘{new_names.get(c, c)}’" for c in fate.clusters)
            detail = f"into {parts} ({fate.share_before:.1%} → {fate.share_after:.1%})"
        else:
            detail = f"{fate.share_before:.1%} → {fate.share_after:.1%} ({fate.change:+.0%})"
        rows.append({"persona": name, "status": fate.status, "detail": detail})
    for cluster, origin in outcome.clusters.items():
        if origin.status == NEW:
            rows.append(
                {
                    "persona": new_names.get(cluster, f"Segment {cluster}"),
                    "status": NEW,
                    "detail": f"segment {cluster}: no saved persona near it",
                }
            )
    return rows
