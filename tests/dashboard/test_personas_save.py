"""Persona editor, saving side: the callback bodies called with the ``services`` fixture (SQLite
in a temporary folder). Save and reload, versions and restore, two people editing at once,
duplicate and delete, a set whose table is gone."""

import numpy as np
import pytest
from dash import no_update

from algorithms.loading import load_sample
from dashboard.app import default_view
from dashboard.ids import personas as ids
from dashboard.pages.personas import editor_outputs, entry_source
from dashboard.pages.personas_library import (
    delete_outputs,
    delete_question,
    duplicate_outputs,
    history_body,
    library_outputs,
    open_outputs,
    restore_outputs,
)
from dashboard.pages.personas_save import loaded_text, save_outputs
from dashboard.persona_sets import resolve
from dashboard.persona_sets.records import NEW_NAME_TRIES
from dashboard.services.analysis import View
from tests.dash_helpers import text_of

KMEANS5 = {"method": "kmeans", "params": {"n_clusters": 5}}


@pytest.fixture
def source(services):
    return entry_source(default_view(services).as_store(), KMEANS5)


def form(services, source, **edits) -> list[dict]:
    """The personas as the page's form would send them, with ``{cluster: name}`` edits."""
    personas = [dict(p) for p in resolve(services, source).personas]
    for persona in personas:
        persona["name"] = edits.get(f"n{persona['cluster']}", persona["name"])
        persona["tags"] = ", ".join(persona["tags"])
    return personas


def save(services, source, loaded, personas, author="ann", name="Spring", as_new=False):
    return save_outputs(services, source, loaded, name, author, personas, as_new=as_new)


def card_names(cards) -> list[str]:
    """The name inputs' values (or, read only, the card headers) of rendered persona cards."""
    names = []
    for column in cards:
        header, body = (part.children for part in column.children.children)
        field = next((c for c in body if "persona-name" in (c.className or "")), None)
        names.append(header[0].children if field is None else field.value)
    return names


def test_save_then_reload_gives_the_same_content(services, source):
    personas = form(services, source, n0="Bargain <b>hunters</b>")
    personas[1] |= {"description": "Rich & picky\nsecond line", "tags": "vip, weekend, vip"}
    personas[1]["color"] = "#ABCDEF"

    status, conflict_open, _, loaded, refresh, author = save(services, source, None, personas)

    assert "version 1" in status.children and not conflict_open and refresh
    assert author == "ann" and loaded["version"] == 1
    saved = services.personas.get(loaded["set_id"])
    result = services.analysis.segmentation(
        View.from_store(source["view"]), "kmeans", KMEANS5["params"]
    )
    np.testing.assert_array_equal(saved.labels, result.labels)
    assert saved.row_ids == load_sample()["CustomerID"].tolist()
    assert saved.personas[0]["name"] == "Bargain <b>hunters</b>"
    assert saved.personas[1]["description"] == "Rich & picky\nsecond line"
    assert saved.personas[1]["tags"] == ["vip", "weekend"]
    assert saved.personas[1]["color"] == "#abcdef"
    assert saved.segmentation["method"] == "kmeans"
    assert saved.segmentation["params"]["n_clusters"] == 5
    assert saved.segmentation["dataset_name"] == "Mall customers (sample)"

    reopened_source, reopened_loaded, *_ = open_outputs(services, loaded["set_id"])
    cards, *_, set_name, alert, save_disabled = editor_outputs(services, reopened_source, None)
    assert card_names(cards) == [p["name"] for p in saved.personas]
    assert set_name == "Spring" and not alert and save_disabled is False
    assert reopened_loaded == loaded


