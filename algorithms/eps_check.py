"""Whether DBSCAN's eps makes a segmentation, and plainly what to try when it does not.

The k-distance knee is a good eps for data with dense groups; on Wholesale's six spend
columns no eps gives more than one segment, and saying "one segment" without saying why sends
people turning a dial that cannot help. So a failing eps is checked against others along the
k-distance curve: either some give balanced segments (try those), or none does, which is a
finding about the data.
"""

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.cluster import DBSCAN

from algorithms.diagnostics import k_distances
from algorithms.methods.base import NOISE
from algorithms.verdict import MAX_NOISE_SHARE, degenerate_flags, share_text


@dataclass(frozen=True)
class EpsCheck:
    """What DBSCAN makes of an eps: segments, noise, and what to try when that is no
    segmentation (one segment, or more than ``MAX_NOISE_SHARE`` noise)."""

    eps: float
    min_samples: int
    n_clusters: int
    noise_share: float
    advice: str

    def as_dict(self) -> dict:
        return asdict(self)


MAX_ROWS = 50_000
"""Above this many customers an eps is not checked: the check fits scikit-learn's DBSCAN, which
holds every neighbourhood (an eps suggested at a large min_samples on a million customers
took over 24 GB), and trying eps along the curve means several such fits."""

EPS_SCAN_QUANTILES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
"""Where along the k-distance curve other eps are tried when the suggested one fails."""


def check_eps(matrix: np.ndarray, eps: float, min_samples: int, seed: int = 0) -> EpsCheck | None:
    """DBSCAN at ``eps``; when it gives one segment or too much noise, the advice says so
    plainly and what to try, after trying eps along the k-distance curve: if none of them
    gives two segments, that is a finding (one dense group and outliers), not a bad setting.
    None above ``MAX_ROWS`` customers (not checked)."""
    if len(matrix) > MAX_ROWS:
        return None
    labels = DBSCAN(eps=eps, min_samples=min_samples).fit(matrix).labels_
    n_clusters = len(np.unique(labels[labels != NOISE]))
    noise_share = float((labels == NOISE).mean())
    advice = ""
    if n_clusters <= 1 or noise_share > MAX_NOISE_SHARE:
        found = "one segment" if n_clusters == 1 else f"{n_clusters} segments"
        if noise_share > MAX_NOISE_SHARE:
            found += f" and {share_text(noise_share)} noise"
        advice = f"eps {eps:.3g} gives {found}: " + _eps_remedy(
            matrix, min_samples, n_clusters, noise_share, seed
        )
    return EpsCheck(float(eps), int(min_samples), n_clusters, noise_share, advice)


def _eps_remedy(
    matrix: np.ndarray, min_samples: int, n_clusters: int, noise_share: float, seed: int
) -> str:
    distances = k_distances(matrix, min_samples, seed)
    tried = []
    for eps in dict.fromkeys(np.quantile(distances, EPS_SCAN_QUANTILES).tolist()):
        if eps <= 0:
            continue
        labels = DBSCAN(eps=eps, min_samples=min_samples).fit(matrix).labels_
        sizes = dict(zip(*np.unique(labels, return_counts=True), strict=True))
        if not degenerate_flags({int(c): int(n) for c, n in sizes.items()}):
            tried.append(eps)
    if tried:
        return (
            f"try eps {_or([f'{eps:.3g}' for eps in tried[:3]])} (each gives two or more "
            "balanced segments), or log or power scaling if the features are skewed."
        )
    if noise_share > MAX_NOISE_SHARE and n_clusters > 1:
        return "raise eps or lower min_samples, or use K-Means or hierarchical clustering."
    return (
        f"no eps along the k-distance curve gives two or more balanced segments with "
        f"min_samples={min_samples}: the customers form one dense group with outliers at this "
        "scaling. Try log or power scaling, or K-Means or hierarchical clustering."
    )


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
