"""The app as a deployment runs it: gunicorn, the single-process server, a Celery worker and a
private Redis, each in its own process group so a test (or the load benchmark) can stop it
with everything it forked, whatever state it is in.

Shared by the deployment tests and ``benchmarks/load.py``, so both measure and check the very
command lines of ``make serve``, ``make run`` and ``make worker``.
"""

import os
import random
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = REPO_ROOT / ".venv" / "bin"

# Settings a test must set itself: inherited from the caller's shell they would point the
# server at someone else's database or cache.
APP_SETTINGS = (
    "DATABASE_URL",
    "CACHE_REDIS_URL",
    "CELERY_BROKER_URL",
    "SEGMENTA_INSTANCE",
    "SEGMENTA_BIND",
    "SEGMENTA_USERS",
    "SEGMENTA_USERS_FILE",
    "SEGMENTA_USER_HEADER",
    "SEGMENTA_TRUSTED_PROXIES",
    "SECRET_KEY",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "HOST",
    "PORT",
    "SEGMENTA_DEBUG",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(**settings) -> dict[str, str]:
    """The current environment without any app setting, plus ``settings``."""
    env = {name: value for name, value in os.environ.items() if name not in APP_SETTINGS}
    env.update({name: str(value) for name, value in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Process:
    """A subprocess started in a new session (its own process group), logging to a file."""

    name: str
    popen: subprocess.Popen
    log_path: Path

    @classmethod
    def start(cls, name: str, command: list[str], env: dict, log_path: Path) -> "Process":
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(name, popen, log_path)

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self, grace_seconds: float = 20) -> None:
        """SIGTERM to the whole group (gunicorn's workers, Celery's pool), SIGKILL if it lingers."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=grace_seconds)
                _wait_group_gone(self.popen.pid, grace_seconds)
                break
            except subprocess.TimeoutExpired:
                continue
        self.popen.wait()

    def wait_for_log(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log())
            if match:
                return match
            if not self.running:
                break
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.name} did not log {pattern!r} within {timeout:.0f} s "
            f"(running: {self.running}):\n{self.log_tail()}"
        )


def _wait_group_gone(pgid: int, timeout: float) -> None:
    """The leader has exited; wait until no process of its group is left (or time out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise subprocess.TimeoutExpired(f"process group {pgid}", timeout)


class AppServer:
    """A running Segmenta web server and its base URL."""

    def __init__(self, process: Process, port: int):
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    @classmethod
    def gunicorn(cls, env: dict, workers: int, log_path: Path) -> "AppServer":
        """``make serve``: gunicorn with ``gunicorn.conf.py`` on a free loopback port."""
        port = free_port()
        env = env | {"SEGMENTA_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:server"]
        return cls(Process.start("gunicorn", command, env, log_path), port)

    @classmethod
    def single_process(cls, env: dict, log_path: Path) -> "AppServer":
        """``make run``: ``python -m dashboard``, Flask's threaded development server."""
        port = free_port()
        env = env | {"HOST": "127.0.0.1", "PORT": str(port)}
        command = [str(VENV_BIN / "python"), "-m", "dashboard"]
        return cls(Process.start("python -m dashboard", command, env, log_path), port)

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET on a fresh connection, so gunicorn may hand it to any worker."""
        return requests.get(self.url + path, **_fresh(kwargs))

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, **_fresh(kwargs))

    def wait_ready(self, workers: int = 1, timeout: float = 180) -> set[str]:
        """Wait until ``/healthz`` answers (any status) from ``workers`` distinct workers.

        Each worker loads the app only after forking, so the first answer may come while the
        others are still importing; waiting for all of them lets a test rely on the pool.
        Returns the worker pids seen.
        """
        deadline = time.monotonic() + timeout
        pids: set[str] = set()
        while time.monotonic() < deadline:
            if not self.process.running:
                raise RuntimeError(f"{self.process.name} exited:\n{self.process.log_tail()}")
            try:
                # the socket accepts before any worker has loaded the app: the wait is here
                response = self.get("/healthz", timeout=max(1.0, deadline - time.monotonic()))
            except requests.RequestException:
                time.sleep(0.5)
                continue
            pids.add(response.headers.get("X-Segmenta-Worker", "?"))
            if len(pids) >= workers:
                return pids
            time.sleep(0.05)
        raise RuntimeError(
            f"{self.process.name} answered from {len(pids)} of {workers} workers within "
            f"{timeout:.0f} s:\n{self.process.log_tail()}"
        )

    def stop(self) -> None:
        self.process.stop()


def until_served_by(
    attempt: Callable[[], str | set[str]],
    enough: Callable[[set[str]], bool],
    timeout: float = 120,
) -> set[str]:
    """Repeat ``attempt`` (a checked request or exchange; returns the pid or pids of the
    workers that served it) until the workers seen are ``enough``; returns them.

    Which worker accepts a fresh connection is the kernel's choice: an idle worker can win
    twenty accepts in a row on a busy machine, so a fixed number of tries is a coin toss.
    Trying until a deadline, with a little jitter, keeps the check exact and the test stable.
    """
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        served = attempt()
        seen |= {served} if isinstance(served, str) else served
        if enough(seen):
            return seen
        time.sleep(random.uniform(0, 0.05))
    raise AssertionError(f"within {timeout:.0f} s every request was served by workers {seen}")


def _fresh(kwargs: dict) -> dict:
    """requests' keyword arguments for one request on a new connection, with a timeout."""
    headers = {"Connection": "close", **kwargs.get("headers", {})}
    return {"timeout": 60, **kwargs, "headers": headers}


def start_celery_worker(env: dict, log_path: Path) -> Process:
    """``make worker`` with one solo process, logging every task it receives and finishes."""
    command = [
        str(VENV_BIN / "celery"),
        "-A",
        "dashboard.worker:celery_app",
        "worker",
        "--concurrency",
        "1",
        "-P",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    worker = Process.start("celery worker", command, env, log_path)
    worker.wait_for_log(r"celery@\S+ ready", timeout=180)
    return worker


def start_private_redis(log_path: Path) -> tuple[Process, str]:
    """A throw-away Redis (no persistence) that a test may kill; returns it and its URL."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no"]
    redis_server = Process.start("redis-server", command, os.environ.copy(), log_path)
    redis_server.wait_for_log(r"Ready to accept connections", timeout=30)
    return redis_server, f"redis://127.0.0.1:{port}/0"
