"""Every first-party import of ``benchmarks/`` resolves: ``make bench`` is not part of
``make test``, so a benchmark broken by a move elsewhere (a helper that went to ``devtools``)
would otherwise only show as a "Not measured" section the next time someone measures. Read from
the source, not imported: tests never import ``benchmarks/`` (tests/README.md)."""

import ast
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIRST_PARTY = ("algorithms", "dashboard", "devtools", "benchmarks")


def first_party_imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name imported from it or None) for each first-party import of a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [(node.module, alias.name) for alias in node.names]
    return [(module, name) for module, name in found if module.split(".")[0] in FIRST_PARTY]


def defines(module: str, name: str) -> bool:
    """Whether ``module`` (a first-party source file) has ``name`` at its top level, or has
    a submodule of that name."""
    if _is_package(module) and importlib.util.find_spec(f"{module}.{name}") is not None:
        return True
    tree = ast.parse(Path(importlib.util.find_spec(module).origin).read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found = node.name == name
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found = any(isinstance(t, ast.Name) and t.id == name for t in targets)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found = any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names)
        else:
            found = False
        if found:
            return True
    return False


def _is_package(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    return spec is not None and spec.submodule_search_locations is not None


@pytest.mark.parametrize("path", sorted((REPO / "benchmarks").glob("*.py")), ids=lambda p: p.stem)
def test_every_first_party_import_of_a_benchmark_resolves(path):
    for module, name in first_party_imports(path):
        assert importlib.util.find_spec(module) is not None, f"{path.name}: no module {module}"
        if name is not None:
            assert defines(module, name), f"{path.name}: {module} has no {name}"


def test_a_broken_import_is_found(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("from devtools.synthetic import no_such_thing\nimport benchmarks.gone\n")
    imports = first_party_imports(broken)
    assert ("devtools.synthetic", "no_such_thing") in imports
    assert not defines("devtools.synthetic", "no_such_thing")
    assert importlib.util.find_spec("benchmarks.gone") is None
