"""A saved persona set applied to a fresh ``segmenta segment`` run.

Cluster numbers mean nothing across runs, so the saved personas are matched to the new
segments by profile (the app's carry-over): a matched segment takes its persona's name, the
extra parts of a split persona take the name with "(part N)", a segment near no saved persona
keeps its drafted label. The run's output, model and report all use these names, and the
report and terminal say what became of every saved persona.
"""

from dataclasses import dataclass

import pandas as pd

from algorithms.carryover import DISAPPEARED, CarryOver
from algorithms.segmentation import Segmentation
from dashboard.cli.common import aligned, printable
from dashboard.persona_sets import carry_over_report, carry_over_run


@dataclass(frozen=True)
class CarriedPersonas:
    record: dict
    """The saved set, as its JSON export holds it."""
    personas: list[dict]
    """One persona per new segment (noise aside), carried over or drafted."""
    outcome: CarryOver

    @classmethod
    def of(cls, segmentation: Segmentation, record: dict) -> "CarriedPersonas":
        return cls(record, *carry_over_run(segmentation, record))

    @property
    def names(self) -> dict[int, str]:
        return {int(p["cluster"]): p["name"] for p in self.personas}

    def title(self) -> str:
        version = f" version {self.record['version']}" if self.record.get("version") else ""
        return f"‘{printable(self.record.get('name') or 'unnamed')}’{version}"

    def report(self) -> dict:
        """The report's ``persona_set`` section: which saved persona each segment took, and
        which saved personas found no segment."""
        saved = {int(p["cluster"]): p["name"] for p in self.record["personas"]}
        segments = [
            {
                "cluster": cluster,
                "persona": self.names[cluster],
                "status": origin.status,
                "saved_cluster": origin.persona,
                "saved_persona": saved.get(origin.persona),
            }
            for cluster, origin in self.outcome.clusters.items()
        ]
        unmatched = [
            {"saved_cluster": persona, "saved_persona": saved.get(persona),
             "share_before": round(fate.share_before, 6)}
            for persona, fate in self.outcome.personas.items()
            if fate.status == DISAPPEARED
        ]  # fmt: skip
        return {
            "id": self.record.get("id"),
            "name": self.record.get("name"),
            "version": self.record.get("version"),
            "dataset": self.record.get("dataset"),
            "segments": segments,
            "unmatched": unmatched,
        }

    def describe(self) -> list[str]:
        """What became of each saved persona, and the segments no saved persona is near."""
        taken = sum(origin.persona is not None for origin in self.outcome.clusters.values())
        rows = carry_over_report(self.outcome, self.record, self.personas)
        return [
            f"Personas of {self.title()}: {taken} of {len(self.outcome.clusters)} segments "
            "took a saved persona (matched by segment profile)",
            aligned(pd.DataFrame(rows, columns=["persona", "status", "detail"]),
                    left=("persona", "status", "detail")),
        ]  # fmt: skip
