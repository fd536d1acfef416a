"""Which segmentation to trust: degenerate results flagged, and one verdict for the Compare page
and ``segmenta compare``.

A silhouette rewards one huge segment plus a few specks on skewed data (on CC GENERAL's
BALANCE x PURCHASES, average linkage puts 8,910 of 8,950 customers in one segment and scores
0.805), so the best metric alone would recommend a segmentation nobody can act on. A result is
flagged when one segment holds most clustered customers, a segment is tiny, too many customers
are noise, or there is only one segment; the verdict ranks the unflagged results by the quality
metrics, says why it skipped the others and, when every result is flagged, what to try next.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import adjusted_rand_score

from algorithms.methods.base import NOISE

MAX_LARGEST_SHARE = 0.9
"""A segment holding more of the clustered customers than this is flagged."""
MIN_SEGMENT_SHARE = 0.01
"""A segment holding less of the clustered customers than this is flagged."""
MAX_NOISE_SHARE = 0.3
"""More of the customers left as noise than this is flagged."""

QUALITY = {  # metric: (table label, in a sentence, which end is best)
    "silhouette": ("Silhouette", "silhouette", max),
    "calinski_harabasz": ("Calinski-Harabasz", "Calinski-Harabasz", max),
    "davies_bouldin": ("Davies-Bouldin", "Davies-Bouldin", min),
}
NOTHING_SCORED = "No method has two or more segments yet, so there is nothing to score."

ONE_SEGMENT, DOMINANT, TINY, NOISY = "one_segment", "dominant", "tiny", "noise"


def share_text(share: float) -> str:
    """A share as '34 %', never rounding a real minority to '0 %' or a near-whole to '100 %'."""
    if 0 < share < 0.01:
        return "<1 %"
    if 0.99 < share < 1:
        return ">99 %"
    return f"{share:.0%}".replace("%", " %")


@dataclass(frozen=True)
class Balance:
    """The largest and smallest segment's share of the clustered customers."""

    largest: float
    smallest: float

    @classmethod
    def of(cls, sizes: Mapping[int, int]) -> "Balance | None":
        """From {segment: customers} (noise, -1, left out); None without a segment."""
        clustered = [n for cluster, n in sizes.items() if cluster != NOISE]
        total = sum(clustered)
        if not total:
            return None
        return cls(max(clustered) / total, min(clustered) / total)

    def text(self) -> str:
        """'largest 81 % · smallest 4 %'."""
        return f"largest {share_text(self.largest)} · smallest {share_text(self.smallest)}"


@dataclass(frozen=True)
class Flag:
    """Why a result is degenerate: ``kind`` for code (the next step), ``text`` for people."""

    kind: str
    text: str


def degenerate_flags(
    sizes: Mapping[int, int],
    max_largest_share: float = MAX_LARGEST_SHARE,
    min_segment_share: float = MIN_SEGMENT_SHARE,
    max_noise_share: float = MAX_NOISE_SHARE,
) -> list[Flag]:
    """The reasons a result with these segment sizes ({segment: customers}, noise as -1) is
    no segmentation to act on; empty when it is one."""
    noise = sizes.get(NOISE, 0)
    clustered = {c: n for c, n in sizes.items() if c != NOISE and n > 0}
    total = noise + sum(clustered.values())
    flags = []
    if len(clustered) <= 1:
        what = "no segment: every customer is noise" if not clustered else "only one segment"
        flags.append(Flag(ONE_SEGMENT, what))
    balance = Balance.of(clustered)
    if len(clustered) > 1 and balance.largest > max_largest_share:
        flags.append(
            Flag(
                DOMINANT,
                f"one segment holds {share_text(balance.largest)} of the clustered customers "
                f"(more than {share_text(max_largest_share)})",
            )
        )
    if len(clustered) > 1 and balance.smallest < min_segment_share:
        n_tiny = sum(n / sum(clustered.values()) < min_segment_share for n in clustered.values())
        segments = "1 segment holds" if n_tiny == 1 else f"{n_tiny} segments hold"
        flags.append(
            Flag(TINY, f"{segments} less than {share_text(min_segment_share)} of the customers")
        )
    if total and noise / total > max_noise_share:
        flags.append(
            Flag(
                NOISY,
                f"{share_text(noise / total)} of the customers are noise "
                f"(more than {share_text(max_noise_share)})",
            )
        )
    return flags


@dataclass(frozen=True)
class Candidate:
    """One result as the verdict sees it: its quality scores (``ClusterScores.as_dict()``),
    segment sizes and, to tell identical segmentations apart, its labels and row mask."""

    label: str
    scores: Mapping
    sizes: Mapping[int, int]
    labels: np.ndarray | None = None
    row_mask: np.ndarray | None = None


@dataclass(frozen=True)
class Verdict:
    method: str | None
    """The recommended result's key, None when none is."""
    reason: str
    skipped: dict[str, list[Flag]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"method": self.method, "reason": self.reason}


