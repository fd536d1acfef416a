"""``segmenta assign``: next month's customers into the segments of a model saved by
``segmenta segment --model``."""

import argparse

from algorithms.loading import load_table
from algorithms.model_io import load_model
from dashboard.cli.common import (
    TABLE_WRITERS,
    add_raw_csv_argument,
    check_output,
    check_raw_csv,
    describe_labelled,
    model_key,
    write_table,
)
from dashboard.cli.registry import Command


def add_assign_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model", metavar="MODEL.joblib",
        help="a model saved by `segmenta segment --model` or the app: its signature is checked "
        "with the model key ($SEGMENTA_MODEL_KEY, else model_key in the instance folder) "
        "before anything in it is loaded",
    )  # fmt: skip
    parser.add_argument("input", help="customers to assign: .csv, .txt, .tsv, .xlsx or .parquet")
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="output: .csv, .xlsx or .parquet"
    )
    add_raw_csv_argument(parser)


def run_assign(args: argparse.Namespace) -> int:
    out = check_output(args.out, TABLE_WRITERS, args.input)
    check_raw_csv(args.raw_csv, out)
    model = load_model(args.model, model_key())
    labelled = model.assign(load_table(args.input))
    write_table(labelled, out, args.raw_csv)
    print(f"{model.method.label} segments of {args.model} ({', '.join(model.features)}):")
    print("\n".join(describe_labelled(labelled)))
    print(f"Wrote {out}")
    return 0


ASSIGN = Command(
    "assign",
    "put new customers into the segments of a saved model",
    add_assign_arguments,
    run_assign,
)
