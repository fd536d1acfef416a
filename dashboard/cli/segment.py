"""``segmenta segment``: cluster a customer table and write every row back with its segment.

``segment_table`` is the whole computation, file I/O aside, so the benchmarks time exactly
what the command runs.
"""

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from algorithms.errors import ParameterError
from algorithms.loading import load_table
from algorithms.methods import METHODS, Param
from algorithms.methods.base import SEED_PARAM
from algorithms.model_io import SegmentModel, label_table, save_model
from algorithms.segmentation import Segmentation, SegmentationSpec, run_segmentation
from algorithms.stability import DISSOLVING, STABLE, Stability, segmentation_stability
from dashboard.cli.common import (
    TABLE_WRITERS,
    add_database_argument,
    add_feature_arguments,
    add_raw_csv_argument,
    check_output,
    check_raw_csv,
    describe_labelled,
    feature_choice,
    model_key,
    whole_number,
    write_json,
    write_table,
    writing,
)
from dashboard.cli.registry import Command

if TYPE_CHECKING:
    from dashboard.cli.carried import CarriedPersonas

SEGMENTS_FLAG = "--k"


@dataclass(frozen=True)
class SegmentResult:
    segmentation: Segmentation
    model: SegmentModel
    labelled: pd.DataFrame
    carried: "CarriedPersonas | None" = None
    """The saved persona set's names, when ``--personas`` gave one."""
    stability: Stability | None = None
    """Bootstrap stability of the segments, when ``--stability`` asked for it."""

    def report(self) -> dict:
        """The JSON report; without the fit time, so equal runs write equal files."""
        record = self.segmentation.summary()
        del record["fit_seconds"]
        record["params"] = used_params(record["method"], record["params"])
        cut = METHODS[record["method"]].cut_params
        if cut and record["params"].get(cut[1]) is not None:
            record["cut"] = f"cut at height {record['params'][cut[1]]:g}"
        record["personas"] = {str(c): name for c, name in self.model.cluster_names.items()}
        if self.carried is not None:
            record["persona_set"] = self.carried.report()
        if self.stability is not None:
            record["stability"] = self.stability.as_dict()
        return record


def segment_table(
    table: pd.DataFrame,
    spec: SegmentationSpec,
    persona_record: dict | None = None,
    stability_resamples: int = 0,
) -> SegmentResult:
    """What ``segmenta segment`` computes: fit, scores, profiles, labels, the names of a
    saved persona set (its JSON record) where its personas match the new segments, and the
    segments' bootstrap stability over ``stability_resamples`` refits (none when 0)."""
    segmentation = run_segmentation(table, spec)
    stability = None
    if stability_resamples:
        stability = segmentation_stability(
            segmentation.prepared.matrix, segmentation.labels, spec, stability_resamples
        )
    carried = None
    if persona_record is not None:
        from dashboard.cli.carried import CarriedPersonas  # the persona stack, only when asked

        carried = CarriedPersonas.of(segmentation, persona_record)
    model = SegmentModel.from_segmentation(segmentation, carried.names if carried else None)
    labelled = label_table(
        table, segmentation.table_labels(), model.cluster_names, segmentation.table_probabilities()
    )
    return SegmentResult(segmentation, model, labelled, carried, stability)


@dataclass(frozen=True)
class MethodOption:
    """One parameter flag and the parameter it sets in each method that takes it."""

    flag: str
    params: dict[str, Param]
    """By method name."""

    @property
    def dest(self) -> str:
        return "param_" + self.flag.removeprefix("--").replace("-", "_")

    def help(self) -> str:
        """'kmeans/hierarchical/gmm: Number of segments (k); default 5': one clause per
        default, worded as the first method taking it words it."""
        clauses: dict[object, tuple[str, list[str]]] = {}
        for method, param in self.params.items():
            clauses.setdefault(param.default, (param.help.rstrip("."), []))[1].append(method)
        return " | ".join(
            f"{'/'.join(methods)}: {text}; default {'off' if default is None else default}"
            for default, (text, methods) in clauses.items()
        )


def method_options() -> dict[str, MethodOption]:
    """Each parameter flag once (by flag), with the methods that take it: the number of
    segments is ``--k`` for every method, whatever it calls it; the seed is ``--seed``."""
    options: dict[str, MethodOption] = {}
    for method in METHODS.values():
        for param in method.params:
            if param.name != SEED_PARAM:
                name = flag(param)
                options.setdefault(name, MethodOption(name, {})).params[method.name] = param
    return options


def flag(param: Param) -> str:
    if param.control_kind == "segments":
        return SEGMENTS_FLAG
    return "--" + param.name.replace("_", "-")


def add_method_arguments(parser: argparse.ArgumentParser) -> None:
    """Each method parameter's flag once, with the methods it is for (``method_options``)."""
    group = parser.add_argument_group("method parameters (each for the methods named)")
    for option in method_options().values():
        param = next(iter(option.params.values()))
        group.add_argument(
            option.flag,
            dest=option.dest,
            type=str if param.choices else param.kind,
            choices=param.choices,
            metavar=None if param.choices else {int: "N", float: "X"}[param.kind],
            help=option.help(),
        )


