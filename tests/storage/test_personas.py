"""Persona store: versions, history, search and the rules that keep a team's work safe."""

import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from algorithms.errors import SegmentaError
from dashboard.storage import PersonaSetNotFound, PersonaStore, VersionConflict

LABELS = np.array([0, 1, 1, 2, -1, 0], dtype=np.int32)
PERSONAS = [
    {
        "cluster": 0,
        "name": "Careful spenders",
        "description": "High income, low spending score.",
        "recommendation": "Premium loyalty offers.",
        "colour": "#1f77b4",
        "tags": ["income", "loyalty"],
    },
    {"cluster": 1, "name": "Young enthusiasts", "description": "", "colour": "#ff7f0e"},
]
SEGMENTATION = {
    "features": ["Age", "Annual Income (k$)", "Spending Score (1-100)"],
    "scaling": "standard",
    "include_gender": False,
    "method": "kmeans",
    "params": {"n_clusters": 3},
    "seed": 42,
    "centroids": [[0.1, -1.2, 0.3], [1.0, 0.0, -0.5], [-0.4, 0.8, 1.1]],
    "metrics": {"silhouette": 0.55, "davies_bouldin": 0.61},
}


def make_set(store: PersonaStore, name="Mall Q3", author="Ana", **overrides):
    fields = {
        "name": name,
        "dataset_name": "Mall_Customers.csv",
        "dataset_hash": "0123456789abcdef",
        "segmentation": SEGMENTATION,
        "personas": PERSONAS,
        "labels": LABELS,
        "author": author,
        "row_ids": ["0001", "0002", "0003", "0004", "0005", "0006"],
    } | overrides
    return store.create(**fields)


def test_create_returns_version_one_with_everything_saved(store):
    created = make_set(store, note="first cut")
    fetched = store.get(created.set_id)

    for version in (created, fetched):
        assert version.version == 1
        assert version.name == "Mall Q3"
        assert version.dataset_name == "Mall_Customers.csv"
        assert version.dataset_hash == "0123456789abcdef"
        assert version.author == "Ana"
        assert version.note == "first cut"
        assert version.segmentation == SEGMENTATION
        assert version.personas == PERSONAS
        assert version.row_ids == ["0001", "0002", "0003", "0004", "0005", "0006"]
        assert version.labels.dtype == np.int32
        np.testing.assert_array_equal(version.labels, LABELS)
        assert version.saved_at.tzinfo is not None
        assert version.saved_at.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - version.saved_at) < timedelta(minutes=5)


def test_returned_labels_cannot_be_modified_in_place(store):
    labels = make_set(store).labels
    with pytest.raises(ValueError):
        labels[0] = 7


def test_numpy_values_in_the_content_are_saved_as_plain_json(store):
    segmentation = {
        "k": np.int64(3),
        "centroids": np.arange(6, dtype=np.float64).reshape(3, 2),
        "sizes": {np.int64(0): 10, 1: 20},
        "metrics": {"silhouette": np.float32(0.5), "calinski": float("nan")},
        "range": (2, 10),
    }
    saved = store.get(make_set(store, segmentation=segmentation).set_id).segmentation

    assert saved["k"] == 3 and type(saved["k"]) is int
    assert saved["centroids"] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert saved["sizes"] == {"0": 10, "1": 20}
    assert saved["metrics"]["silhouette"] == 0.5
    assert np.isnan(saved["metrics"]["calinski"])
    assert saved["range"] == [2, 10]


def test_unknown_set_and_unknown_version_are_reported(store):
    created = make_set(store)
    with pytest.raises(PersonaSetNotFound, match="no persona set with id 999"):
        store.get(999)
    with pytest.raises(PersonaSetNotFound, match="has no version 5"):
        store.get(created.set_id, 5)
    with pytest.raises(PersonaSetNotFound, match="no persona set named ‘Nope’"):
        store.get_by_name("Nope")


def test_get_by_name_ignores_case_and_spacing(store):
    created = make_set(store, name="Mall  Q3")
    store.save(created.set_id, base_version=1, personas=[], author="Bo")

    assert store.get_by_name("mall q3").version == 2
    assert store.get_by_name(" MALL Q3 ", version=1).personas == PERSONAS


