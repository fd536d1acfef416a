"""Persona text has limits, checked where every save goes through (the store), and the Save
button says which field of which persona is too long.

Tried: a Save over HTTP, as the renderer sends it, with a 2 MB description (one save once held
40 MB), and each field one character over its limit. Refused with a message naming the field
and the limit; nothing is stored. Text exactly at the limits is saved.
"""

import pytest

from dashboard.app import default_view
from dashboard.pages.personas import entry_source
from dashboard.persona_sets import resolve
from dashboard.storage.personas import MAX_NAME_LENGTH, MAX_PERSONA_TEXT, MAX_TAGS
from devtools.dash_http import UPDATE
from tests.reliability.persona_http import save_outcome, save_request

KMEANS4 = {"method": "kmeans", "params": {"n_clusters": 4}}


@pytest.fixture
def form(services):
    source = entry_source(default_view(services).as_store(), KMEANS4)
    personas = [dict(p) | {"tags": "vip"} for p in resolve(services, source).personas]
    return source, personas


def save(app, client, form, set_name="Limits", **first_persona):
    source, personas = form
    personas = [personas[0] | first_persona, *personas[1:]]
    body = save_request(app, source, None, set_name, "ana", personas)
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200, response.data[:300]
    return save_outcome(response.get_json())


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("description", "x" * 2_000_000, ["description", "2,000,000", f"{MAX_PERSONA_TEXT:,}"]),
        ("description", "x" * (MAX_PERSONA_TEXT + 1), ["description", f"{MAX_PERSONA_TEXT:,}"]),
        ("recommendation", "y" * (MAX_PERSONA_TEXT + 1), ["recommendation"]),
        ("name", "n" * (MAX_NAME_LENGTH + 1), ["name", f"{MAX_NAME_LENGTH}"]),
        ("tags", "t" * (MAX_NAME_LENGTH + 1), ["tag", f"{MAX_NAME_LENGTH}"]),
        ("tags", ", ".join(f"tag{i}" for i in range(MAX_TAGS + 1)), ["tags", f"{MAX_TAGS}"]),
    ],
    ids=["2MB-description", "description", "recommendation", "name", "tag", "many-tags"],
)
def test_a_field_over_its_limit_is_refused_and_named(
    app, client, services, form, field, text, words
):
    outcome = save(app, client, form, **{field: text})
    assert not outcome.saved
    for word in words:
        assert word in outcome.status_text
    assert services.personas.list() == []


def test_a_set_name_over_its_limit_is_refused(app, client, services, form):
    outcome = save(app, client, form, set_name="s" * (MAX_NAME_LENGTH + 1))
    assert not outcome.saved and "name" in outcome.status_text
    assert services.personas.list() == []


def test_text_at_the_limits_is_saved_verbatim(app, client, services, form):
    texts = {
        "name": "n" * MAX_NAME_LENGTH,
        "description": "d" * MAX_PERSONA_TEXT,
        "recommendation": "r" * MAX_PERSONA_TEXT,
        "tags": ", ".join(f"{i:03d}" + "t" * (MAX_NAME_LENGTH - 3) for i in range(MAX_TAGS)),
    }
    outcome = save(app, client, form, set_name="s" * MAX_NAME_LENGTH, **texts)
    assert outcome.saved, outcome.status_text
    stored = services.personas.get(outcome.loaded["set_id"]).personas[0]
    assert {field: stored[field] for field in ("name", "description", "recommendation")} == {
        field: texts[field] for field in ("name", "description", "recommendation")
    }
    assert len(stored["tags"]) == MAX_TAGS
