"""Helpers the callback tests share: what dcc.Upload sends, the text of a component tree, and
the JSON a browser posts to ``/_dash-update-component``."""

import base64

import dash


def as_upload(raw: bytes, mime: str = "application/octet-stream") -> str:
    """What dcc.Upload puts in ``contents``: a data URL of the file's bytes."""
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


def text_of(component) -> str:
    """All the text inside a Dash component tree (or a list of them)."""
    if component is None or component is dash.no_update:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(child) for child in component)
    return text_of(getattr(component, "children", None))


def callback_payload(app, output: str, values: dict) -> dict:
    """The request body for the callback writing ``output`` ("id.property"), with ``values``
    ({"id.property": value}) for its inputs and states; the inputs given count as changed."""
    key = next(k for k in app.callback_map if output in k.strip(".").split("..."))
    callback = app.callback_map[key]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in callback["output"]]
    inputs = [i | {"value": values.get(f"{i['id']}.{i['property']}")} for i in callback["inputs"]]
    state = [s | {"value": values.get(f"{s['id']}.{s['property']}")} for s in callback["state"]]
    changed = [name for name in values if any(f"{i['id']}.{i['property']}" == name for i in inputs)]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": inputs,
        "state": state,
        "changedPropIds": changed,
    }