def test_save_appends_a_version_and_carries_over_what_is_not_given(store):
    created = make_set(store)
    new_personas = [dict(PERSONAS[0], name="Careful savers")]

    saved = store.save(
        created.set_id, base_version=1, personas=new_personas, author="Bo", note="renamed"
    )

    assert saved.version == 2
    assert saved.author == "Bo"
    assert saved.personas == new_personas
    assert saved.segmentation == SEGMENTATION
    np.testing.assert_array_equal(saved.labels, LABELS)
    assert saved.row_ids == created.row_ids
    assert store.get(created.set_id, 1).personas == PERSONAS


def test_save_replaces_labels_segmentation_and_name_when_given(store):
    created = make_set(store)
    new_labels = np.array([2, 2, 1, 0, 0, 1], dtype=np.int64)
    new_segmentation = dict(SEGMENTATION, method="dbscan", params={"eps": 0.4})

    saved = store.save(
        created.set_id,
        base_version=1,
        personas=PERSONAS,
        author="Bo",
        labels=new_labels,
        segmentation=new_segmentation,
        name="Mall Q3 (DBSCAN)",
    )

    np.testing.assert_array_equal(saved.labels, new_labels)
    assert saved.segmentation == new_segmentation
    assert store.get(created.set_id).name == "Mall Q3 (DBSCAN)"
    assert store.get_by_name("Mall Q3 (DBSCAN)").set_id == created.set_id
    with pytest.raises(PersonaSetNotFound):
        store.get_by_name("Mall Q3")


def test_save_refuses_labels_for_another_number_of_rows(store):
    created = make_set(store)
    with pytest.raises(SegmentaError, match="new labels cover 3 rows .* has 6"):
        store.save(
            created.set_id, base_version=1, personas=[], author="Bo", labels=np.array([0, 1, 2])
        )
    assert store.get(created.set_id).version == 1


def test_history_lists_every_version_newest_first(store):
    created = make_set(store, note="first")
    store.save(created.set_id, base_version=1, personas=PERSONAS[:1], author="Bo", note="trim")
    store.save(created.set_id, base_version=2, personas=[], author="Cy", note="clear")

    history = store.versions(created.set_id)

    assert [(v.version, v.author, v.note, v.n_personas) for v in history] == [
        (3, "Cy", "clear", 0),
        (2, "Bo", "trim", 1),
        (1, "Ana", "first", 2),
    ]
    assert history[0].saved_at >= history[1].saved_at >= history[2].saved_at
    with pytest.raises(PersonaSetNotFound):
        store.versions(12345)


def test_restore_appends_the_old_content_as_a_new_version(store):
    created = make_set(store)
    store.save(
        created.set_id,
        base_version=1,
        personas=[],
        author="Bo",
        labels=np.zeros(6, dtype=int),
        segmentation={"method": "dbscan"},
    )

    restored = store.restore(created.set_id, 1, base_version=2, author="Cy")

    assert restored.version == 3
    assert restored.author == "Cy"
    assert restored.note == "restored from version 1"
    assert restored.personas == PERSONAS
    assert restored.segmentation == SEGMENTATION
    np.testing.assert_array_equal(restored.labels, LABELS)
    assert [v.version for v in store.versions(created.set_id)] == [3, 2, 1]


def test_restore_checks_the_base_version_too(store):
    created = make_set(store)
    store.save(created.set_id, base_version=1, personas=[], author="Bo")
    with pytest.raises(VersionConflict):
        store.restore(created.set_id, 1, base_version=1, author="Cy")


def test_duplicate_makes_an_independent_set(store):
    original = make_set(store)
    store.save(original.set_id, base_version=1, personas=PERSONAS[:1], author="Bo")

    copy = store.duplicate(original.set_id, new_name="Mall Q3 copy", author="Cy")

    assert copy.set_id != original.set_id
    assert copy.version == 1
    assert copy.author == "Cy"
    assert copy.personas == PERSONAS[:1]
    assert copy.dataset_hash == original.dataset_hash
    assert copy.note == "duplicated from ‘Mall Q3’ version 2"
    np.testing.assert_array_equal(copy.labels, LABELS)
    store.save(copy.set_id, base_version=1, personas=[], author="Cy")
    assert store.get(original.set_id).personas == PERSONAS[:1]
    older = store.duplicate(original.set_id, new_name="Mall Q3 v1", author="Cy", version=1)
    assert older.personas == PERSONAS


