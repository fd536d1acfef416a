"""The ``segmenta`` command: segment a customer file, diagnose k, assign new customers.

Each command is one small function registered with ``@command`` (its arguments and its run),
so a new command is one more function. The computation behind ``segment`` and ``diagnose``
(``segment_table``, ``diagnose_table``) is importable on its own: the benchmarks time exactly
what the command runs.

Anything the user can fix (a missing file, an unknown column, a bad parameter, an unwritable
output) ends with one line ``segmenta: error: ...`` on stderr and exit code 2; an unexpected
failure with one line and exit code 1 (``--debug`` shows the traceback).
"""

import argparse
import json
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from algorithms.diagnostics import (
    KRecommendation,
    KSweep,
    k_distances,
    recommend_k,
    suggest_eps,
    sweep_k,
)
from algorithms.errors import DataError, ParameterError, SegmentaError
from algorithms.loading import canonical_column_name, load_table
from algorithms.methods import METHODS, NOISE, Param
from algorithms.model_io import (
    CLUSTER_COLUMN,
    PERSONA_COLUMN,
    SegmentModel,
    label_table,
    load_model,
    save_model,
)
from algorithms.preprocessing import (
    SCALERS,
    FeaturePreprocessor,
    PreparedFeatures,
    categorical_candidates,
    numeric_feature_candidates,
)
from algorithms.segmentation import Segmentation, SegmentationSpec, run_segmentation
from algorithms.threads import limit_compute_threads


def plain_number(value: float) -> str:
    """A float as a CSV cell the way files usually hold it: ``1000`` not ``1000.0``.

    Numeric columns with a gap load as floats, so without this an integer column with one
    missing value would come back with ``.0`` on every value.
    """
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


TABLE_WRITERS = {
    ".csv": lambda table, path: table.to_csv(path, index=False, float_format=plain_number),
    ".xlsx": lambda table, path: table.to_excel(path, index=False),
    ".parquet": lambda table, path: table.to_parquet(path, index=False),
}
EXCEL_MAX_ROWS = 1_048_575
PARAM_FLAGS = {"n_clusters": "--k"}
SEED_PARAM = "random_state"


