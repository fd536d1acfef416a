"""Every benchmark module imports: ``make bench`` is not part of ``make test``, so a module
broken by a move elsewhere (a helper that went to ``devtools``) would otherwise only show as a
"Not measured" section the next time someone measures."""

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    "module", sorted(path.stem for path in BENCHMARKS.glob("*.py") if path.stem != "__main__")
)
def test_benchmark_module_imports(module):
    imported = importlib.import_module(f"benchmarks.{module}")
    assert imported.__name__ == f"benchmarks.{module}"
    if module not in {"__init__", "harness", "minimal_compare_page"}:
        assert callable(getattr(imported, "run", None)), f"benchmarks.{module} has no run()"
