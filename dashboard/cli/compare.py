"""``segmenta compare``: the Compare page for scripts and tests. Every method fitted on one
prepared matrix with the page's defaults (eps suggested from the k-distance curve), the quality
metrics with each result's balance and degenerate flags, how far the results agree, and the
verdict the page shows (``algorithms.verdict``).

``compare_table`` is the whole computation, file I/O aside.
"""

import argparse
from dataclasses import dataclass

import pandas as pd

from algorithms.diagnostics import agreement, k_distances, suggest_eps
from algorithms.errors import ParameterError
from algorithms.loading import load_table
from algorithms.methods import METHODS
from algorithms.methods.base import NOISE
from algorithms.preprocessing import FeaturePreprocessor, skewed_features
from algorithms.segmentation import Segmentation, SegmentationSpec, fit_prepared
from algorithms.verdict import Balance, Candidate, Verdict, degenerate_flags, share_text, verdict
from dashboard.cli.common import (
    add_feature_arguments,
    aligned,
    check_output,
    feature_choice,
    whole_number,
    write_json,
)
from dashboard.cli.registry import Command
from dashboard.cli.segment import method_options, params_text, used_params

SEED = 0
SCORE_FORMATS = {"silhouette": "{:.3f}", "calinski_harabasz": "{:,.1f}", "davies_bouldin": "{:.3f}"}


@dataclass(frozen=True)
class Comparison:
    results: dict[str, Segmentation]
    verdict: Verdict
    eps_note: str
    """How eps was chosen, when it was suggested rather than given."""

    def agreement(self) -> list[dict]:
        names = list(self.results)
        pairs = []
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                pair = agreement(self.results[first].labels, self.results[second].labels)
                pairs.append(
                    {"a": first, "b": second, "ari": pair.adjusted_rand,
                     "ami": pair.adjusted_mutual_info}
                )  # fmt: skip
        return pairs

    def as_dict(self) -> dict:
        return {
            "results": [_result_record(name, r) for name, r in self.results.items()],
            "agreement": self.agreement(),
            "verdict": self.verdict.as_dict(),
        }


def _result_record(name: str, result: Segmentation) -> dict:
    scores = result.scores
    sizes = result.sizes()
    return {
        "method": name,
        "params": used_params(result.spec.method_params()),
        "n_clusters": scores.n_clusters,
        "n_noise": scores.n_noise,
        "sizes": [n for cluster, n in sorted(sizes.items()) if cluster != NOISE],
        "silhouette": scores.silhouette,
        "calinski_harabasz": scores.calinski_harabasz,
        "davies_bouldin": scores.davies_bouldin,
        "flags": [flag.text for flag in degenerate_flags(sizes)],
    }


def compare_table(
    table: pd.DataFrame,
    preprocessor: FeaturePreprocessor,
    given: dict | None = None,
    seed: int = SEED,
) -> Comparison:
    """Every method on one prepared matrix: the parameters in ``given`` where a method takes
    them, else the method's defaults; eps, when not given, at the k-distance knee for the
    min_samples in use, to 3 significant digits, as the Compare page suggests it."""
    given = dict(given or {})
    prepared = preprocessor.fit_transform(table)
    eps_note = ""
    if "eps" not in given:
        min_samples = given.get("min_samples") or _default("min_samples")
        suggestion = suggest_eps(k_distances(prepared.matrix, min_samples, seed))
        if suggestion is not None:
            given["eps"] = float(f"{suggestion:.3g}")
            eps_note = f"eps {given['eps']:g}: the k-distance knee for min_samples={min_samples}"
    results = {}
    for name, method in METHODS.items():
        accepted = {param.name for param in method.params}
        params = {key: value for key, value in given.items() if key in accepted}
        spec = SegmentationSpec(
            tuple(preprocessor.features), name, params, preprocessor.scaling,
            preprocessor.categorical, seed,
        )  # fmt: skip
        results[name] = fit_prepared(table, prepared, spec)
    skewed = tuple(skewed_features(table, list(preprocessor.features)))
    candidates = {
        name: Candidate(r.model.label, r.scores.as_dict(), r.sizes(), r.labels, r.prepared.row_mask)
        for name, r in results.items()
    }
    return Comparison(results, verdict(candidates, skewed=skewed), eps_note)


