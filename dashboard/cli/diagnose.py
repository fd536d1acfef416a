"""``segmenta diagnose``: how many segments? The K-Means scores for a range of k with the
recommended k, and the eps the data's k-distance curve suggests for DBSCAN.

``diagnose_table`` is the whole computation, so the benchmarks time exactly what it runs.
"""

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from algorithms.diagnostics import (
    KRecommendation,
    KSweep,
    flagged_ks,
    k_distances,
    recommend_k,
    skipped_ks_text,
    suggest_eps,
    suggest_min_samples,
    sweep_k,
)
from algorithms.eps_check import MAX_ROWS as EPS_CHECK_MAX_ROWS
from algorithms.eps_check import EpsCheck, check_eps
from algorithms.errors import DataError, ParameterError
from algorithms.loading import load_table
from algorithms.methods import METHODS, get_method
from algorithms.methods.base import SEED_PARAM
from algorithms.preprocessing import FeaturePreprocessor, PreparedFeatures
from algorithms.sweep_fits import SWEEP_RESTARTS, ExactRefit, SweepFits, exact_refit
from algorithms.verdict import share_text
from dashboard.cli.common import (
    add_feature_arguments,
    check_output,
    feature_choice,
    whole_number,
    write_json,
)
from dashboard.cli.registry import Command

SWEEP_FORMATS = {
    "inertia": "{:.2f}",
    "silhouette": "{:.4f}",
    "calinski_harabasz": "{:.2f}",
    "davies_bouldin": "{:.4f}",
}


@dataclass(frozen=True)
class Diagnosis:
    prepared: PreparedFeatures
    sweep: KSweep
    recommendation: KRecommendation | None
    min_samples: int
    eps: float | None
    eps_check: EpsCheck | None = None
    """What DBSCAN makes of the suggested eps, and what to try when that is no segmentation."""
    criteria: "MethodCriteria | None" = None
    """The per-k criteria of the method ``--algorithm`` named, when it declares some."""
    refit: ExactRefit | None = None
    """The recommended k fitted on every customer, when the sweep's fits used a sample."""

    def as_dict(self) -> dict:
        sweep = self.sweep.table.astype(object)
        recommendation = self.recommendation
        return {
            "features": self.prepared.columns,
            "scaling": self.prepared.preprocessor.scaling,
            "categorical": self.prepared.preprocessor.categorical,
            "n_rows": len(self.prepared.row_mask),
            "n_dropped_missing": self.prepared.n_dropped,
            "k_sweep": sweep.where(sweep.notna(), None).to_dict(orient="records"),
            "silhouette_sample_size": self.sweep.silhouette_sample_size,
            "knee": self.sweep.knee,
            "note": self.sweep.note or None,
            "recommended_k": recommendation.k if recommendation else None,
            "reason": recommendation.reason if recommendation else no_k_reason(self.sweep),
            "votes": recommendation.votes if recommendation else {},
            "dbscan": {"min_samples": self.min_samples, "suggested_eps": self.eps}
            | (self.eps_check.as_dict() if self.eps_check else {}),
            "criteria": self.criteria.as_dict() if self.criteria else None,
            "exact_refit": self.refit.as_dict() if self.refit else None,
        }


@dataclass(frozen=True)
class MethodCriteria:
    """A method's per-k criteria (``ClusteringMethod.criteria``), e.g. a Gaussian mixture's
    BIC and AIC: one column per criterion, one row per k."""

    method: str
    table: pd.DataFrame

    @classmethod
    def of(cls, method: str, matrix, ks: list[int], seed: int) -> "MethodCriteria":
        method_class = get_method(method)
        by_criterion = method_class.criteria_by_k(matrix, ks, {SEED_PARAM: seed})
        return cls(method, pd.DataFrame({"k": ks, **by_criterion}))

    def as_dict(self) -> dict:
        return {"method": self.method, "by_k": self.table.to_dict(orient="records")}

    def describe(self) -> list[str]:
        method_class = get_method(self.method)
        best = {name: int(self.table.loc[self.table[name].idxmin(), "k"]) for name in self.table
                if name != "k" and self.table[name].notna().any()}  # fmt: skip
        lowest = ", ".join(f"{name} at k={k}" for name, k in best.items())
        return [
            f"{method_class.label}: {' and '.join(method_class.criteria)} per k "
            f"(lower is better; lowest {lowest})",
            "",
            self.table.to_string(index=False, float_format="{:.2f}".format),
        ]


def diagnose_table(
    table: pd.DataFrame,
    preprocessor: FeaturePreprocessor,
    k_range: tuple[int, int] = (2, 10),
    seed: int = 0,
    min_samples: int | None = None,
    progress=None,
    method: str | None = None,
) -> Diagnosis:
    """What ``segmenta diagnose`` computes: the K-Means sweep over ``k_range`` with its
    recommendation, and the eps the k-distance curve suggests for DBSCAN (with
    ``min_samples`` suggested for the table's size when not given); with ``method``, that
    method's per-k criteria where it declares some."""
    k_min, k_max = k_range
    if k_max < k_min:
        raise ParameterError(f"--k-max ({k_max}) is below --k-min ({k_min}): swap them.")
    prepared = preprocessor.fit_transform(table)
    if len(prepared.matrix) <= k_min:
        raise DataError(
            f"Trying k from {k_min} needs at least {k_min + 1} customers with complete values; "
            f"the table has {len(prepared.matrix)}."
        )
    sweep = sweep_k(prepared.matrix, k_min, k_max, seed=seed, progress=progress)
    recommendation = recommend_k(sweep)
    refit = None
    if recommendation and sweep.fit_rows < len(prepared.matrix):
        fits = SweepFits.plan(prepared.matrix, SWEEP_RESTARTS, seed, sweep.fit_rows)
        refit = exact_refit(fits, recommendation.k)
    min_samples = min_samples or suggest_min_samples(*prepared.matrix.shape)
    eps = suggest_eps(k_distances(prepared.matrix, min_samples, seed))
    checked = None if eps is None else check_eps(prepared.matrix, eps, min_samples, seed)
    criteria = None
    if method is not None and get_method(method).criteria:
        ks = [int(k) for k in sweep.table["k"]]
        criteria = MethodCriteria.of(method, prepared.matrix, ks, seed)
    return Diagnosis(prepared, sweep, recommendation, min_samples, eps, checked, criteria, refit)