def add_segment_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    parser.add_argument("--algorithm", required=True, choices=list(METHODS))
    add_method_arguments(parser)
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="output: .csv, .xlsx or .parquet"
    )
    add_raw_csv_argument(parser)
    parser.add_argument(
        "--report", metavar="REPORT.json", help="write parameters, metrics, profiles"
    )
    parser.add_argument(
        "--model", metavar="MODEL.joblib",
        help="save the fitted model for `segmenta assign`, signed with the model key "
        "($SEGMENTA_MODEL_KEY, else model_key in the instance folder)",
    )  # fmt: skip
    parser.add_argument(
        "--stability", type=whole_number(0), default=0, metavar="N",
        help="refit on N bootstrap resamples and grade each segment stable (Jaccard >= "
        f"{STABLE:g}), doubtful or dissolving (< {DISSOLVING:g}); 0 or absent: off",
    )  # fmt: skip
    personas = parser.add_argument_group("saved personas")
    personas.add_argument(
        "--personas", metavar="NAME_OR_FILE",
        help="name the segments after a persona set saved in the app (its name or id, or a "
        "JSON export): each segment takes the saved persona it matches by profile",
    )  # fmt: skip
    add_database_argument(personas)


def method_params(args: argparse.Namespace) -> dict:
    """The parameters given on the command line, checked against the chosen method."""
    method = METHODS[args.algorithm]
    params = {}
    for option in method_options().values():
        value = getattr(args, option.dest)
        if value is None:
            continue
        param = option.params.get(method.name)
        if param is None:
            raise ParameterError(
                f"{option.flag} does not apply to {method.name}; "
                f"it is for {', '.join(option.params)}."
            )
        try:
            params[param.name] = param.check(value)
        except ParameterError as error:
            message = str(error).removeprefix(f"{param.name} ")
            raise ParameterError(f"{option.flag} {message}") from None
    if method.cut_params and all(params.get(name) is not None for name in method.cut_params):
        by_name = {param.name: param for param in method.params}
        count, height = (flag(by_name[name]) for name in method.cut_params)
        raise ParameterError(f"{count} and {height} both say where to cut the tree: give one.")
    return params


def used_params(method: str, params: dict) -> dict:
    """The parameters as the run used them: a tree cut at a height ignores the count."""
    cut = METHODS[method].cut_params
    if not cut or params.get(cut[1]) is None:
        return params
    return {name: value for name, value in params.items() if name != cut[0]}


def run_segment(args: argparse.Namespace) -> int:
    out = check_output(args.out, TABLE_WRITERS, args.input)
    check_raw_csv(args.raw_csv, out)
    report = args.report and check_output(args.report, (".json",), args.input)
    model_path = args.model and check_output(args.model, (), args.input)
    key = model_path and model_key()
    features, encoded = feature_choice(args)
    spec = SegmentationSpec(
        tuple(features), args.algorithm, method_params(args), args.scale, encoded, args.seed
    )
    if args.database and not args.personas:
        raise ParameterError("--database is only read with --personas: name the persona set too.")
    persona_record = None
    if args.personas:
        from dashboard.cli.database import persona_record as read_record  # only when asked

        persona_record = read_record(args.personas, args.database)
    result = segment_table(load_table(args.input), spec, persona_record, args.stability)
    write_table(result.labelled, out, args.raw_csv)
    if report:
        write_json({"input": args.input, "output": str(out), **result.report()}, report)
    if model_path:
        with writing(model_path):
            save_model(result.model, model_path, key)
    print("\n".join(describe_segmentation(result)))
    print("Wrote " + ", ".join(str(path) for path in (out, report, model_path) if path))
    return 0


def params_text(method: str, params: dict) -> str:
    """'n_clusters=5, linkage=ward', or 'linkage=ward, cut at height 2.5' for a height cut."""
    cut = METHODS[method].cut_params
    return ", ".join(
        f"cut at height {value:g}" if cut and name == cut[1] else f"{name}={value}"
        for name, value in used_params(method, params).items()
        if value is not None
    )


def describe_segmentation(result: SegmentResult) -> list[str]:
    segmentation = result.segmentation
    scores = segmentation.scores
    lines = [
        f"{segmentation.model.label} "
        f"({params_text(segmentation.spec.method, segmentation.spec.method_params())}) on "
        f"{len(segmentation.labels):,} customers, {segmentation.spec.scaling} scaling: "
        f"{scores.n_clusters} segments" + (f", {scores.n_noise:,} noise" if scores.n_noise else "")
    ]
    if scores.silhouette is not None:
        lines.append(
            f"silhouette {scores.silhouette:.3f} · Calinski-Harabasz "
            f"{scores.calinski_harabasz:.1f} · Davies-Bouldin {scores.davies_bouldin:.3f}"
        )
    lines += [f"note: {note}" for note in (segmentation.model.note_, scores.note) if note]
    if result.stability is not None:
        lines.append(describe_stability(result.stability, len(segmentation.labels)))
    if result.carried is not None:
        lines += result.carried.describe()
    return lines + describe_labelled(result.labelled)


def describe_stability(stability: Stability, n_customers: int) -> str:
    """'stability over 20 bootstrap resamples: stable 0, 1 · doubtful none · dissolving 2 ·
    mean adjusted Rand 0.912', and the stratified sample when the table was above the cap."""
    grades = " · ".join(
        f"{grade} {', '.join(map(str, clusters)) or 'none'}"
        for grade, clusters in stability.clusters_by_grade().items()
    )
    sample = (
        f" (stratified sample of {stability.customers:,} of {n_customers:,} customers)"
        if stability.customers < n_customers
        else ""
    )
    return (
        f"stability over {stability.n_resamples} bootstrap resamples{sample}: {grades} · "
        f"mean adjusted Rand {stability.mean_adjusted_rand:.3f}"
    )


SEGMENT = Command(
    "segment",
    "cluster the customers and write each one's segment",
    add_segment_arguments,
    run_segment,
)