def _default(param_name: str):
    return method_options()[param_name][0].default


def describe_comparison(comparison: Comparison) -> list[str]:
    rows = []
    for result in comparison.results.values():
        scores = result.scores
        sizes = result.sizes()
        balance = Balance.of(sizes)
        rows.append(
            {
                "method": result.model.label,
                "params": params_text(
                    {k: v for k, v in result.spec.method_params().items() if k != "random_state"}
                ),
                "segments": scores.n_clusters,
                "noise": share_text(scores.noise_share) if scores.n_noise else "none",
                "balance": balance.text() if balance else "-",
                **{
                    metric: "-"
                    if getattr(scores, metric) is None
                    else form.format(getattr(scores, metric))
                    for metric, form in SCORE_FORMATS.items()
                },
                "flags": "; ".join(flag.text for flag in degenerate_flags(sizes)) or "-",
            }
        )
    first = next(iter(comparison.results.values()))
    lines = [
        f"{len(first.labels):,} customers ({', '.join(first.prepared.columns)}; "
        f"{first.spec.scaling} scaling)",
        "",
        aligned(pd.DataFrame(rows), left=("method", "params", "balance", "flags")),
    ]
    if comparison.eps_note:
        lines.append(comparison.eps_note)
    pairs = pd.DataFrame(comparison.agreement())
    if not pairs.empty:
        labels = {name: r.model.label for name, r in comparison.results.items()}
        pairs = pd.DataFrame(
            {
                "pair": pairs["a"].map(labels) + " · " + pairs["b"].map(labels),
                "adjusted Rand": pairs["ari"].map("{:.2f}".format),
                "adjusted MI": pairs["ami"].map("{:.2f}".format),
            }
        )
        lines += ["", "Agreement (1 = the same segments, 0 = chance):", aligned(pairs, ("pair",))]
    return lines + ["", f"Verdict: {comparison.verdict.reason}"]


COMPARE_FLAGS = {"n_clusters": "--k", "eps": "--eps", "min_samples": "--min-samples",
                 "linkage": "--linkage"}  # fmt: skip


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    options = method_options()
    for name, flag in COMPARE_FLAGS.items():
        param, methods = options[name]
        parser.add_argument(
            flag,
            dest=f"param_{name}",
            type=whole_number(1) if param.kind is int else float if param.kind is float else str,
            choices=param.choices,
            metavar=None if param.choices else {int: "N", float: "X"}[param.kind],
            help=f"{'/'.join(methods)}: {param.help.rstrip('.')}"
            + ("; default: suggested from the k-distance curve" if name == "eps" else
               f"; default {param.default}"),
        )  # fmt: skip
    parser.add_argument("--json", metavar="OUT.json", help="write results, agreement, verdict")


def compare_params(args: argparse.Namespace) -> dict:
    """The parameters given on the command line, each checked by its declaration."""
    options = method_options()
    params = {}
    for name, flag in COMPARE_FLAGS.items():
        value = getattr(args, f"param_{name}")
        if value is None:
            continue
        try:
            params[name] = options[name][0].check(value)
        except ParameterError as error:
            raise ParameterError(f"{flag} {str(error).removeprefix(f'{name} ')}") from None
    return params


def run_compare(args: argparse.Namespace) -> int:
    json_path = args.json and check_output(args.json, (".json",), args.input)
    features, encoded = feature_choice(args)
    comparison = compare_table(
        load_table(args.input),
        FeaturePreprocessor(features, args.scale, encoded),
        compare_params(args),
        args.seed,
    )
    print("\n".join(describe_comparison(comparison)))
    if json_path:
        write_json({"input": args.input, **comparison.as_dict()}, json_path)
        print(f"Wrote {json_path}")
    return 0


COMPARE = Command(
    "compare",
    "fit every method side by side and say which to trust",
    add_compare_arguments,
    run_compare,
)
