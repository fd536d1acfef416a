"""The persona-set API through Flask's test client: list and search, one set and its versions,
the labelled customer table, and JSON errors for everything unknown or malformed."""

import io

import numpy as np
import pandas as pd
import pytest

from algorithms.loading import load_sample
from dashboard.app import default_view
from dashboard.persona_sets import (
    draft_personas,
    live_source,
    resolve,
    save_persona_set,
    set_content,
)
from dashboard.services.analysis import View


def save_set(services, name, author="ann", view=None, k=4):
    view = view or default_view(services)
    workspace = resolve(services, live_source(view, "kmeans", {"n_clusters": k}))
    personas = draft_personas(workspace.segmentation["profiles"])
    for persona in personas:
        persona["name"] = f"{name} persona {persona['cluster']}"
    content = set_content(services, workspace, personas)
    return save_persona_set(services.personas, content, name=name, author=author, base=None)


def test_list_newest_first_with_search(client, services):
    first = save_set(services, "Spring campaign", author="ann")
    second = save_set(services, "Loyalty review", author="bob")

    listed = client.get("/api/persona-sets").get_json()["persona_sets"]
    assert [s["id"] for s in listed] == [second.set_id, first.set_id]
    assert listed[0]["dataset"]["name"] == "Mall customers (sample)"
    assert listed[0]["customers_url"] == f"/api/persona-sets/{second.set_id}/customers.csv"

    found = client.get("/api/persona-sets?q=BOB").get_json()["persona_sets"]
    assert [s["name"] for s in found] == ["Loyalty review"]
    assert client.get("/api/persona-sets?q=nothing-like-it").get_json()["persona_sets"] == []


def test_get_latest_and_a_given_version(client, services):
    saved = save_set(services, "Versions")
    edited = [dict(p) for p in saved.personas]
    edited[0]["name"] = "Renamed in v2"
    services.personas.save(saved.set_id, base_version=1, personas=edited, author="bob")

    latest = client.get(f"/api/persona-sets/{saved.set_id}").get_json()
    assert (latest["version"], latest["author"]) == (2, "bob")
    assert latest["personas"][0]["name"] == "Renamed in v2"
    assert latest["segmentation"]["method"] == "kmeans"
    assert sum(p["size"] for p in latest["personas"]) == 200

    first = client.get(f"/api/persona-sets/{saved.set_id}?version=1").get_json()
    assert first["version"] == 1
    assert first["personas"][0]["name"] == saved.personas[0]["name"]


def test_customers_csv_has_the_saved_assignment_and_untouched_ids(client, services):
    saved = save_set(services, "Table")
    response = client.get(f"/api/persona-sets/{saved.set_id}/customers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    table = pd.read_csv(io.BytesIO(response.data), dtype={"CustomerID": str})
    sample = load_sample()
    assert table["CustomerID"].tolist() == sample["CustomerID"].tolist()
    np.testing.assert_array_equal(table["Cluster"].to_numpy(), saved.labels)
    names = {p["cluster"]: p["name"] for p in saved.personas}
    assert table["Persona"].tolist() == [names[c] for c in saved.labels]


def test_customers_csv_of_a_removed_dataset_is_a_json_404(client, services):
    table = load_sample().head(60)
    info = services.datasets.put(table, "Short-lived")
    view = View(info.dataset_id, ("Annual Income (k$)", "Spending Score (1-100)"))
    saved = save_set(services, "Orphan", view=view, k=3)
    for path in services.datasets.folder.glob(f"{info.dataset_id}.*"):
        path.unlink()

    response = client.get(f"/api/persona-sets/{saved.set_id}/customers.csv")
    assert response.status_code == 404
    assert "Short-lived" in response.get_json()["error"]
    assert client.get(f"/api/persona-sets/{saved.set_id}").status_code == 200


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/persona-sets/999", 404, "no persona set with id 999"),
        ("/api/persona-sets/abc", 404, "ids are numbers"),
        ("/api/persona-sets/{id}?version=7", 404, "has no version 7"),
        ("/api/persona-sets/{id}?version=two", 400, "whole number"),
        ("/api/persona-sets/{id}?version=0", 400, "whole number"),
        ("/api/persona-sets/999/customers.csv", 404, "no persona set"),
        ("/api/persona-sets/{id}/customers.csv?version=9", 404, "has no version 9"),
    ],
)
def test_errors_are_json(client, services, path, status, words):
    saved = save_set(services, "Errors")
    response = client.get(path.format(id=saved.set_id))
    assert response.status_code == status
    assert response.is_json
    assert words in response.get_json()["error"]