class UsageError(Exception):
    """A command line argparse rejects: reported on one line like any other user error."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register the decorated ``run(args) -> exit code`` as ``segmenta NAME``."""

    def register(run: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = Command(name, help, add_arguments, run)
        return run

    return register


def whole_number(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def add_feature_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="customer table: .csv, .txt, .tsv, .xlsx or .parquet")
    parser.add_argument(
        "--features", nargs="+", required=True, metavar="COL",
        help="numeric columns to segment on (see `segmenta columns INPUT`)",
    )  # fmt: skip
    parser.add_argument(
        "--scale", choices=list(SCALERS), default="standard",
        help="scaling of the features before clustering (default: standard)",
    )  # fmt: skip
    parser.add_argument(
        "--encode", metavar="COLUMN", help="a text column (e.g. Gender) to one-hot encode as well"
    )
    parser.add_argument("--seed", type=whole_number(0), default=0, help="random seed (default: 0)")


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


def canonical_columns(names: list[str] | None) -> list[str]:
    """Column names as the loader names them, so ``Genre`` or ``income`` find their column."""
    return [canonical_column_name(name) for name in names or []]


def check_output(path: str, suffixes, input_path: str | None = None) -> Path:
    """Refuse an output before the work: wrong extension, missing folder, the input itself."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ParameterError(
            f"Cannot write {str(path)!r}: give it one of the extensions {', '.join(suffixes)}."
        )
    if not path.parent.is_dir():
        raise ParameterError(
            f"Cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist."
        )
    if input_path and path.resolve() == Path(input_path).resolve():
        raise ParameterError(f"{str(path)!r} is the input file: choose another output path.")
    return path


@contextmanager
def writing(path: Path):
    """Turn a failed write (permissions, a full disk) into an error naming the file."""
    try:
        yield path
    except OSError as error:
        raise DataError(f"Cannot write {str(path)!r}: {error.strerror or error}.") from error


def write_table(table: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and len(table) > EXCEL_MAX_ROWS:
        raise DataError(
            f"{len(table):,} rows do not fit in an Excel sheet: write .csv or .parquet instead."
        )
    with writing(path):
        TABLE_WRITERS[suffix](table, path)


def write_json(record: dict, path: Path) -> None:
    with writing(path):
        path.write_text(json.dumps(record, indent=2, allow_nan=False, ensure_ascii=False) + "\n")


def feature_choice(args: argparse.Namespace) -> tuple[list[str], str | None]:
    """The chosen features and encoded column, named as the loader names columns."""
    encoded = canonical_columns([args.encode])[0] if args.encode else None
    return canonical_columns(args.features), encoded


def aligned(frame: pd.DataFrame, left: tuple[str, ...] = ()) -> str:
    """A plain-text table for the terminal: the ``left`` columns left-aligned, others right."""
    columns = []
    for name in frame.columns:
        texts = [str(name), *(str(value) for value in frame[name])]
        width = max(map(len, texts))
        columns.append([t.ljust(width) if name in left else t.rjust(width) for t in texts])
    return "\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True))


def persona_counts(labelled: pd.DataFrame) -> pd.DataFrame:
    """Customers per segment of a labelled table, noise last, unassigned rows left out."""
    assigned = labelled.dropna(subset=[CLUSTER_COLUMN])
    counts = (
        assigned.groupby([CLUSTER_COLUMN, PERSONA_COLUMN]).size().rename("customers").reset_index()
    )
    counts["share"] = (counts["customers"] / len(labelled)).map("{:.1%}".format)
    counts["order"] = counts[CLUSTER_COLUMN].where(
        counts[CLUSTER_COLUMN] != NOISE, counts[CLUSTER_COLUMN].max() + 1
    )
    return counts.sort_values("order").drop(columns="order")


def describe_labelled(labelled: pd.DataFrame) -> list[str]:
    lines = [aligned(persona_counts(labelled), left=(PERSONA_COLUMN,))]
    unassigned = int(labelled[CLUSTER_COLUMN].isna().sum())
    if unassigned:
        lines.append(
            f"{unassigned:,} customers left out: a feature value is missing (empty Cluster)."
        )
    return lines


# segment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentResult:
    segmentation: Segmentation
    model: SegmentModel
    labelled: pd.DataFrame

    def report(self) -> dict:
        """The JSON report; without the fit time, so equal runs write equal files."""
        record = self.segmentation.summary()
        del record["fit_seconds"]
        record["personas"] = {str(c): name for c, name in self.model.cluster_names.items()}
        return record


def segment_table(table: pd.DataFrame, spec: SegmentationSpec) -> SegmentResult:
    """What ``segmenta segment`` computes, file I/O aside: fit, scores, profiles, labels."""
    segmentation = run_segmentation(table, spec)
    model = SegmentModel.from_segmentation(segmentation)
    labelled = label_table(table, segmentation.table_labels(), model.cluster_names)
    return SegmentResult(segmentation, model, labelled)


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
    parser.add_argument(
        "--report", metavar="REPORT.json", help="write parameters, metrics, profiles"
    )
    parser.add_argument(
        "--model", metavar="MODEL.joblib", help="save the fitted model for `segmenta assign`"
    )


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


@command("segment", "cluster the customers and write each one's segment", add_segment_arguments)
def run_segment(args: argparse.Namespace) -> int:
    out = check_output(args.out, TABLE_WRITERS, args.input)
    report = args.report and check_output(args.report, (".json",), args.input)
    model_path = args.model and check_output(args.model, (), args.input)
    features, encoded = feature_choice(args)
    spec = SegmentationSpec(
        tuple(features), args.algorithm, method_params(args), args.scale, encoded, args.seed
    )
    result = segment_table(load_table(args.input), spec)
    write_table(result.labelled, out)
    if report:
        write_json({"input": args.input, "output": str(out), **result.report()}, report)
    if model_path:
        with writing(model_path):
            save_model(result.model, model_path)
    print("\n".join(describe_segmentation(result)))
    print("Wrote " + ", ".join(str(path) for path in (out, report, model_path) if path))
    return 0


def describe_segmentation(result: SegmentResult) -> list[str]:
    segmentation = result.segmentation
    scores = segmentation.scores
    params = segmentation.spec.method_params().items()
    params = ", ".join(f"{name}={value}" for name, value in params if value is not None)
    lines = [
        f"{segmentation.model.label} ({params}) on {len(segmentation.labels):,} customers, "
        f"{segmentation.spec.scaling} scaling: {scores.n_clusters} segments"
        + (f", {scores.n_noise:,} noise" if scores.n_noise else "")
    ]
    if scores.silhouette is not None:
        lines.append(
            f"silhouette {scores.silhouette:.3f} · Calinski-Harabasz "
            f"{scores.calinski_harabasz:.1f} · Davies-Bouldin {scores.davies_bouldin:.3f}"
        )
    lines += [f"note: {note}" for note in (segmentation.model.note_, scores.note) if note]
    return lines + describe_labelled(result.labelled)


# diagnose ------------------------------------------------------------------------------------

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
            "recommended_k": recommendation.k if recommendation else None,
            "reason": recommendation.reason if recommendation else None,
            "votes": recommendation.votes if recommendation else {},
            "dbscan": {"min_samples": self.min_samples, "suggested_eps": self.eps},
        }


def diagnose_table(
    table: pd.DataFrame,
    preprocessor: FeaturePreprocessor,
    k_range: tuple[int, int] = (2, 10),
    seed: int = 0,
    min_samples: int = 5,
    progress=None,
) -> Diagnosis:
    """What ``segmenta diagnose`` computes: the K-Means sweep over ``k_range`` with its
    recommendation, and the eps the k-distance curve suggests for DBSCAN."""
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
    eps = suggest_eps(k_distances(prepared.matrix, min_samples, seed))
    return Diagnosis(prepared, sweep, recommend_k(sweep), min_samples, eps)


def add_diagnose_arguments(parser: argparse.ArgumentParser) -> None:
    add_feature_arguments(parser)
    parser.add_argument("--k-min", type=whole_number(1), default=2, help="smallest k (default: 2)")
    parser.add_argument("--k-max", type=whole_number(1), default=10, help="largest k (default: 10)")
    min_samples = next(p for p in METHODS["dbscan"].params if p.name == "min_samples")
    parser.add_argument(
        "--min-samples", type=whole_number(1), default=min_samples.default,
        help=f"DBSCAN min_samples for the suggested eps (default: {min_samples.default})",
    )  # fmt: skip
    parser.add_argument("--json", metavar="OUT.json", help="write every figure to a JSON file")


@command("diagnose", "score k = 2..10 for K-Means, recommend k, suggest DBSCAN's eps",
         add_diagnose_arguments)  # fmt: skip
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
        + (diagnosis.recommendation.reason if diagnosis.recommendation else "no k can be scored"),
    ]
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
    return lines


# assign, columns -----------------------------------------------------------------------------


def add_assign_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model", metavar="MODEL.joblib",
        help="a model saved by `segmenta segment --model` (a pickle: load only your own files)",
    )  # fmt: skip
    parser.add_argument("input", help="customers to assign: .csv, .txt, .tsv, .xlsx or .parquet")
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="output: .csv, .xlsx or .parquet"
    )


@command("assign", "put new customers into the segments of a saved model", add_assign_arguments)
def run_assign(args: argparse.Namespace) -> int:
    out = check_output(args.out, TABLE_WRITERS, args.input)
    model = load_model(args.model)
    labelled = model.assign(load_table(args.input))
    write_table(labelled, out)
    print(f"{model.method.label} segments of {args.model} ({', '.join(model.features)}):")
    print("\n".join(describe_labelled(labelled)))
    print(f"Wrote {out}")
    return 0


def describe_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Each column's type, gaps and whether it can be a feature or be encoded, and why not."""
    numeric = set(numeric_feature_candidates(table))
    encodable = set(categorical_candidates(table))
    rows = []
    for column in table.columns:
        values = table[column]
        distinct = values.nunique(dropna=True)
        if column in numeric:
            unique_ids = pd.api.types.is_integer_dtype(values) and distinct == len(values)
            use = "feature? every value differs: an identifier?" if unique_ids else "feature"
        elif column in encodable:
            use = f"--encode ({distinct} categories)"
        else:
            use = f"no: {why_not_usable(values)}"
        rows.append(
            {"column": column, "type": str(values.dtype), "missing": int(values.isna().sum()),
             "distinct": distinct, "use": use}
        )  # fmt: skip
    return pd.DataFrame(rows)


def why_not_usable(values: pd.Series) -> str:
    if values.nunique(dropna=True) <= 1:
        return "one value only"
    if pd.api.types.is_bool_dtype(values):
        return "true/false"
    present = values.dropna()
    not_numbers = pd.to_numeric(present, errors="coerce").isna()
    if not not_numbers.any():
        return "numbers written with leading zeros: an identifier?"
    if present.nunique() == len(present):
        return "text, every value differs: an identifier?"
    if not_numbers.mean() <= 0.1:
        first = present[not_numbers].iloc[0]
        return f"{int(not_numbers.sum())} values are not numbers (e.g. {first!r}): clean them"
    return f"text with {values.nunique(dropna=True)} distinct values"


def add_columns_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="customer table: .csv, .txt, .tsv, .xlsx or .parquet")


