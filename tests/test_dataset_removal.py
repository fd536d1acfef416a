"""Removing a stored table: ``DELETE /api/datasets/<id>`` through Flask's test client, and the
rules it shares with the Data page (the sample and tables of saved persona sets stay)."""

import io

import pandas as pd
import pytest

from algorithms.loading import load_sample
from dashboard.services.analysis import View
from dashboard.services.dataset_removal import TableKept, remove_table
from tests.test_api import save_set


def upload(client, table: pd.DataFrame, name: str) -> str:
    body = io.BytesIO(table.to_csv(index=False).encode())
    response = client.post("/api/datasets", data={"file": (body, name)})
    assert response.status_code == 201
    return response.get_json()["dataset_id"]


def listed_ids(client) -> set[str]:
    return {info["dataset_id"] for info in client.get("/api/datasets").get_json()}


def test_delete_removes_the_table_and_answers_what_it_was(client, services):
    dataset_id = upload(client, load_sample().head(50), "test upload.csv")

    response = client.delete(f"/api/datasets/{dataset_id}")

    assert response.status_code == 200
    deleted = response.get_json()["deleted"]
    assert (deleted["dataset_id"], deleted["name"], deleted["n_rows"]) == (
        dataset_id,
        "test upload.csv",
        50,
    )
    assert dataset_id not in listed_ids(client)
    assert client.get(f"/api/datasets/{dataset_id}").status_code == 404
    assert not services.datasets.exists(dataset_id)


@pytest.mark.parametrize("dataset_id", ["0123456789abcdef", "..", "not-an-id"])
def test_deleting_an_unknown_table_is_a_json_404(client, dataset_id):
    response = client.delete(f"/api/datasets/{dataset_id}")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]


def test_the_sample_cannot_be_deleted(client, services):
    response = client.delete(f"/api/datasets/{services.sample.dataset_id}")

    assert response.status_code == 409
    assert "is the bundled sample: it cannot be deleted" in response.get_json()["error"]
    assert services.datasets.exists(services.sample.dataset_id)


def test_a_table_stays_while_saved_persona_sets_use_it_naming_them(client, services):
    dataset_id = upload(client, load_sample().head(80), "campaign.csv")
    view = View(dataset_id, ("Annual Income (k$)", "Spending Score (1-100)"))
    spring = save_set(services, "Spring", view=view, k=3)
    save_set(services, "Autumn", view=view, k=3)
    save_set(services, "On the sample", k=3)

    refused = client.delete(f"/api/datasets/{dataset_id}")

    assert refused.status_code == 409
    message = refused.get_json()["error"]
    assert "‘campaign.csv’ is used by the saved persona sets" in message
    assert "‘Spring’" in message and "‘Autumn’" in message
    assert "On the sample" not in message
    assert services.datasets.exists(dataset_id)

    services.personas.delete(spring.set_id)
    with pytest.raises(TableKept, match=r"persona set ‘Autumn’: it is kept"):
        remove_table(services, dataset_id)
    for summary in services.personas.list():
        if summary.dataset_hash == dataset_id:
            services.personas.delete(summary.set_id)
    assert client.delete(f"/api/datasets/{dataset_id}").status_code == 200
    assert dataset_id not in listed_ids(client)
