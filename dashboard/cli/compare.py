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
from algorithms.methods import DEFAULT_COMPARED, METHODS
from algorithms.methods.base import NOISE, SEED_PARAM
from algorithms.preprocessing import FeaturePreprocessor, skewed_features
from algorithms.segmentation import Segmentation, SegmentationSpec, fit_prepared
from algorithms.verdict import Balance, Candidate, Verdict, degenerate_flags, share_text, verdict
from dashboard.cli.common import (
    add_feature_arguments,
    aligned,
    check_output,
    feature_choice,
    write_json,
)
from dashboard.cli.registry import Command
from dashboard.cli.segment import add_method_arguments, method_options, params_text, used_params

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
        "params": used_params(name, result.spec.method_params()),
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
    given: dict[str, dict] | None = None,
    seed: int = SEED,
    methods: tuple[str, ...] = DEFAULT_COMPARED,
) -> Comparison:
    """The ``methods`` on one prepared matrix: each with its parameters in ``given`` (by
    method), else its defaults; a neighbourhood radius (DBSCAN's eps), when not given, at the
    k-distance knee for the neighbour count in use, to 3 significant digits, as the Compare
    page suggests it."""
    prepared = preprocessor.fit_transform(table)
    notes = []
    results = {}
    for name in methods:
        method = METHODS[name]
        params = dict((given or {}).get(name, {}))
        if method.neighbourhood_params and method.neighbourhood_params[0] not in params:
            radius, neighbours = method.neighbourhood_params
            count = params.get(neighbours) or _default(method, neighbours)
            suggestion = suggest_eps(k_distances(prepared.matrix, count, seed))
            if suggestion is not None:
                params[radius] = float(f"{suggestion:.3g}")
                notes.append(
                    f"{method.label}: {radius} {params[radius]:g}, the k-distance knee for "
                    f"{neighbours}={count}"
                )
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
    return Comparison(results, verdict(candidates, skewed=skewed), "; ".join(notes))


def _default(method, param_name: str):
    return next(param.default for param in method.params if param.name == param_name)


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
                    result.spec.method,
                    {k: v for k, v in result.spec.method_params().items() if k != SEED_PARAM},
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


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    parser.add_argument(
        "--methods",
        type=_method_list,
        default=DEFAULT_COMPARED,
        metavar="M,M",
        help=f"the methods to compare, of {', '.join(METHODS)}; "
        f"default {','.join(DEFAULT_COMPARED)} (as the Compare page)",
    )
    add_method_arguments(parser)
    parser.add_argument("--json", metavar="OUT.json", help="write results, agreement, verdict")


def _method_list(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in chosen if name not in METHODS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown method {', '.join(unknown) or '(none given)'}: choose from "
            f"{', '.join(METHODS)}"
        )
    return chosen


def compare_params(args: argparse.Namespace) -> dict[str, dict]:
    """The parameters given on the command line for each compared method, each checked by
    that method's declaration; a flag no compared method takes is refused."""
    params: dict[str, dict] = {name: {} for name in args.methods}
    for option in method_options().values():
        value = getattr(args, option.dest)
        if value is None:
            continue
        takers = [name for name in args.methods if name in option.params]
        if not takers:
            raise ParameterError(
                f"{option.flag} is for {', '.join(option.params)}, none of the compared methods."
            )
        for name in takers:
            param = option.params[name]
            try:
                params[name][param.name] = param.check(value)
            except ParameterError as error:
                message = str(error).removeprefix(f"{param.name} ")
                raise ParameterError(f"{option.flag} {message}") from None
    return params


def run_compare(args: argparse.Namespace) -> int:
    json_path = args.json and check_output(args.json, (".json",), args.input)
    features, encoded = feature_choice(args)
    comparison = compare_table(
        load_table(args.input),
        FeaturePreprocessor(features, args.scale, encoded),
        compare_params(args),
        args.seed,
        args.methods,
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