def test_delete_removes_the_set_and_its_versions(store, engine):
    doomed = make_set(store)
    store.save(doomed.set_id, base_version=1, personas=[], author="Bo")
    kept = make_set(store, name="Kept")

    store.delete(doomed.set_id)

    with pytest.raises(PersonaSetNotFound):
        store.get(doomed.set_id)
    with pytest.raises(PersonaSetNotFound):
        store.delete(doomed.set_id)
    assert [s.set_id for s in store.list()] == [kept.set_id]
    with engine.connect() as connection:
        remaining = connection.exec_driver_sql("SELECT set_id FROM persona_set_versions").all()
    assert remaining == [(kept.set_id,)]
    # A deleted set's id is never handed out again: an open editor may still hold it.
    assert make_set(store, name="Mall Q3").set_id > kept.set_id


def test_names_are_unique_ignoring_case_and_spacing(store):
    make_set(store, name="Mall Q3")
    other = make_set(store, name="Other")

    with pytest.raises(SegmentaError, match="a persona set named ‘Mall Q3’ already exists"):
        make_set(store, name="  mall   q3 ")
    with pytest.raises(SegmentaError, match="already exists"):
        store.save(other.set_id, base_version=1, personas=[], author="Bo", name="MALL Q3")
    with pytest.raises(SegmentaError, match="already exists"):
        store.duplicate(other.set_id, new_name="Mall Q3", author="Bo")
    assert store.get(other.set_id).version == 1
    assert len(store.list()) == 2


def test_a_deleted_sets_name_can_be_reused(store):
    store.delete(make_set(store).set_id)
    assert make_set(store).name == "Mall Q3"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "name is empty"),
        ("name", "x" * 201, "keep it under 200"),
        ("name", "a\x00b", "NUL character"),
        ("author", "", "author is empty"),
        ("labels", np.array([0.0, 1.0]), "whole numbers"),
        ("labels", np.zeros((2, 2), dtype=int), "one value per row"),
        ("labels", np.array([], dtype=int), "labels are empty"),
        ("row_ids", ["0001"], "1 row ids for 6 labels"),
        ("row_ids", [1, 2, 3, 4, 5, 6], "row ids must be text"),
        ("personas", "not a list", "list of dicts"),
        ("personas", [{"cluster": 0}, "oops"], "persona 2 is a str"),
        ("segmentation", {"model": object()}, "cannot be saved"),
    ],
)
def test_bad_content_is_refused_with_a_clear_message(store, field, value, message):
    with pytest.raises(SegmentaError, match=message):
        make_set(store, **{field: value})
    assert store.list() == []


def test_list_is_newest_first_with_summaries(store):
    first = make_set(store, name="Alpha")
    second = make_set(store, name="Beta", author="Bo")
    store.save(first.set_id, base_version=1, personas=PERSONAS[:1], author="Cy")

    listed = store.list()

    assert [s.name for s in listed] == ["Alpha", "Beta"]
    alpha = listed[0]
    assert (alpha.latest_version, alpha.latest_author, alpha.n_personas) == (2, "Cy", 1)
    assert (alpha.created_by, alpha.created_at) == ("Ana", first.saved_at)
    assert alpha.updated_at > alpha.created_at
    assert alpha.dataset_name == "Mall_Customers.csv"
    assert listed[1].set_id == second.set_id


def test_search_matches_name_dataset_and_any_author_ignoring_case(store):
    make_set(store, name="Mall Q3", dataset_name="Mall_Customers.csv")
    credit = make_set(store, name="Credit cards", dataset_name="CC GENERAL.csv", author="Émilie")
    wholesale = make_set(store, name="Wholesale 100%", dataset_name="wholesale.csv", author="Bo")
    store.save(credit.set_id, base_version=1, personas=[], author="Zoë")

    def names(**kwargs):
        return sorted(s.name for s in store.list(**kwargs))

    assert names(search="mall") == ["Mall Q3"]
    assert names(search="general") == ["Credit cards"]
    assert names(search="ÉMILIE") == ["Credit cards"]
    assert names(search="zoë") == ["Credit cards"]
    assert names(search="100%") == ["Wholesale 100%"]
    assert names(search="_") == ["Mall Q3"]
    assert names(search="nothing like it") == []
    assert names(author="zoë") == ["Credit cards"]
    assert names(author="ana") == ["Mall Q3"]
    assert names(search="wholesale", author="Bo") == [wholesale.name]


