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

PARAM_FLAGS = {"n_clusters": "--k"}
SEED_PARAM = "random_state"


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
        record["params"] = used_params(record["params"])
        threshold = record["params"].get("distance_threshold")
        if threshold is not None:
            record["cut"] = f"cut at height {threshold:g}"
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
    labelled = label_table(table, segmentation.table_labels(), model.cluster_names)
    return SegmentResult(segmentation, model, labelled, carried, stability)


def method_options() -> dict[str, tuple[Param, list[str]]]:
    """Each method parameter once, with the methods that take it (the seed is ``--seed``)."""
    options: dict[str, tuple[Param, list[str]]] = {}
    for method in METHODS.values():
        for param in method.params:
            if param.name != SEED_PARAM:
                options.setdefault(param.name, (param, []))[1].append(method.name)
    return options


def flag(param_name: str) -> str:
    return PARAM_FLAGS.get(param_name, "--" + param_name.replace("_", "-"))


def add_segment_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    parser.add_argument("--algorithm", required=True, choices=list(METHODS))
    group = parser.add_argument_group("method parameters (each for the methods named)")
    for name, (param, methods) in method_options().items():
        default = "off" if param.default is None else param.default
        group.add_argument(
            flag(name),
            dest=f"param_{name}",
            type=str if param.choices else param.kind,
            choices=param.choices,
            metavar=None if param.choices else {int: "N", float: "X"}[param.kind],
            help=f"{'/'.join(methods)}: {param.help.rstrip('.')}; default {default}",
        )
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
    accepted = {param.name for param in METHODS[args.algorithm].params}
    params = {}
    for name, (param, methods) in method_options().items():
        value = getattr(args, f"param_{name}")
        if value is None:
            continue
        if name not in accepted:
            raise ParameterError(
                f"{flag(name)} does not apply to {args.algorithm}; it is for {', '.join(methods)}."
            )
        try:
            params[name] = param.check(value)
        except ParameterError as error:
            message = str(error).removeprefix(f"{name} ")
            raise ParameterError(f"{flag(name)} {message}") from None
    if "n_clusters" in params and params.get("distance_threshold") is not None:
        raise ParameterError(
            "--k and --distance-threshold both say where to cut the tree: give one."
        )
    return params


def used_params(params: dict) -> dict:
    """The parameters as the run used them: a tree cut at a height ignores ``n_clusters``."""
    if params.get("distance_threshold") is None:
        return params
    return {name: value for name, value in params.items() if name != "n_clusters"}


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


def params_text(params: dict) -> str:
    """'n_clusters=5, linkage=ward', or 'linkage=ward, cut at height 2.5' for a height cut."""
    return ", ".join(
        f"cut at height {value:g}" if name == "distance_threshold" else f"{name}={value}"
        for name, value in used_params(params).items()
        if value is not None
    )


def describe_segmentation(result: SegmentResult) -> list[str]:
    segmentation = result.segmentation
    scores = segmentation.scores
    lines = [
        f"{segmentation.model.label} ({params_text(segmentation.spec.method_params())}) on "
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
