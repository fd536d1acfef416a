"""The module import graph of ``dashboard/`` and ``algorithms/`` has no cycles, and the pages
are imported by the app alone: the shell and the view (``dashboard.view``) are handed the pages,
they do not import them. Every import counts, those inside functions too (a cycle closed inside
a function still ties the modules together)."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "algorithms")


def module_files(root: Path, packages=PACKAGES) -> dict[str, tuple[Path, bool]]:
    """Every module of ``packages`` under ``root``: its dotted name → (file, is a package)."""
    modules = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def imported_names(tree: ast.AST, package: str) -> list[str]:
    """The dotted names every import statement of a module reaches (``from a import b`` gives
    ``a.b``, which is ``a``'s when ``b`` is no module), relative imports resolved against
    ``package``. Like ``import a.b``, they do not count the parent packages Python runs first."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def import_graph(root: Path, packages=PACKAGES) -> dict[str, set[str]]:
    """Module → the modules of ``packages`` it imports."""
    modules = module_files(root, packages)

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for module, (path, is_package) in modules.items():
        package = module if is_package else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = {owner(name) for name in imported_names(tree, package)}
        graph[module] = {target for target in targets if target and target != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as the modules along it (first repeated last), or None."""
    done, path, on_path = set(), [], set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph.get(module, ())):
            if target in on_path:
                return path[path.index(target) :] + [target]
            if target not in done:
                cycle = visit(target)
                if cycle:
                    return cycle
        on_path.discard(path.pop())
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(REPO)


def test_dashboard_and_algorithms_import_without_cycles(graph):
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_only_the_app_imports_the_pages(graph):
    importers = {
        module
        for module, targets in graph.items()
        if not module.startswith("dashboard.pages")
        and any(target.startswith("dashboard.pages") for target in targets)
    }
    assert importers == {"dashboard.app"}
    view_modules = [module for module in graph if module.startswith("dashboard.view")]
    assert "dashboard.view.address_bar" in view_modules
    assert "dashboard.shell.layout" in graph


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    """The checks above would pass vacuously if the graph missed an import kind."""
    package = tmp_path / "dashboard"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "shell.py").write_text("def build():\n    from dashboard.sub import page\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "page.py").write_text("from .. import shell\nimport dashboard.other\n")
    (package / "other.py").write_text("")
    graph = import_graph(tmp_path, ("dashboard",))
    assert graph["dashboard.shell"] == {"dashboard.sub.page"}
    assert graph["dashboard.sub.page"] == {"dashboard.shell", "dashboard.other"}
    assert find_cycle(graph) == ["dashboard.shell", "dashboard.sub.page", "dashboard.shell"]
    (package / "shell.py").write_text("")
    assert find_cycle(import_graph(tmp_path, ("dashboard",))) is None
