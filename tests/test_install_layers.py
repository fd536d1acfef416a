"""The layers install apart: the computation layer needs only the base dependencies, the app
runs without the ``server`` extra, every package the code imports is declared in the extra of
its layer, and the lock files agree with ``pyproject.toml`` and with each other."""

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"algorithms", "dashboard", "tests", "benchmarks", "devtools"}
WEB_AND_SERVER = ("dash", "flask", "plotly", "sqlalchemy", "alembic", "diskcache", "celery",
                  "gunicorn", "redis", "psycopg")  # fmt: skip
SERVER_ONLY = ("celery", "gunicorn", "redis", "psycopg", "kombu")
# the extras each part of the code may import from (besides the base dependencies)
LAYERS = {
    "algorithms": (),
    "dashboard": ("app", "server"),
    "tests": ("app", "server", "test", "dev"),
    "benchmarks": ("app", "server", "test", "dev"),
    "devtools": ("app", "server", "test", "dev"),
}
# the lock file of each install, and the extras it holds
LOCKS = {"app.txt": ("app",), "server.txt": ("app", "server"), "test.txt": tuple(LAYERS["tests"])}
PINNED = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)")


def python(*parts: str) -> subprocess.CompletedProcess:
    """Run the code ``parts`` in a new interpreter on this checkout (nothing imported yet)."""
    code = "\n".join(textwrap.dedent(part) for part in parts)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def declared(*extras: str) -> dict[str, Requirement]:
    """The base requirements and those of ``extras``, by canonical distribution name."""
    texts = PROJECT["dependencies"] + [
        text for extra in extras for text in PROJECT["optional-dependencies"][extra]
    ]
    return {canonicalize_name(Requirement(text).name): Requirement(text) for text in texts}


def imported_top_level_modules(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def locked(name: str) -> dict[str, str]:
    """``{package: version}`` of a lock file; each pin must carry its hashes."""
    text = (REPO / "requirements" / name).read_text()
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PINNED.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match[1]} has no hash"
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_the_computation_layer_imports_no_web_or_server_package():
    result = python(f"""
        import importlib, pkgutil, sys
        import algorithms
        for module in pkgutil.walk_packages(algorithms.__path__, "algorithms."):
            importlib.import_module(module.name)
        print(sorted({{name.split(".")[0] for name in sys.modules}} & set({WEB_AND_SERVER!r})))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


BLOCK_SERVER_EXTRA = f"""
    import sys
    class NotInstalled:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {SERVER_ONLY!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
    sys.meta_path.insert(0, NotInstalled())
"""


def test_the_app_runs_without_the_server_extra(tmp_path):
    result = python(
        BLOCK_SERVER_EXTRA,
        f"""
        from pathlib import Path
        from dashboard.app import create_app
        from dashboard.config import Config
        client = create_app(Config(instance_path=Path({str(tmp_path)!r}))).server.test_client()
        print(client.get("/healthz").status_code, client.get("/compare").status_code)
    """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200"]


def test_a_broker_without_celery_installed_is_a_clear_error(tmp_path):
    result = python(
        BLOCK_SERVER_EXTRA,
        f"""
        from pathlib import Path
        from dashboard.app import create_app
        from dashboard.config import Config
        config = Config(instance_path=Path({str(tmp_path)!r}), celery_broker_url="redis://127.0.0.1/0")
        try:
            create_app(config)
        except Exception as error:
            print(type(error).__name__, error)
    """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SegmentaError CELERY_BROKER_URL is set but Celery")
    assert "requirements/server.txt" in result.stdout


@pytest.mark.parametrize(
    ("layer", "foreign"),
    [("tests", "benchmarks"), ("benchmarks", "tests"), ("devtools", "tests"),
     ("devtools", "benchmarks"), ("dashboard", "devtools"), ("algorithms", "devtools")],
)  # fmt: skip
def test_tests_and_benchmarks_do_not_import_each_other(layer, foreign):
    """What both need lives in ``devtools/``, which imports neither; the app imports none."""
    assert foreign not in imported_top_level_modules(REPO / layer)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_every_imported_package_is_declared_in_its_layer(layer):
    allowed = declared(*LAYERS[layer])
    providers = metadata.packages_distributions()
    third_party = imported_top_level_modules(REPO / layer) - FIRST_PARTY - sys.stdlib_module_names
    undeclared = {
        module: providers.get(module)
        for module in third_party
        if not any(canonicalize_name(dist) in allowed for dist in providers.get(module, []))
    }
    assert undeclared == {}, f"{layer}/ imports packages its extras do not declare"


def test_the_lock_files_pin_every_declared_package_within_its_range():
    for name, extras in LOCKS.items():
        pins = locked(name)
        for package, requirement in declared(*extras).items():
            assert package in pins, f"{name} does not lock {package}"
            assert requirement.specifier.contains(pins[package], prereleases=True), (
                f"{name} locks {package}=={pins[package]}, outside {requirement.specifier}"
            )


def test_the_lock_files_agree_on_every_version():
    app, server, test = (locked(name) for name in LOCKS)
    assert app.items() <= server.items() <= test.items()
    assert "gunicorn" not in app and "pytest" not in server


def test_the_app_lock_leaves_out_the_server_and_test_tools():
    assert not {"celery", "gunicorn", "redis", "psycopg", "pytest", "ruff", "selenium"} & set(
        locked("app.txt")
    )


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
@pytest.mark.parametrize(
    ("target", "lock"), [("run", "app.txt"), ("serve", "server.txt"), ("test", "test.txt")]
)
def test_make_reinstalls_when_its_lock_file_changes(tmp_path, target, lock):
    """``make -n`` on a copy whose .venv is installed: nothing to install until the lock file
    is newer than the install stamp."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "requirements", tmp_path / "requirements")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    for stamp in ("app", "server", "test"):
        (tmp_path / ".venv" / f".installed-{stamp}").touch()

    def planned() -> str:
        command = ["make", "-n", target]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True).stdout

    assert "--require-hashes" not in planned()
    os.utime(tmp_path / "requirements" / lock, (2**31, 2**31))  # newer than any stamp
    plan = planned()
    assert "--require-hashes" in plan and f"-r requirements/{lock}" in plan
    assert "--no-deps -e ." in plan
