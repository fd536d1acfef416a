"""The Personas page's Save button over HTTP, as the browser's renderer sends it: the save
callback's plain states plus one pattern-matching state per card field (``ALL``), built with
``tests.deployment.dash_http.payload``."""

from dataclasses import dataclass
from typing import Any

from dashboard.ids import personas as ids
from devtools.dash_http import UPDATE, callback_key, payload

FIELDS = {
    ids.NAME: "name",
    ids.DESCRIPTION: "description",
    ids.RECOMMENDATION: "recommendation",
    ids.COLOR: "color",
    ids.TAGS: "tags",
}


def save_request(app, source: dict, loaded: dict | None, set_name: str, author: str,
                 personas: list[dict], as_new: bool = False) -> dict:  # fmt: skip
    """The body of a click on Save (or "Save mine as a new persona set")."""
    button = ids.SAVE_AS_NEW if as_new else ids.SAVE
    cards = {
        f"{card_type}.value": [
            ({"cluster": p["cluster"], "type": card_type}, p[field]) for p in personas
        ]
        for card_type, field in FIELDS.items()
    }
    cards[f"{ids.NAME}.id"] = [
        ({"cluster": p["cluster"], "type": ids.NAME}, {"cluster": p["cluster"], "type": ids.NAME})
        for p in personas
    ]
    values = {
        f"{button}.n_clicks": 1,
        f"{ids.SOURCE}.data": source,
        f"{ids.LOADED}.data": loaded,
        f"{ids.SET_NAME}.value": set_name,
        f"{ids.AUTHOR}.value": author,
    }
    return payload(app, callback_key(app, f"{ids.SAVE_STATUS}.children"), values | cards)


@dataclass(frozen=True)
class SaveOutcome:
    status_text: str
    conflict: bool
    loaded: dict | None

    @property
    def saved(self) -> bool:
        return self.loaded is not None and self.status_text.startswith("Saved")


def props_text(component: Any) -> str:
    """The text of a serialised Dash component (``{"type", "props": {"children"}}``)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list):
        return " ".join(props_text(child) for child in component)
    return props_text(component.get("props", {}).get("children"))


def save_outcome(response_json: dict) -> SaveOutcome:
    outputs = response_json["response"]
    return SaveOutcome(
        status_text=props_text(outputs.get(ids.SAVE_STATUS, {}).get("children")),
        conflict=bool(outputs.get(ids.CONFLICT, {}).get("is_open")),
        loaded=outputs.get(ids.LOADED, {}).get("data"),
    )


def post_save(server, app, *args, **kwargs):
    """POST a save to a running server; returns the raw response."""
    return server.post(UPDATE, json=save_request(app, *args, **kwargs))
