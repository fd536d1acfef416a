"""One JSON line per request (method, path, status, duration, user, worker pid), so logs of
several gunicorn workers can be searched and aggregated; the worker's pid also goes out in an
``X-Segmenta-Worker`` header, to tell which worker served a request."""

import json
import logging
import os
import time

from flask import Flask, g, request

from dashboard.shell.access import current_user

log = logging.getLogger("segmenta.requests")


def register_request_log(server: Flask, config) -> None:
    @server.before_request
    def start_timer():
        g.segmenta_started = time.perf_counter()

    @server.after_request
    def log_request(response):
        started = g.get("segmenta_started")
        record = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user": current_user(config),
            "pid": os.getpid(),
        }
        log.info(json.dumps(record))
        response.headers["X-Segmenta-Worker"] = str(os.getpid())
        return response
