"""What every benchmark module shares: options, a timer, markdown tables, the machine's facts.

A module exposes ``TITLE`` and ``run(options) -> Section``. Figures are wall-clock seconds of
one process limited to one compute thread (as the CLI and the app run), the median of
``repeats`` runs where a run is short enough to repeat.
"""

import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

SIZES = (200, 100_000, 1_000_000)
LIBRARIES = ("numpy", "scipy", "scikit-learn", "pandas", "fastcluster", "dbscan", "threadpoolctl")


@dataclass(frozen=True)
class Options:
    quick: bool = False
    seed: int = 0

    @property
    def sizes(self) -> tuple[int, ...]:
        """Table sizes to measure; ``--quick`` leaves out the million-row tables."""
        return tuple(n for n in SIZES if not (self.quick and n >= 1_000_000))


@dataclass
class Section:
    """One module's part of ``results.md``: its title, markdown body and what follows from it."""

    title: str
    body: str
    findings: list[str] = field(default_factory=list)
    failed: bool = False


def timed(function: Callable[..., Any], *args, repeats: int = 1) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls of ``function(*args)``, with that run's result
    (so figures a result carries, like its fit time, belong to the time shown)."""
    runs = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = function(*args)
        runs.append((time.perf_counter() - started, result))
    runs.sort(key=lambda run: run[0])
    return runs[(len(runs) - 1) // 2]


def repeats_for(n_rows: int) -> int:
    return 5 if n_rows <= 10_000 else 1


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def ratio(ours: float | None, direct: float | None) -> str:
    return "–" if not ours or not direct else f"{ours / direct:.2f}"


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_description() -> str:
    """nproc, CPU, memory, Python and the versions of the libraries that do the work."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    memory = next((line.split()[1] for line in _read("/proc/meminfo") if "MemTotal" in line), None)
    versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    return (
        f"{len(os.sched_getaffinity(0))} cores (nproc) of {cpu}"
        + (f", {int(memory) / 1024**2:.0f} GiB RAM" if memory else "")
        + f"; Python {platform.python_version()}; {versions}"
    )


def _read(path: str) -> list[str]:
    try:
        with open(path) as file:
            return file.readlines()
    except OSError:
        return []


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def segmenta_command() -> list[str]:
    """The installed ``segmenta`` script next to this Python, else the module it runs."""
    script = Path(sys.executable).with_name("segmenta")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dashboard.cli"]


def time_subprocess(args: list[str]) -> float:
    """Wall time of one real ``segmenta`` run: start-up, imports and file I/O included."""
    started = time.perf_counter()
    subprocess.run([*segmenta_command(), *args], check=True, capture_output=True)
    return time.perf_counter() - started
