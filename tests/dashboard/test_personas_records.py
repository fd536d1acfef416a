"""The functions the CLI uses (``segmenta segment --personas``, ``segmenta personas
list|export``): finding a set by name or id, reading a JSON export back, carrying its names
over to a new run, and exporting a stored set in every format."""

import json

import numpy as np
import pytest

from algorithms.errors import SegmentaError
from algorithms.loading import load_sample, load_table
from algorithms.segmentation import SegmentationSpec, run_segmentation
from dashboard.app import default_view
from dashboard.persona_sets import (
    PersonaSetNotFound,
    carry_over_run,
    find_persona_set,
    live_source,
    load_persona_record,
    resolve,
    save_persona_set,
    set_content,
    summary_record,
)
from dashboard.services.analysis import View
from dashboard.services.persona_export import EXPORT_FORMATS, export_persona_set

FEATURES = ("Annual Income (k$)", "Spending Score (1-100)")


def save(services, name: str, view: View | None = None, k: int = 5):
    workspace = resolve(
        services, live_source(view or default_view(services), "kmeans", {"n_clusters": k})
    )
    personas = [dict(p, name=f"{name} {p['cluster']}") for p in workspace.personas]
    content = set_content(services, workspace, personas)
    return save_persona_set(services.personas, content, name=name, author="ann", base=None)


def test_find_by_name_first_then_by_id(services):
    spring = save(services, "Spring")
    numbered = save(services, str(spring.set_id))  # named like the first set's id
    autumn = save(services, "Autumn")
    assert find_persona_set(services.personas, "  spring ").set_id == spring.set_id
    assert find_persona_set(services.personas, str(spring.set_id)).set_id == numbered.set_id
    assert find_persona_set(services.personas, str(autumn.set_id)).set_id == autumn.set_id
    with pytest.raises(PersonaSetNotFound):
        find_persona_set(services.personas, "Winter")
    assert summary_record(services.personas.list()[0])["name"] == "Autumn"


def test_a_json_export_carries_names_to_a_shuffled_rerun(services, tmp_path):
    saved = save(services, "Spring")
    path = tmp_path / "spring.json"
    path.write_bytes(export_persona_set(services.personas, services.datasets, "Spring", "json"))

    record = load_persona_record(services.personas, str(path))
    assert record == load_persona_record(services.personas, "Spring")

    table = load_sample().sample(frac=1.0, random_state=4).reset_index(drop=True)
    rerun = run_segmentation(table, SegmentationSpec(FEATURES, "kmeans", {"n_clusters": 5}))
    names = {int(p["cluster"]): p["name"] for p in carry_over_run(rerun, record)[0]}

    old = dict(zip(load_sample()["CustomerID"], saved.labels, strict=True))
    for cluster, name in names.items():
        members = table.loc[rerun.labels == cluster, "CustomerID"]
        old_clusters = members.map(old)
        assert name == f"Spring {old_clusters.mode().iloc[0]}"


def test_a_file_that_is_not_an_export_is_refused(services, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x"}))
    with pytest.raises(SegmentaError, match="not a persona set JSON export"):
        load_persona_record(services.personas, str(bad))
    bad.write_text("{not json")
    with pytest.raises(SegmentaError, match="not a persona set JSON export"):
        load_persona_record(services.personas, str(bad))


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_export_format(services, tmp_path, fmt):
    saved = save(services, "Spring")
    content = export_persona_set(services.personas, services.datasets, str(saved.set_id), fmt)
    path = tmp_path / f"spring.{fmt}"
    path.write_bytes(content)
    if fmt in ("csv", "xlsx"):
        table = load_table(path)
        np.testing.assert_array_equal(table["Cluster"].to_numpy(), saved.labels)
        assert table["CustomerID"].tolist() == saved.row_ids
    elif fmt == "json":
        assert json.loads(content)["version"] == 1
    else:
        text = content.decode("utf-8")
        assert "Spring 0" in text and "Version 1 saved by ann" in text
        if fmt == "html":
            assert "Plotly.newPlot" in text and "Centroids" not in text


def test_export_of_a_set_whose_table_is_gone(services):
    info = services.datasets.put(load_sample().head(90), "Gone soon")
    save(services, "Orphan", View(info.dataset_id, FEATURES), k=3)
    for path in services.datasets.folder.glob(f"{info.dataset_id}.*"):
        path.unlink()
    report = export_persona_set(services.personas, services.datasets, "Orphan", "html").decode()
    assert "Persona centroids" in report and "Orphan 2" in report
    with pytest.raises(SegmentaError, match="no longer stored"):
        export_persona_set(services.personas, services.datasets, "Orphan", "csv")
    with pytest.raises(SegmentaError, match="Unknown export format"):
        export_persona_set(services.personas, services.datasets, "Orphan", "pdf")