def no_k_reason(sweep: KSweep) -> str | None:
    """Why no k is recommended: every k degenerate (saying which and why), else None."""
    flagged = flagged_ks(sweep)
    if not flagged:
        return None
    return (
        f"No k is recommended: {skipped_ks_text(flagged)} Try log or power scaling if the "
        "features are skewed (see `segmenta columns`), or a wider k range."
    )


def add_diagnose_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    parser.add_argument("--k-min", type=whole_number(1), default=2, help="smallest k (default: 2)")
    parser.add_argument("--k-max", type=whole_number(1), default=10, help="largest k (default: 10)")
    parser.add_argument(
        "--min-samples", type=whole_number(1), default=None,
        help="DBSCAN min_samples for the suggested eps (default: grows with the table, "
        "5 for a few hundred customers)",
    )  # fmt: skip
    parser.add_argument(
        "--algorithm", choices=list(METHODS), default=None,
        help="also the per-k criteria this method declares (gmm: BIC and AIC)",
    )  # fmt: skip
    parser.add_argument("--json", metavar="OUT.json", help="write every figure to a JSON file")


def run_diagnose(args: argparse.Namespace) -> int:
    json_path = args.json and check_output(args.json, (".json",), args.input)
    features, encoded = feature_choice(args)
    diagnosis = diagnose_table(
        load_table(args.input),
        FeaturePreprocessor(features, args.scale, encoded),
        (args.k_min, args.k_max),
        args.seed,
        args.min_samples,
        progress=show_progress if sys.stderr.isatty() else None,
        method=args.algorithm,
    )
    print("\n".join(describe_diagnosis(diagnosis)))
    if json_path:
        write_json({"input": args.input, "seed": args.seed, **diagnosis.as_dict()}, json_path)
    return 0


def show_progress(done: int, total: int) -> None:
    print(f"\rk {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def blank_or(form: str) -> Callable[[float], str]:
    """A cell formatter showing '-' for a score that does not exist (k=1)."""
    return lambda value: "-" if pd.isna(value) else form.format(value)


def describe_diagnosis(diagnosis: Diagnosis) -> list[str]:
    sweep, prepared = diagnosis.sweep, diagnosis.prepared
    ks = sweep.table["k"]
    formatters = {column: blank_or(form) for column, form in SWEEP_FORMATS.items()}
    lines = [
        f"K-Means for k = {ks.min()}..{ks.max()} on {len(prepared.matrix):,} customers "
        f"({', '.join(prepared.columns)}; {prepared.preprocessor.scaling} scaling)",
        "",
        sweep.table.to_string(index=False, formatters=formatters),
        "",
        f"Elbow (knee of the inertia curve): {f'k={sweep.knee}' if sweep.knee else 'none clear'}",
        "Recommended: "
        + (
            diagnosis.recommendation.reason
            if diagnosis.recommendation
            else no_k_reason(sweep) or "no k can be scored"
        ),
    ]
    if sweep.note:
        lines.append(sweep.note)
    if diagnosis.refit:
        lines.append(diagnosis.refit.describe(len(prepared.matrix)))
    if sweep.silhouette_sample_size and sweep.silhouette_sample_size < len(prepared.matrix):
        lines.append(
            f"Silhouettes on a stratified sample of {sweep.silhouette_sample_size:,} customers."
        )
    if prepared.n_dropped:
        lines.append(f"{prepared.n_dropped:,} customers left out: a feature value is missing.")
    eps = "none (no knee in the curve)" if diagnosis.eps is None else f"{diagnosis.eps:.4g}"
    lines.append(
        f"DBSCAN: suggested eps {eps} for min_samples={diagnosis.min_samples} "
        f"(knee of the sorted {diagnosis.min_samples}-distance curve, in scaled units)"
    )
    checked = diagnosis.eps_check
    if checked is None and diagnosis.eps is not None:
        lines.append(
            f"DBSCAN at that eps: not checked above {EPS_CHECK_MAX_ROWS:,} customers "
            "(scikit-learn's DBSCAN would hold every neighbourhood); try it on Compare"
        )
    if checked is not None:
        noise = f", {share_text(checked.noise_share)} noise" if checked.noise_share else ""
        segments = f"{checked.n_clusters} segment" + ("" if checked.n_clusters == 1 else "s")
        lines.append(f"DBSCAN at that eps: {segments}{noise}")
        if checked.advice:
            lines.append(f"DBSCAN: {checked.advice}")
    if diagnosis.criteria is not None:
        lines += ["", *diagnosis.criteria.describe()]
    return lines


DIAGNOSE = Command(
    "diagnose",
    "score k = 2..10 for K-Means, recommend k, suggest DBSCAN's eps",
    add_diagnose_arguments,
    run_diagnose,
)