def test_list_filters_by_time_of_latest_save(store):
    old = make_set(store, name="Old")
    middle = datetime.now(UTC)
    make_set(store, name="New")

    assert [s.name for s in store.list(since=middle)] == ["New"]
    assert [s.name for s in store.list(until=middle)] == ["Old"]
    store.save(old.set_id, base_version=1, personas=[], author="Bo")
    assert [s.name for s in store.list(since=middle)] == ["Old", "New"]
    with pytest.raises(SegmentaError, match="no timezone"):
        store.list(since=datetime.now())


def test_second_editor_from_the_same_base_gets_a_conflict(store):
    created = make_set(store)
    store.save(created.set_id, base_version=1, personas=PERSONAS[:1], author="Ana")

    with pytest.raises(VersionConflict) as caught:
        store.save(created.set_id, base_version=1, personas=[], author="Bo")

    conflict = caught.value
    latest = store.get(created.set_id)
    assert (conflict.set_id, conflict.expected_version) == (created.set_id, 1)
    assert (conflict.latest_version, conflict.latest_author) == (2, "Ana")
    assert conflict.latest_saved_at == latest.saved_at
    assert str(conflict) == (
        f"‘Mall Q3’ was saved by Ana as version 2 at {latest.saved_at:%H:%M} UTC while you "
        "were editing version 1: reload it, or save yours as a new persona set."
    )
    assert latest.version == 2 and latest.personas == PERSONAS[:1]


def test_concurrent_saves_from_one_base_let_exactly_one_win(store):
    created = make_set(store)
    for base in range(1, 6):
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def edit(author, base=base, start=start, outcomes=outcomes):
            start.wait()
            try:
                outcomes[author] = store.save(
                    created.set_id, base_version=base, personas=[{"by": author}], author=author
                )
            except VersionConflict as conflict:
                outcomes[author] = conflict

        threads = [threading.Thread(target=edit, args=(who,)) for who in ("Ana", "Bo")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        winners = [o for o in outcomes.values() if not isinstance(o, VersionConflict)]
        losers = [o for o in outcomes.values() if isinstance(o, VersionConflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert losers[0].latest_version == base + 1
        assert losers[0].latest_author == winners[0].author
        assert store.get(created.set_id).personas == [{"by": winners[0].author}]
    assert [v.version for v in store.versions(created.set_id)] == [6, 5, 4, 3, 2, 1]


def test_unique_version_constraint_turns_a_sneaked_in_version_into_a_conflict(store, engine):
    """A writer that inserted version 2 without moving the set's latest version still wins."""
    created = make_set(store)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO persona_set_versions (set_id, version, author, saved_at, note, "
            "segmentation, personas, n_personas, n_rows, labels) "
            "SELECT set_id, 2, 'Sneaky', saved_at, note, segmentation, personas, n_personas, "
            f"n_rows, labels FROM persona_set_versions WHERE set_id = {created.set_id}"
        )

    with pytest.raises(VersionConflict) as caught:
        store.save(created.set_id, base_version=1, personas=[], author="Bo")

    assert (caught.value.latest_version, caught.value.latest_author) == (2, "Sneaky")
    assert store.list()[0].latest_version == 1


def test_saved_sets_survive_a_restart(db_url, engine):
    from dashboard.storage import make_engine

    created = make_set(PersonaStore(engine))
    PersonaStore(engine).save(created.set_id, base_version=1, personas=[], author="Bo")
    engine.dispose()

    reopened = make_engine(db_url)
    try:
        store = PersonaStore(reopened)
        assert [v.version for v in store.versions(created.set_id)] == [2, 1]
        assert store.get(created.set_id, 1).personas == PERSONAS
        np.testing.assert_array_equal(store.get(created.set_id).labels, LABELS)
    finally:
        reopened.dispose()


def test_a_million_labels_round_trip(store):
    labels = np.random.default_rng(0).integers(-1, 12, size=1_000_000).astype(np.int32)
    row_ids = [f"{i:07d}" for i in range(labels.size)]

    created = make_set(store, labels=labels, row_ids=row_ids)
    store.save(created.set_id, base_version=1, personas=[], author="Bo")
    fetched = store.get(created.set_id)

    np.testing.assert_array_equal(fetched.labels, labels)
    assert fetched.row_ids == row_ids