def test_every_save_is_a_new_version_and_restore_copies_an_old_one(services, source):
    first = form(services, source, n0="Version one name")
    *_, loaded, _, _ = save(services, source, None, first)
    second = form(services, source, n0="Version two name")
    *_, loaded, _, _ = save(services, source, loaded, second, author="bob")
    assert loaded["version"] == 2

    table = history_body(services, loaded["set_id"])
    rows = table.children[1].children
    assert [row.children[0].children for row in rows] == [2, 1]
    restore_button = rows[1].children[4].children
    assert restore_button.id == {
        "type": ids.RESTORE,
        "set": loaded["set_id"],
        "version": 1,
        "base": 2,
    }

    new_source, new_loaded, _, _, alert = restore_outputs(services, loaded["set_id"], 1, 2, "cy")
    assert new_loaded["version"] == 3 and "as version 3" in alert.children
    restored = services.personas.get(loaded["set_id"])
    assert restored.personas[0]["name"] == "Version one name"
    assert restored.note == "restored from version 1"
    cards, *_ = editor_outputs(services, new_source, None)
    assert card_names(cards)[0] == "Version one name"


def test_conflicting_saves_alert_and_save_as_new_keeps_both(services, source):
    *_, loaded, _, _ = save(services, source, None, form(services, source))
    ann_source, ann_loaded, *_ = open_outputs(services, loaded["set_id"])
    bob_source, bob_loaded, *_ = open_outputs(services, loaded["set_id"])
    ann_form = form(services, ann_source, n0="Ann's name")
    bob_form = form(services, bob_source, n0="Bob's name")

    *_, ann_after, _, _ = save(services, ann_source, ann_loaded, ann_form, author="ann")
    status, conflict_open, message, bob_after, _, _ = save(
        services, bob_source, bob_loaded, bob_form, author="bob"
    )

    assert ann_after["version"] == 2
    assert status is None and conflict_open is True
    assert "saved by ann as version 2" in message and "editing version 1" in message
    assert bob_after is no_update  # the form and what it was loaded from stay as they are
    assert services.personas.get(loaded["set_id"]).personas[0]["name"] == "Ann's name"

    status, conflict_open, _, bob_new, _, _ = save(
        services, bob_source, bob_loaded, bob_form, author="bob", as_new=True
    )
    assert conflict_open is False and bob_new["set_id"] != loaded["set_id"]
    assert bob_new["name"] == "Spring (bob)"
    assert services.personas.get(bob_new["set_id"]).personas[0]["name"] == "Bob's name"
    assert services.personas.get(loaded["set_id"]).personas[0]["name"] == "Ann's name"
    assert len(services.personas.list()) == 2

    reload_source, reload_loaded, reload_conflict, *_ = open_outputs(services, loaded["set_id"])
    assert reload_loaded["version"] == 2 and reload_conflict is False
    cards, *_ = editor_outputs(services, reload_source, None)
    assert card_names(cards)[0] == "Ann's name"


def test_save_as_new_gives_up_after_a_few_names_taken_in_the_meantime(
    services, source, monkeypatch
):
    """Each free name found is taken by another save just before this one creates its set:
    ``NEW_NAME_TRIES`` names are tried, then the save is refused with the form kept, and no
    set is replaced."""
    *_, first, _, _ = save(services, source, None, form(services, source))
    create, attempts = services.personas.create, []

    def taken_just_before(**fields):
        attempts.append(fields["name"])
        create(**fields | {"author": "other tab"})
        return create(**fields)

    monkeypatch.setattr(services.personas, "create", taken_just_before)
    status, conflict_open, _, loaded, _, _ = save(
        services, source, first, form(services, source, n0="Mine"), as_new=True
    )
    assert loaded is no_update and conflict_open is not True
    assert "‘Spring (ann) 5’ already exists" in text_of(status)
    assert attempts == ["Spring (ann)"] + [
        f"Spring (ann) {n}" for n in range(2, NEW_NAME_TRIES + 1)
    ]
    sets = {s.name: s for s in services.personas.list()}
    assert set(sets) == {"Spring", *attempts}
    assert all(sets[name].created_by == "other tab" for name in attempts)
    assert services.personas.get(first["set_id"]).version == 1


