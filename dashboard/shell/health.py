"""``/healthz`` and the outage banner: is the database reachable, is the cache?

A stopped Redis or PostgreSQL must not take the app down: results are computed without the
cache, and persona saving reports the outage until the database is back. ``/healthz`` returns
JSON and 503 when a dependency is down, for the load balancer and the operator. It is open to
anyone, so it names the failing part only; the reason (with hosts and ports) goes to the log.
"""

import logging

from flask import Flask, jsonify

from dashboard.storage.migrations import SchemaOutdated, check_database, prepare_schema

LOG = logging.getLogger("segmenta.health")
UNAVAILABLE = "unavailable: see the server log"


def health_report(services) -> dict[str, str]:
    """{"database": "ok" | reason, "cache": "ok" | reason}."""
    report = {}
    try:
        _check_or_create_schema(services.engine)
        report["database"] = "ok"
    except Exception as error:  # noqa: BLE001  (any failure is reported, not raised)
        report["database"] = _first_line(error)
    try:
        services.results.check()
        report["cache"] = "ok"
    except Exception as error:  # noqa: BLE001
        report["cache"] = _first_line(error)
    return report


def outage_message(report: dict[str, str]) -> str | None:
    problems = []
    if report.get("database") != "ok":
        problems.append(
            "the persona database is unreachable: saved personas cannot be "
            "opened or saved until it is back (nothing saved is lost)"
        )
    if report.get("cache") != "ok":
        problems.append(
            "the shared result cache is unreachable: results are computed "
            "without it and may take longer"
        )
    return "; ".join(problems).capitalize() + "." if problems else None


def register_health(server: Flask, services) -> None:
    @server.get("/healthz")
    def healthz():
        report = health_report(services)
        for part, reason in report.items():
            if reason != "ok":
                LOG.warning("health check: the %s is failing: %s", part, reason)
        public = {part: "ok" if reason == "ok" else UNAVAILABLE for part, reason in report.items()}
        healthy = all(value == "ok" for value in public.values())
        body = {"status": "ok" if healthy else "degraded", **public}
        return jsonify(body), 200 if healthy else 503


def _check_or_create_schema(engine) -> None:
    """Tables missing after a database outage at start-up are created once it is back; an
    outdated schema is reported as it is (only ``segmenta db upgrade`` changes it)."""
    try:
        check_database(engine)
    except SchemaOutdated:
        raise
    except Exception:  # noqa: BLE001
        prepare_schema(engine)
        check_database(engine)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
