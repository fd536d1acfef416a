"""Several people saving the same persona set at the same moment, through the Personas page's
save function (``save_outputs``), on SQLite and on PostgreSQL.

Sessions that opened the same version save together (threads released by a barrier): exactly
one save wins each round, every other one is told who saved which version and keeps its form
(the page writes nothing back into it), and its text is then saved with "Save mine as a new
persona set", verbatim. After every round the set's history has exactly one more version and
no text anyone saved is lost.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from dash import no_update

from dashboard.app import create_app, default_view
from dashboard.config import Config
from dashboard.pages.personas import entry_source
from dashboard.pages.personas_library import open_outputs
from dashboard.pages.personas_save import save_outputs
from dashboard.persona_sets import resolve
from tests.dash_helpers import text_of

ROUNDS = 6
SESSIONS = 4
KMEANS4 = {"method": "kmeans", "params": {"n_clusters": 4}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def services(request, tmp_path):
    database_url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_schema")
    config = Config(instance_path=tmp_path / "instance", database_url=database_url, testing=True)
    services = create_app(config).server.extensions["segmenta"]
    yield services
    services.engine.dispose()


@pytest.fixture
def source(services):
    return entry_source(default_view(services).as_store(), KMEANS4)


def form(services, source, text: str) -> list[dict]:
    """The form as a session has edited it: every persona renamed and described with ``text``."""
    personas = [dict(p) for p in resolve(services, source).personas]
    for persona in personas:
        persona["name"] = f"{text} · segment {persona['cluster']}"
        persona["description"] = f"{text}\n" + "long description " * 200
        persona["tags"] = ", ".join(persona["tags"])
    return personas


def all_at_once(calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def save(services, source, loaded, personas, author, as_new=False, name="Spring"):
    return save_outputs(services, source, loaded, name, author, personas, as_new=as_new)


def names(saved) -> list[str]:
    return [persona["name"] for persona in saved.personas]


def test_concurrent_saves_of_one_version_let_one_win_and_lose_nothing(services, source):
    *_, first, _, _ = save(services, source, None, form(services, source, "start"), "owner")
    set_id = first["set_id"]
    kept_elsewhere = {}
    for round_number in range(ROUNDS):
        base_version = services.personas.get(set_id).version
        sessions = []
        for session in range(SESSIONS):
            session_source, loaded, *_ = open_outputs(services, set_id)
            text = f"round {round_number} session {session} <b>&</b>"
            sessions.append((f"editor{session}", loaded, form(services, session_source, text)))
        results = all_at_once(
            [lambda s=s: save(services, source, s[1], s[2], author=s[0]) for s in sessions]
        )

        winners = [i for i, result in enumerate(results) if result[1] is False]
        assert len(winners) == 1, [text_of(r[0]) or r[2] for r in results]
        winner = winners[0]
        latest = services.personas.get(set_id)
        assert latest.version == base_version + 1
        assert latest.author == sessions[winner][0]
        assert names(latest) == [p["name"] for p in sessions[winner][2]]
        assert [v.version for v in services.personas.versions(set_id)][0] == base_version + 1

        for loser, (status, conflict_open, message, loaded, _, _) in enumerate(results):
            if loser == winner:
                continue
            assert status is None and conflict_open is True
            assert f"saved by {sessions[winner][0]} as version {base_version + 1}" in message
            assert f"while you were editing version {base_version}" in message
            assert loaded is no_update, "the loser's form is never replaced"
            author, loser_loaded, personas = sessions[loser]
            status, conflict_open, _, new_loaded, _, _ = save(
                services, source, loser_loaded, personas, author, as_new=True
            )
            assert conflict_open is False, text_of(status)
            stored = services.personas.get(new_loaded["set_id"])
            assert stored.personas == services.personas.get(new_loaded["set_id"], 1).personas
            assert names(stored) == [p["name"] for p in personas]
            assert [p["description"] for p in stored.personas] == [
                p["description"] for p in personas
            ]
            kept_elsewhere[new_loaded["set_id"]] = names(stored)

    history = services.personas.versions(set_id)
    assert [v.version for v in history] == list(range(ROUNDS + 1, 0, -1))
    assert len(services.personas.list()) == 1 + ROUNDS * (SESSIONS - 1)
    for set_id_kept, kept_names in kept_elsewhere.items():
        assert names(services.personas.get(set_id_kept)) == kept_names


def test_two_new_sets_with_one_name_at_once(services, source):
    results = all_at_once(
        [
            lambda: save(services, source, None, form(services, source, "ann"), "ann"),
            lambda: save(services, source, None, form(services, source, "bob"), "bob"),
        ]
    )
    created = [r for r in results if r[3] is not no_update]
    refused = [r for r in results if r[3] is no_update]
    assert len(created) == 1 and len(refused) == 1
    assert "a persona set named ‘Spring’ already exists: choose another name" in text_of(
        refused[0][0]
    )
    (saved_set,) = services.personas.list()
    assert saved_set.name == "Spring" and saved_set.latest_version == 1


def create_after_both_chose_a_name(store, n_sessions: int):
    """``store.create`` held until ``n_sessions`` threads have each called it once: every
    one of them has picked its free name before any set is created, the race that is
    otherwise a matter of timing."""
    barrier, first_call = threading.Barrier(n_sessions), threading.local()
    create = store.create

    def held(**fields):
        if not getattr(first_call, "done", False):
            first_call.done = True
            barrier.wait()
        return create(**fields)

    return held


def test_save_as_new_from_two_tabs_of_one_person_at_once(services, source, monkeypatch):
    """The same person clicks "Save mine as a new persona set" in two tabs at once: both tabs
    find 'Spring (ann)' free; one takes it, the other saves as 'Spring (ann) 2' at once."""
    *_, first, _, _ = save(services, source, None, form(services, source, "start"), "owner")
    tabs = [form(services, source, f"tab {tab}") for tab in range(2)]
    monkeypatch.setattr(
        services.personas, "create", create_after_both_chose_a_name(services.personas, len(tabs))
    )
    results = all_at_once(
        [
            lambda personas=personas: save(services, source, first, personas, "ann", as_new=True)
            for personas in tabs
        ]
    )
    saved_names = set()
    for personas, (status, conflict_open, _, loaded, _, _) in zip(tabs, results, strict=True):
        assert conflict_open is False and loaded is not no_update, text_of(status)
        saved = services.personas.get(loaded["set_id"])
        assert saved.version == 1 and names(saved) == [p["name"] for p in personas]
        saved_names.add(saved.name)
    assert saved_names == {"Spring (ann)", "Spring (ann) 2"}
    assert {s.name for s in services.personas.list()} == {"Spring"} | saved_names
    assert names(services.personas.get(first["set_id"])) == [
        p["name"] for p in form(services, source, "start")
    ], "the set saved first is untouched"