def test_saving_needs_an_author_and_distinct_persona_names(services, source):
    status, *_ = save(services, source, None, form(services, source), author="  ")
    assert "Your name" in status.children
    clash = form(services, source, n0="Same", n1="same")
    status, *_, loaded, _, _ = save(services, source, None, clash)
    assert "both named" in status.children
    assert services.personas.list() == []


def test_library_lists_newest_first_and_searches(services, source):
    save(services, source, None, form(services, source), name="Autumn", author="ann")
    save(services, source, None, form(services, source), name="Winter", author="bob")
    items, options = library_outputs(services, None)
    names = [item.children[0].children for item in items.children]
    assert names == ["Winter", "Autumn"]
    assert [o["label"] for o in options] == [
        "Winter (Mall customers (sample))",
        "Autumn (Mall customers (sample))",
    ]
    found, options = library_outputs(services, "ANN")
    assert [item.children[0].children for item in found.children] == ["Autumn"]
    assert len(options) == 2
    nothing, _ = library_outputs(services, "zzz")
    assert nothing.children == "No persona set matches."


def test_duplicate_and_delete(services, source):
    *_, loaded, _, _ = save(services, source, None, form(services, source, n0="Kept"))
    refresh, alert = duplicate_outputs(services, loaded["set_id"], "cy")
    assert refresh and "Spring (copy)" in alert.children
    copy = services.personas.get_by_name("Spring (copy)")
    assert copy.personas[0]["name"] == "Kept" and copy.author == "cy"

    pending, modal_open, message = delete_question(services, loaded["set_id"])
    assert pending == loaded["set_id"] and modal_open and "‘Spring’" in message
    modal_open, refresh, alert, still_loaded = delete_outputs(services, pending, loaded)
    assert modal_open is False and still_loaded is None
    assert [s.name for s in services.personas.list()] == ["Spring (copy)"]
    assert loaded_text(None).startswith("Not saved yet")


def test_a_set_whose_table_is_gone_is_read_only(services):
    info = services.datasets.put(load_sample().head(80), "Temporary table")
    view = View(info.dataset_id, ("Annual Income (k$)", "Spending Score (1-100)"))
    source = entry_source(view.as_store(), {"method": "kmeans", "params": {"n_clusters": 3}})
    *_, loaded, _, _ = save(services, source, None, form(services, source, n0="Still here"))
    for path in services.datasets.folder.glob(f"{info.dataset_id}.*"):
        path.unlink()

    saved_source, *_ = open_outputs(services, loaded["set_id"])
    cards, figure, _, _, _, _, alert, save_disabled = editor_outputs(services, saved_source, None)

    assert save_disabled is True
    assert "no longer stored" in alert[0].children
    assert card_names(cards)[0] == "Still here"
    assert [t.name for t in figure.data][0] == "Still here"
    status, *_ = save(services, saved_source, loaded, form(services, saved_source))
    assert "cannot be saved again" in status.children


def test_behind_sign_in_the_signed_in_name_is_the_author(tmp_path):
    from dashboard.app import create_app
    from dashboard.config import Config

    app = create_app(
        Config(instance_path=tmp_path, trusted_user_header="X-Forwarded-User", testing=True)
    )
    services = app.server.extensions["segmenta"]
    signed_in_source = entry_source(default_view(services).as_store(), KMEANS5)
    personas = form(services, signed_in_source)
    from_proxy = {"REMOTE_ADDR": "127.0.0.1"}  # the header counts only from a trusted proxy
    with app.server.test_request_context(
        headers={"X-Forwarded-User": "carol"}, environ_base=from_proxy
    ):
        *_, loaded, _, author = save(services, signed_in_source, None, personas, author="mallory")
    assert author == "carol"
    assert services.personas.get(loaded["set_id"]).author == "carol"
