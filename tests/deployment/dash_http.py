"""Dash callbacks over plain HTTP, as the browser's renderer sends them.

Payloads are built from the ``callback_map`` of an app created in the test process from the
same code the server runs, so a test names a callback by one of its outputs and gives only the
input values it cares about. Background callbacks follow the renderer's protocol: the first
POST starts the job and returns signed ``cacheKey``/``job`` handles bound to the page load's
``end_id`` (from the page's ``_dash-config``), then the client polls with them until the
response arrives.
"""

import base64
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from devtools.dash_http import UPDATE, callback_key, payload
from devtools.servers import AppServer

_CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


def response_outputs(body: dict) -> dict[str, Any]:
    """{"component.property": value} from a callback response."""
    return {
        f"{component}.{prop}": value
        for component, props in body["response"].items()
        for prop, value in props.items()
    }


def call(server: AppServer, app, output: str, values: dict[str, Any], **kwargs):
    """POST one (non-background) callback; returns the raw response."""
    key = callback_key(app, output)
    assert key is not None, f"no callback writes {output}"
    return server.post(UPDATE, json=payload(app, key, values), **kwargs)


def figure_array(value) -> np.ndarray:
    """A figure's data array as sent to the browser: a list, or plotly's typed-array form
    ``{"dtype": "f8", "bdata": <base64>, "shape": ...}``."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return array.reshape([int(n) for n in str(shape).split(",")]) if shape else array
    return np.asarray(value)


@dataclass
class BackgroundRun:
    """What a background callback run looked like from the client side: the job (a Celery
    task id, or a process id with the DiskcacheManager), its outputs, the workers polled."""

    job: str
    outputs: dict[str, Any]
    polls: int
    workers: set[str] = field(default_factory=set)
    progress: list[dict] = field(default_factory=list)


def end_id(server: AppServer, page: str, **kwargs) -> str:
    """The signed page-load token the renderer echoes as ``?endId=`` on every callback."""
    html = server.get(page, **kwargs).text
    return json.loads(_CONFIG.search(html).group(1))["end_id"]


def run_background(
    server: AppServer, app, output: str, values: dict, page: str, timeout: float = 180
) -> BackgroundRun:
    """Start a background callback and poll until it returns its outputs (bounded)."""
    key = callback_key(app, output)
    assert key is not None, f"no callback writes {output}"
    assert app.callback_map[key].get("background"), f"{key} is not a background callback"
    body = payload(app, key, values)
    token = end_id(server, page)
    started = server.post(UPDATE, params={"endId": token}, json=body)
    assert started.status_code == 200, started.text[:500]
    handles = started.json()
    assert {"cacheKey", "job"} <= handles.keys(), handles
    run = BackgroundRun(
        job=handles["job"].rpartition("~")[0],  # the signed handle is "<job>~<signature>"
        outputs={},
        polls=0,
        workers={started.headers["X-Segmenta-Worker"]},
    )
    # the renderer blanks input values on polls: the handles identify the job
    poll_body = body | {
        "inputs": [i | {"value": None} for i in body["inputs"]],
        "state": [s | {"value": None} for s in body["state"]],
    }
    params = {"endId": token, "cacheKey": handles["cacheKey"], "job": handles["job"]}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        polled = server.post(UPDATE, params=params, json=poll_body)
        run.polls += 1
        run.workers.add(polled.headers["X-Segmenta-Worker"])
        assert polled.status_code == 200, polled.text[:500]
        data = polled.json()
        if "progress" in data:
            run.progress.append(data["progress"])
        if "response" in data:
            run.outputs = response_outputs(data)
            return run
    raise AssertionError(f"{output} gave no response within {timeout:.0f} s ({run.polls} polls)")
