"""The whole bad-input corpus through ``POST /api/datasets`` (the Flask test client): 201 with
the stored table's info, or JSON ``{"error": ...}`` carrying the loader's message, 400 for a
bad file and 413 for one over the size limit; never an HTML error page, never a 500.

The API stores any readable table (a script may upload reference data without two numeric
columns), so files the Data page refuses as unsegmentable are accepted here.

The 200 MB file is streamed from disk by the test client (a spooled temporary file), so the
test never holds it in memory either.
"""

import pandas as pd
import pytest

from algorithms.loading import load_table
from dashboard.app import create_app
from dashboard.config import Config
from tests.data.bad.corpus import CASES
from tests.data.bad.make_corpus import UNPICKLED_MARKER


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("corpus-api") / "instance"
    return create_app(Config(instance_path=instance, testing=True))


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def post_file(client, path, filename: str, **form):
    with path.open("rb") as stream:
        return client.post(
            "/api/datasets",
            data={"file": (stream, filename), **form},
            content_type="multipart/form-data",
        )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_corpus_file_through_the_dataset_api(case, client, app, path_of):
    source = path_of(case)
    response = post_file(client, source, case.file)
    assert response.is_json, response.data[:300]
    body = response.get_json()
    if case.loads:
        assert response.status_code == 201, body
        services = app.server.extensions["segmenta"]
        stored = services.datasets.get(body["dataset_id"])
        pd.testing.assert_frame_equal(
            stored.reset_index(drop=True), load_table(source), check_dtype=False
        )
        assert client.get(f"/api/datasets/{body['dataset_id']}").get_json() == body
    else:
        assert response.status_code == (413 if case.too_large else 400), body
        assert set(body) == {"error"}
        for fragment in case.refused:
            assert fragment in body["error"]
        assert case.too_large or f"'{case.file}'" in body["error"]
    assert not (source.parent / UNPICKLED_MARKER).exists()


def test_a_request_without_a_file_is_a_json_400(client):
    response = client.post("/api/datasets", data={"name": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Send the table as a multipart field named 'file'."}


def test_the_api_still_lists_the_sample_after_the_corpus(client, app):
    sample = app.server.extensions["segmenta"].sample
    assert sample.dataset_id in {d["dataset_id"] for d in client.get("/api/datasets").get_json()}
    assert client.get("/healthz").status_code == 200
