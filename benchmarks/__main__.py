"""Run the benchmarks: ``python -m benchmarks`` (``make bench``) writes ``benchmarks/results.md``.

``--quick`` leaves out the million-row tables and ``--only MODULE`` runs one module; both print
their sections without overwriting the committed results unless ``--out`` says where to write.
"""

import argparse
import importlib
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

from algorithms.threads import limit_compute_threads
from benchmarks.harness import Options, Section, machine_description

MODULES = [
    "benchmarks.segment_paths",
    "benchmarks.cli_vs_script",
    "benchmarks.diagnose_path",
    "benchmarks.thread_effect",
    "benchmarks.silhouette_sampling",
    "benchmarks.compare_callback",
    "benchmarks.compare_panel_server",
    "benchmarks.compare_browser",
    "benchmarks.svg_or_webgl",
    "benchmarks.worker_memory",
    "benchmarks.load",
]
RESULTS = Path(__file__).resolve().parent / "results.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="leave out the 1M-row tables")
    parser.add_argument("--only", choices=[m.rsplit(".", 1)[1] for m in MODULES], nargs="+")
    parser.add_argument("--out", type=Path, help=f"where to write (default: {RESULTS.name})")
    args = parser.parse_args(argv)
    partial = args.quick or args.only
    out = args.out or (None if partial else RESULTS)
    limit_compute_threads()
    options = Options(quick=args.quick)
    started = time.perf_counter()
    sections = []
    for name in MODULES:
        if args.only and name.rsplit(".", 1)[1] not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        section = run_module(name, options)
        print(f"## {section.title}\n\n{section.body}\n", flush=True)
        sections.append(section)
    load = os.getloadavg()[0]
    report = results_markdown(sections, time.perf_counter() - started, options, load)
    if out:
        out.write_text(report)
        print(f"wrote {out}", file=sys.stderr)
    return 1 if any(section.failed for section in sections) else 0


def run_module(name: str, options: Options) -> Section:
    """The module's section; a module that fails is reported in its place, the others still run."""
    try:
        return importlib.import_module(name).run(options)
    except Exception as error:  # one broken benchmark must not lose the others' figures
        traceback.print_exc()
        body = f"Not measured: the benchmark failed ({type(error).__name__}: {error})."
        return Section(name, body, failed=True)


def results_markdown(sections, elapsed: float, options: Options, load: float) -> str:
    parts = [
        "# Benchmarks",
        f"Run on {date.today().isoformat()} with `python -m benchmarks"
        + (" --quick" if options.quick else "")
        + f"` in {elapsed / 60:.1f} min (1-minute load average at the end: {load:.1f}).  \n"
        f"Machine: {machine_description()}.  \n"
        "One compute thread per process (`SEGMENTA_THREADS=1`) except where a row says otherwise; "
        "the machine is shared, so read the figures as orders of magnitude and ratios.",
    ]
    for section in sections:
        parts += [f"## {section.title}", section.body]
    findings = [finding for section in sections for finding in section.findings]
    if findings:
        parts += ["## What follows for the app", "\n".join(f"- {f}" for f in findings)]
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.exit(main())
