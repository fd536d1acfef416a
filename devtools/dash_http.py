"""Dash callback requests as the browser's renderer sends them, built from an app's
``callback_map``: a caller names a callback by one of its outputs and gives only the input
values it cares about. Used by the deployment tests and the load benchmark alike.
"""

import json
from typing import Any

UPDATE = "/_dash-update-component"


def callback_key(app, output: str) -> str | None:
    """The callback_map key of the callback writing ``output`` ("component.property")."""
    for key in app.callback_map:
        if output in key.strip(".").split("..."):
            return key
    return None


def payload(app, key: str, values: dict[str, Any]) -> dict:
    """The request body for callback ``key``; ``values`` maps "id.property" to a value.

    Inputs named in ``values`` are reported as changed (they triggered the callback); the
    others are sent as None, like properties a layout leaves unset. Pattern-matching states
    (ALL) take a list of (id, value) pairs, see ``_with_value``.
    """
    callback = app.callback_map[key]
    outputs = callback["output"]
    specs = [
        {"id": o.component_id, "property": o.component_property}
        for o in (outputs if isinstance(outputs, list) else [outputs])
    ]

    inputs = [_with_value(dep, values) for dep in callback["inputs"]]
    changed = [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)]
    return {
        "output": key,
        "outputs": specs if isinstance(outputs, list) else specs[0],
        "inputs": inputs,
        "state": [_with_value(dep, values) for dep in callback["state"]],
        "changedPropIds": [prop_id for prop_id in changed if prop_id in values],
    }


def _with_value(dependency: dict, values: dict):
    """One dependency with its value; a pattern (``{"type": T, "cluster": ALL}``) becomes the
    list of matching components, given as ``values["T.property"] = [(id, value), ...]``."""
    if not dependency["id"].startswith("{"):
        return dependency | {"value": values.get(f"{dependency['id']}.{dependency['property']}")}
    pattern = json.loads(dependency["id"])
    matches = values.get(f"{pattern['type']}.{dependency['property']}", [])
    return [{"id": id_, "property": dependency["property"], "value": v} for id_, v in matches]