@command("columns", "list the columns and which can serve as features", add_columns_arguments)
def run_columns(args: argparse.Namespace) -> int:
    table = load_table(args.input)
    print(f"{args.input}: {len(table):,} rows, {table.shape[1]} columns\n")
    print(aligned(describe_columns(table), left=("column", "type", "use")))
    return 0


# entry point ---------------------------------------------------------------------------------


def build_parser() -> Parser:
    parser = Parser(
        prog="segmenta",
        description="Customer segmentation from the command line: K-Means, DBSCAN and "
        "hierarchical clustering, diagnostics, and assignment of new customers.",
        epilog="example: segmenta segment data/mall_customers.csv --features "
        "'Annual Income (k$)' 'Spending Score (1-100)' --algorithm kmeans --k 5 --out out.csv",
    )
    parser.add_argument("--version", action="version", version=f"segmenta {package_version()}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of a crash")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for registered in COMMANDS.values():
        sub = commands.add_parser(
            registered.name, help=registered.help, description=registered.help
        )
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help=argparse.SUPPRESS)  # fmt: skip
        registered.add_arguments(sub)
    return parser


def package_version() -> str:
    try:
        return metadata.version("segmenta")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        return report_error(str(error))
    except SystemExit as exit:  # --help and --version print and exit 0
        return int(exit.code or 0)
    if args.command is None:
        return report_error(f"choose a command: {', '.join(COMMANDS)} (see `segmenta --help`)")
    try:
        limit_compute_threads()
        return COMMANDS[args.command].run(args)
    except SegmentaError as error:
        return report_error(str(error))
    except OSError as error:
        return report_error(f"{error.filename}: {error.strerror}" if error.filename else str(error))
    except KeyboardInterrupt:
        print("segmenta: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line, the traceback on request
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug else " (rerun with --debug for the traceback)"
        print(f"segmenta: unexpected error: {type(error).__name__}: {one_line(error)}{hint}",
              file=sys.stderr)  # fmt: skip
        return 1


def report_error(message: str) -> int:
    print(f"segmenta: error: {one_line(message)}", file=sys.stderr)
    return 2


def one_line(message: object) -> str:
    return " ".join(str(message).splitlines())


if __name__ == "__main__":
    sys.exit(main())