def best_methods(candidates: Mapping[str, Candidate], metric: str) -> set[str]:
    """The results with the best value of a quality metric (ties all count)."""
    values = {
        name: c.scores[metric] for name, c in candidates.items() if c.scores[metric] is not None
    }
    if not values:
        return set()
    best = QUALITY[metric][2](values.values())
    return {name for name, v in values.items() if np.isclose(v, best, rtol=1e-9, atol=0)}


def verdict(
    candidates: Mapping[str, Candidate],
    max_largest_share: float = MAX_LARGEST_SHARE,
    min_segment_share: float = MIN_SEGMENT_SHARE,
    max_noise_share: float = MAX_NOISE_SHARE,
    skewed: tuple[str, ...] = (),
) -> Verdict:
    """The result the quality metrics favour among the unflagged ones, and why.

    ``candidates`` in the order to show them (ties go to the first); ``skewed`` names the
    heavily skewed features, so that the advice when every result is flagged can name them.
    """
    skipped = {
        name: flags
        for name, candidate in candidates.items()
        if (flags := degenerate_flags(candidate.sizes, max_largest_share, min_segment_share,
                                      max_noise_share))
    }  # fmt: skip
    usable = {name: c for name, c in candidates.items() if name not in skipped}
    skipped_text = " ".join(
        f"{candidates[name].label} is not recommended: {_join([f.text for f in flags])}."
        for name, flags in skipped.items()
    )
    if candidates and not usable:
        return Verdict(None, _all_flagged(candidates, skipped, skewed), skipped)
    wins = {metric: best_methods(usable, metric) for metric in QUALITY}
    tally = Counter(name for best in wins.values() for name in best)
    if not tally:
        return Verdict(None, " ".join(filter(None, [NOTHING_SCORED, skipped_text])), skipped)
    top = max(tally.values())
    leaders = [name for name in usable if tally[name] == top]
    head = f"The metrics favour {_join([usable[m].label for m in leaders])}"
    if len(leaders) > 1:
        head += " equally" + (" (they find the same segments)" if _same(usable, leaders) else "")
    sentence = f"{head}: {'; '.join(_reasons(usable, wins, tally))}."
    for name in leaders:
        scores = usable[name].scores
        if scores.get("n_noise"):
            sentence += (
                f" {usable[name].label}'s scores leave out the "
                f"{share_text(scores['noise_share'])} of customers it calls noise."
            )
    return Verdict(leaders[0], " ".join(filter(None, [sentence, skipped_text])), skipped)


def _all_flagged(candidates, skipped: dict[str, list[Flag]], skewed: tuple[str, ...]) -> str:
    described = "; ".join(
        f"{candidates[name].label}: {_join([f.text for f in flags])}"
        for name, flags in skipped.items()
    )
    return (
        f"No result is recommended: every one is degenerate ({described}). "
        f"Next, try {_join(next_steps(skipped, skewed), 'or')}."
    )


def next_steps(skipped: Mapping[str, list[Flag]], skewed: tuple[str, ...] = ()) -> list[str]:
    """What to change when results are degenerate, most useful first."""
    kinds = {flag.kind for flags in skipped.values() for flag in flags}
    steps = []
    if skewed and kinds & {DOMINANT, TINY, ONE_SEGMENT}:
        features = _join([f"'{name}'" for name in skewed])
        steps.append(f"log or power scaling ({features} {'is' if len(skewed) == 1 else 'are'} "
                     "heavily skewed)")  # fmt: skip
    elif kinds & {DOMINANT, TINY}:
        steps.append("log or power scaling, if the features are skewed")
    if kinds & {DOMINANT, TINY, ONE_SEGMENT}:
        steps.append("another k")
    if kinds & {TINY, NOISY}:
        steps.append("a larger min_samples (fewer, denser segments)")
    if kinds & {NOISY, ONE_SEGMENT}:
        steps.append("another eps (the k-distance curve suggests one)")
    return steps


def _reasons(candidates, wins: dict, tally: Counter) -> list[str]:
    """'K-Means and Hierarchical have the best silhouette and Davies-Bouldin', one phrase per
    group of results winning the same metrics."""
    groups: dict[tuple, list[str]] = {}
    for name, candidate in candidates.items():
        if tally[name]:
            metrics = tuple(QUALITY[q][1] for q in QUALITY if name in wins[q])
            groups.setdefault(metrics, []).append(candidate.label)
    return [
        f"{_join(labels)} {'has' if len(labels) == 1 else 'have'} the best {_join(list(metrics))}"
        for metrics, labels in groups.items()
    ]


def _same(candidates, names: list[str]) -> bool:
    first = candidates[names[0]]
    if first.labels is None:
        return False
    return all(
        candidates[n].labels is not None
        and np.array_equal(first.row_mask, candidates[n].row_mask)
        and adjusted_rand_score(first.labels, candidates[n].labels) == 1.0
        for n in names[1:]
    )


def _join(parts: list[str], last: str = "and") -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {last} " + parts[-1]
